"""Languages, time zones and the one set of formatting helpers every template uses.

Dates, times, numbers and percentages go through Babel in the user's locale and time zone:
`{{ when|date }}`, `{{ when|datetime }}`, `{{ 87.5|percent }}`, `{{ 3.5|number }}`,
`{{ 8100|duration }}` (seconds: "2 h 15 min").
Stored datetimes are naive UTC; Flask-Babel converts them to the user's zone.

A score has one number wherever it appears: `percent` shows it and `score_value` gives exports
the same digits (see `shown_percent`). Rates that are not scores (progress, shares of learners)
use the same filter with whole numbers: `{{ 66.7|percent(0) }}` is "66%".
"""
from datetime import date as Date
from datetime import datetime as DateTime
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

import pytz
from babel import numbers as babel_numbers
from flask import current_app, g, has_request_context, request, session
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    ngettext,
)
from flask_babel import gettext as _
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


SCORE_DIGITS = 1      # decimals a score is shown with


def shown_percent(value, digits: int = SCORE_DIGITS) -> Decimal | None:
    """The one rounding rule for percentages given as 0..100: cut (not rounded) to `digits`
    decimals, so that 69.96 reads 69.9 and never as a pass mark of 70 the learner did not reach.

    Float noise is absorbed first: marks of 0.7 and 0.6 make 64.99999999999999 %, which is 65.
    Negative values (a discrimination index) are cut towards zero too."""
    if value is None:
        return None
    exact = Decimal(str(round(float(value), 9)))
    shown = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_DOWN)
    return shown + 0    # -0.0 is shown as 0, not "-0 %"


def score_value(value, digits: int = SCORE_DIGITS) -> float | None:
    """The number an export cell carries for a percentage: the digits the page shows (91.6, 92)."""
    shown = shown_percent(value, digits)
    if shown is None:
        return None
    return int(shown) if shown == shown.to_integral_value() else float(shown)


def percent(value, digits: int = SCORE_DIGITS, locale=None) -> str:
    """A percentage given as 0..100 in the locale's form, per `shown_percent`, with no trailing
    zero: "91.6%" (en), "91,6 %" (fr, es), "92%". Scores keep one decimal; rates pass 0."""
    shown = shown_percent(value, digits)
    if shown is None:
        return "—"
    # The value already has the digits to show: no quantization, so Babel neither rounds it
    # again nor pads it with zeros.
    return babel_numbers.format_percent(shown / 100, locale=locale or get_locale() or "en",
                                        decimal_quantization=False)


def number(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return format_decimal(value, "#,##0" + ("." + "#" * digits if digits else ""))


def whole_minutes(value) -> int:
    """A time span (seconds or a timedelta) in minutes, to the nearest: what `duration` shows,
    and what exports carry, so a spreadsheet and a page agree."""
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value or 0)
    return int(max(seconds, 0) + 30) // 60


def duration(value) -> str:
    """A time span (seconds or a timedelta) to the nearest minute: "2 h 15 min", "40 min",
    "3 h"; under half a minute, "less than 1 min"."""
    if value is None:
        return "—"
    hours, minutes = divmod(whole_minutes(value), 60)
    if not hours:
        return ngettext("%(num)d min", "%(num)d min", minutes) if minutes else _("less than 1 min")
    if not minutes:
        return ngettext("%(num)d h", "%(num)d h", hours)
    return _("%(hours)d h %(minutes)d min", hours=hours, minutes=minutes)


def translated(obj, key: str = "title") -> str:
    """A content object's field in the page's language (course, module, quiz), else English."""
    locale = str(get_locale() or "en")
    value = ((getattr(obj, "translations", None) or {}).get(locale) or {}).get(key) if locale != "en" else None
    return value or getattr(obj, key, "") or ""


def register(app) -> None:
    for name, function in (("date", date), ("datetime", datetime), ("percent", percent), ("number", number),
                           ("duration", duration)):
        app.add_template_filter(function, name)
    app.add_template_global(lang_attr, "lang_attr")
    app.add_template_filter(translated, "tr")
    app.add_template_global(LANGUAGE_NAMES, "language_names")
