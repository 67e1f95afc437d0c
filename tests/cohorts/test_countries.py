"""The country list: the 193 UN Member States and the 2 Observer States, UN short names, in
the page's language, sorted by that language's names."""
import pytest

from lms.cohorts.countries import country_choices, country_name, is_country


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_195_states_and_no_territories(app, language):
    choices = country_choices(language)
    codes = [code for code, _name in choices]
    assert len(choices) == 195 and len(set(codes)) == 195
    assert {"VA", "PS"} <= set(codes)
    assert not {"AQ", "BV", "HK", "PR", "GL", "XK", "EH"} & set(codes)
    assert all(len(code) == 2 and code.isupper() for code in codes)


def test_un_short_names_where_they_differ_from_common_ones(app):
    assert country_name("TR", "en") == "Türkiye" and country_name("CI", "en") == "Côte d'Ivoire"
    assert country_name("VA", "en") == "Holy See" and country_name("PS", "en") == "State of Palestine"
    assert country_name("KR", "en") == "Republic of Korea" and country_name("AG", "en") == "Antigua and Barbuda"
    assert country_name("VA", "fr") == "Saint-Siège" and country_name("PS", "es") == "Estado de Palestina"
    assert country_name("DE", "fr") == "Allemagne" and country_name("DE", "es") == "Alemania"


def test_sorted_by_the_languages_names_whatever_the_accents(app):
    for language in ("en", "fr", "es"):
        names = [name for _code, name in country_choices(language)]
        assert names[0].startswith("Af")
    french = [name for _code, name in country_choices("fr")]
    assert french.index("Égypte") < french.index("El Salvador") < french.index("Émirats arabes unis") \
        < french.index("Équateur") < french.index("Espagne")
    spanish = [code for code, _name in country_choices("es")]
    assert spanish.index("DE") < spanish.index("AD")  # Alemania before Andorra


def test_a_code_outside_the_list_is_shown_as_it_is(app):
    assert country_name("AQ") == "AQ" and country_name("bv") == "BV"
    assert country_name(None) == "" and country_name("") == ""
    assert not is_country("AQ") and is_country("ps") and not is_country(None)


def test_the_page_language_picks_the_names(client, login, make):
    login(make.user(role="admin", locale="es"))
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert '<option value="VA">Santa Sede</option>' in page
    assert '<option value="AQ">' not in page
