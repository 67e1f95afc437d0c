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
            assert i18n.percent(87.4) == "87\xa0%"
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
