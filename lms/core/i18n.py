"""Languages, time zones and the one set of formatting helpers every template uses.

Dates, times, numbers and percentages go through Babel in the user's locale and time zone:
`{{ when|date }}`, `{{ when|datetime }}`, `{{ 87.5|percent }}`, `{{ 3.5|number }}`.
Stored datetimes are naive UTC; Flask-Babel converts them to the user's zone.
"""
from datetime import date as Date
from datetime import datetime as DateTime

import pytz
from flask import current_app, g, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from flask_login import current_user
from markupsafe import Markup

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}
COMMON_TIMEZONES = pytz.common_timezones


def select_locale() -> str:
    """The UI language: the account's choice, else the visitor's remembered choice, else the
    browser's preference among ours, else English."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if "locale" in g:
        return g.locale
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated:
        choice = current_user.locale
    else:
        choice = session.get("locale") or request.accept_languages.best_match(languages)
    g.locale = choice if choice in languages else "en"
    return g.locale


def timezone_for(user) -> str:
    """The user's chosen zone, else the main zone of their organisation's country, else UTC."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "UTC"
    if user.timezone in pytz.all_timezones_set:
        return user.timezone
    from lms.cohorts.models import Organisation
    from lms.extensions import db

    organisation = db.session.get(Organisation, user.organisation_id) if user.organisation_id else None
    country = (organisation.country or "").upper() if organisation is not None else ""
    zones = pytz.country_timezones.get(country) if country else None
    return zones[0] if zones else "UTC"


def select_timezone() -> str:
    if not has_request_context():
        return "UTC"
    if "timezone" not in g:
        g.timezone = timezone_for(current_user)
    return g.timezone


def lang_attr(lang: str | None) -> Markup:
    """` lang="en"` on content shown in another language than the page's; nothing otherwise."""
    if not lang or lang == str(get_locale() or "en"):
        return Markup("")
    return Markup(' lang="%s"') % lang


def date(value, form: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, DateTime):
        return format_date(value, form)  # converted to the user's zone first
    return format_date(value if isinstance(value, Date) else DateTime.fromisoformat(str(value)), form)


def datetime(value, form: str = "medium") -> str:
    return format_datetime(value, form) if value is not None else ""


def percent(value) -> str:
    """A percentage given as 0..100 (as scores are stored), whole, in the locale's form: 87 %, 87%."""
    if value is None:
        return "—"
    return format_percent(value / 100)


def number(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return format_decimal(value, "#,##0" + ("." + "#" * digits if digits else ""))


def translated(obj, key: str = "title") -> str:
    """A content object's field in the page's language (course, module, quiz), else English."""
    locale = str(get_locale() or "en")
    value = ((getattr(obj, "translations", None) or {}).get(locale) or {}).get(key) if locale != "en" else None
    return value or getattr(obj, key, "") or ""


def register(app) -> None:
    for name, function in (("date", date), ("datetime", datetime), ("percent", percent), ("number", number)):
        app.add_template_filter(function, name)
    app.add_template_global(lang_attr, "lang_attr")
    app.add_template_filter(translated, "tr")
    app.add_template_global(LANGUAGE_NAMES, "language_names")
