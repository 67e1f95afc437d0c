"""Formats in the user's locale and time zone, and the language choice remembered."""
from datetime import date, datetime

from flask_babel import force_locale

from lms.cohorts.models import Organisation
from lms.core import i18n
from lms.extensions import db


def test_dates_numbers_and_percentages_follow_the_locale(app):
    with app.test_request_context():
        day = date(2026, 12, 3)
        assert i18n.date(day) == "December 3, 2026"
        with force_locale("fr"):
            assert i18n.date(day) == "3 décembre 2026"
            assert i18n.percent(87.4) == "87,4\xa0%"
            assert i18n.number(3.5) == "3,5"
        with force_locale("es"):
            assert i18n.date(day) == "3 de diciembre de 2026"
            assert i18n.number(12815, 0) == "12.815"


def test_the_time_zone_comes_from_the_account_then_the_organisation_country(make):
    senegal = Organisation(name="Ministère de la Justice", kind="sur", country="SN")
    db.session.add(senegal)
    db.session.commit()
    assert i18n.timezone_for(make.user()) == "UTC"
    assert i18n.timezone_for(make.user(organisation_id=senegal.id)) == "Africa/Dakar"
    assert i18n.timezone_for(make.user(organisation_id=senegal.id, timezone="America/Bogota")) == "America/Bogota"


def test_times_are_shown_in_the_users_time_zone(client, login, make):
    learner = make.user(timezone="America/Bogota")
    login(learner)
    response = client.post("/account", data={"profile-name": learner.name, "profile-locale": "es",
                                              "profile-timezone": "Asia/Tokyo"})
    assert response.status_code == 302
    db.session.rollback()
    assert learner.timezone == "Asia/Tokyo"
    with client.application.test_request_context():
        from flask import g
        g.timezone, g.locale = "Asia/Tokyo", "en"
        assert i18n.datetime(datetime(2026, 12, 3, 23, 30), "short") == "12/4/26, 8:30\u202fAM"


def test_a_bad_time_zone_is_a_form_error(client, login, make):
    learner = make.user()
    login(learner)
    response = client.post("/account", data={"profile-name": "X", "profile-locale": "fr", "profile-timezone": "Mars/Olympus"})
    assert response.status_code == 400
    db.session.rollback()
    assert learner.timezone is None


def test_the_language_choice_is_remembered_for_visitors_and_accounts(client, login, make):
    client.post("/language", data={"locale": "es", "next": "/glossary"})
    assert '<html lang="es">' in client.get("/").get_data(as_text=True)
    learner = make.user(locale="en")
    login(learner)
    client.post("/language", data={"locale": "fr", "next": "/"})
    db.session.rollback()
    assert learner.locale == "fr"
    other = client.application.test_client()
    login(learner, c=other)
    assert '<html lang="fr">' in other.get("/").get_data(as_text=True)


def test_durations_read_as_hours_and_minutes_in_the_page_language(app):
    from datetime import timedelta

    with app.test_request_context():
        assert i18n.duration(2 * 3600 + 15 * 60) == "2 h 15 min"
        assert i18n.duration(2 * 3600 + 14 * 60 + 40) == "2 h 15 min"      # to the nearest minute
        assert i18n.duration(40 * 60) == "40 min" and i18n.duration(60) == "1 min"
        assert i18n.duration(3 * 3600 + 10) == "3 h"
        assert i18n.duration(20) == "less than 1 min" and i18n.duration(0) == "less than 1 min"
        assert i18n.duration(-5) == "less than 1 min" and i18n.duration(None) == "—"
        assert i18n.duration(timedelta(hours=26, minutes=1)) == "26 h 1 min"
        rendered = app.jinja_env.from_string("{{ 8100|duration }}").render()
        assert rendered == "2 h 15 min"


def test_a_score_is_cut_to_one_decimal_never_rounded_up_to_the_pass_mark(app):
    with app.test_request_context():
        assert i18n.percent(100 * 11 / 12) == "91.6%"            # 91.666…, not 91.7 nor 92
        assert i18n.percent(69.96) == "69.9%" and i18n.score_value(69.96) == 69.9
        assert i18n.percent(70) == "70%" and i18n.percent(92.0) == "92%"   # no trailing ".0"
        assert i18n.percent(100 * (0.7 + 0.6) / 2) == "65%"      # 64.99999999999999 is float noise for 65
        assert i18n.percent(0) == "0%" and i18n.percent(None) == "—"
        assert i18n.percent(-0.04) == "0%" and i18n.percent(-12.36) == "-12.3%"   # towards zero
        with force_locale("fr"):
            assert i18n.percent(100 * 11 / 12) == "91,6\xa0%"
        with force_locale("es"):
            assert i18n.percent(100 * 11 / 12) == "91,6\xa0%"
        assert i18n.percent(100 * 11 / 12, locale="en") == "91.6%"


def test_exports_carry_the_digits_the_page_shows(app):
    assert i18n.score_value(100 * 11 / 12) == 91.6
    assert i18n.score_value(100.0) == 100 and isinstance(i18n.score_value(100.0), int)
    assert i18n.score_value(None) is None
    assert i18n.score_value(66.67, 0) == 66                      # a whole rate is cut the same way
    assert i18n.whole_minutes(8100) == 135 and i18n.whole_minutes(89) == 1 and i18n.whole_minutes(None) == 0


def test_rates_use_the_same_filter_with_whole_numbers(app):
    with app.test_request_context():
        assert app.jinja_env.from_string("{{ 66.67|percent(0) }} · {{ 91.666|percent }}").render() == "66% · 91.6%"
        with force_locale("fr"):
            assert app.jinja_env.from_string("{{ 99.9|percent(0) }}").render() == "99\xa0%"
