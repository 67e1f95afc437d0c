"""ISO 3166-1 countries (codes and names, translated) from pycountry."""
import gettext
from functools import cache

import pycountry
from flask_babel import get_locale


def _locale() -> str:
    try:
        return str(get_locale() or "en")
    except RuntimeError:  # outside a request
        return "en"


@cache
def _translator(locale: str):
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)


def _english(country) -> str:
    return getattr(country, "common_name", None) or country.name


def is_country(code: str | None) -> bool:
    return bool(code) and pycountry.countries.get(alpha_2=code.upper()) is not None


def country_name(code: str | None, locale: str | None = None) -> str:
    """The country's name in the current language, or the code itself when unknown."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return _translator(locale or _locale()).gettext(_english(country))


@cache
def _choices(locale: str) -> tuple[tuple[str, str], ...]:
    names = ((c.alpha_2, country_name(c.alpha_2, locale)) for c in pycountry.countries)
    return tuple(sorted(names, key=lambda pair: pair[1].casefold()))


def country_choices(locale: str | None = None) -> list[tuple[str, str]]:
    return list(_choices(locale or _locale()))
