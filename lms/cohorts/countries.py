"""Countries an organisation can be from: the 193 UN Member States and the 2 Observer States
(Holy See, State of Palestine), by ISO 3166-1 alpha-2 code.

Names come from the CLDR data Babel ships, in the page's language, except where the UN's own
short name differs (UNTERM: "Türkiye", "Côte d'Ivoire", "Republic of Korea"): those are below.
A code outside the list (an organisation saved from the older ISO list) is shown as the code.
"""
import unicodedata
from functools import cache

from babel import Locale
from flask_babel import get_locale

UN_MEMBER_STATES = (
    "AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH CM "
    "CA CF TD CL CN CO KM CG CR CI HR CU CY CZ KP CD DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA "
    "GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KW KG LA LV LB "
    "LS LR LY LI LT LU MG MW MY MV ML MT MH MR MU MX FM MC MN ME MA MZ MM NA NR NP NL NZ NI NE NG MK "
    "NO OM PK PW PA PG PY PE PH PL PT QA KR MD RO RU RW KN LC VC WS SM ST SA SN RS SC SL SG SK SI SB "
    "SO ZA SS ES LK SD SR SE CH SY TJ TH TL TG TO TT TN TR TM TV UG UA AE GB TZ US UY UZ VU VE VN YE "
    "ZM ZW").split()
UN_OBSERVER_STATES = ("VA", "PS")
CODES = frozenset(UN_MEMBER_STATES) | frozenset(UN_OBSERVER_STATES)

_SHARED = {"CV": "Cabo Verde", "CI": "Côte d'Ivoire", "MM": "Myanmar", "TR": "Türkiye", "VN": "Viet Nam"}
UN_NAMES = {
    "en": {**_SHARED,
           "AG": "Antigua and Barbuda", "BA": "Bosnia and Herzegovina",
           "BO": "Bolivia (Plurinational State of)", "BN": "Brunei Darussalam", "CG": "Congo",
           "KP": "Democratic People's Republic of Korea", "CD": "Democratic Republic of the Congo",
           "IR": "Iran (Islamic Republic of)", "LA": "Lao People's Democratic Republic",
           "FM": "Micronesia (Federated States of)", "NL": "Netherlands (Kingdom of the)",
           "KR": "Republic of Korea", "MD": "Republic of Moldova", "RU": "Russian Federation",
           "KN": "Saint Kitts and Nevis", "LC": "Saint Lucia", "VC": "Saint Vincent and the Grenadines",
           "ST": "Sao Tome and Principe", "SY": "Syrian Arab Republic", "TT": "Trinidad and Tobago",
           "GB": "United Kingdom of Great Britain and Northern Ireland",
           "TZ": "United Republic of Tanzania", "US": "United States of America",
           "VE": "Venezuela (Bolivarian Republic of)", "VA": "Holy See", "PS": "State of Palestine"},
    "fr": {**_SHARED,
           "BY": "Bélarus", "BO": "Bolivie (État plurinational de)", "BN": "Brunéi Darussalam",
           "CG": "Congo", "KP": "République populaire démocratique de Corée",
           "CD": "République démocratique du Congo", "IR": "Iran (République islamique d')",
           "IQ": "Iraq", "KG": "Kirghizistan", "LA": "République démocratique populaire lao",
           "FM": "Micronésie (États fédérés de)", "NL": "Pays-Bas (Royaume des)",
           "KR": "République de Corée", "MD": "République de Moldova", "RU": "Fédération de Russie",
           "KN": "Saint-Kitts-et-Nevis", "SV": "El Salvador", "SY": "République arabe syrienne",
           "TL": "Timor-Leste", "GB": "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
           "TZ": "République-Unie de Tanzanie", "US": "États-Unis d'Amérique",
           "VE": "Venezuela (République bolivarienne du)", "VA": "Saint-Siège", "PS": "État de Palestine"},
    "es": {**_SHARED,
           "SA": "Arabia Saudita", "BH": "Bahrein", "BD": "Bangladesh", "BY": "Belarús",
           "BO": "Bolivia (Estado Plurinacional de)", "BW": "Botswana", "BN": "Brunei Darussalam",
           "DJ": "Djibouti", "SZ": "Eswatini", "FJ": "Fiji", "GW": "Guinea-Bissau", "IQ": "Iraq",
           "IR": "Irán (República Islámica del)", "KZ": "Kazajstán", "KE": "Kenya", "LS": "Lesotho",
           "MW": "Malawi", "FM": "Micronesia (Estados Federados de)", "NL": "Países Bajos (Reino de los)",
           "PW": "Palau", "QA": "Qatar", "GB": "Reino Unido de Gran Bretaña e Irlanda del Norte",
           "SY": "República Árabe Siria", "KR": "República de Corea", "MD": "República de Moldova",
           "LA": "República Democrática Popular Lao", "KP": "República Popular Democrática de Corea",
           "TZ": "República Unida de Tanzanía", "RU": "Federación de Rusia", "RW": "Rwanda",
           "KN": "Saint Kitts y Nevis", "SR": "Suriname", "TT": "Trinidad y Tabago",
           "US": "Estados Unidos de América", "VE": "Venezuela (República Bolivariana de)",
           "ZW": "Zimbabwe", "VA": "Santa Sede", "PS": "Estado de Palestina"},
}


def _language(locale=None) -> str:
    if locale is None:
        try:
            locale = get_locale()
        except RuntimeError:  # outside a request
            locale = None
    language = str(locale or "en").split("_")[0].split("-")[0]
    return language if language in UN_NAMES else "en"


def is_country(code: str | None) -> bool:
    return bool(code) and code.upper() in CODES


def country_name(code: str | None, locale=None) -> str:
    """The country's name in the current language; a code outside the list, as the code."""
    if not code:
        return ""
    code = code.upper()
    if code not in CODES:
        return code
    return _names(_language(locale))[code]


@cache
def _names(language: str) -> dict[str, str]:
    territories = Locale.parse(language).territories
    return {code: UN_NAMES[language].get(code) or territories[code] for code in CODES}


def _sort_key(name: str) -> tuple[str, str]:
    """Alphabetical whatever the accents: "Égypte" among the E, "Îles Marshall" among the I."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return bare.casefold(), name


@cache
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(_names(language).items(), key=lambda pair: _sort_key(pair[1])))


def country_choices(locale=None) -> list[tuple[str, str]]:
    """[(code, name)] for the 195 States, sorted by name in the current language."""
    return list(_choices(_language(locale)))
