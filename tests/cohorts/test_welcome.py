"""An invited learner's first visit: choose a password, be logged in, land on the course."""
from datetime import timedelta

import time_machine

from lms.auth import services
from lms.extensions import db

PASSPHRASE = {"password": "orchid lantern fjord meadow", "confirm": "orchid lantern fjord meadow"}


def test_welcome_page_is_in_the_learners_language_and_lands_on_my_learning(client, make, make_invited,
                                                                           make_cohort):
    invited = make_invited(email="ines@example.org", locale="es", name="Inés Ruiz")
    cohort = make_cohort(learners=[invited], courses=[make.course(), make.course()], name="Cohorte")
    link = f"/welcome/{services.make_invite_token(invited, cohort.id)}"
    page = client.get(link).get_data(as_text=True)
    assert '<html lang="es">' in page and "Inés Ruiz" in page and "Cohorte" in page
    response = client.post(link, data=PASSPHRASE)
    assert response.status_code == 303 and response.headers["Location"] == "/learning"
    assert "Inés Ruiz" in client.get("/learning").get_data(as_text=True)


def test_a_chosen_interface_language_wins_over_the_accounts(client, make_invited):
    invited = make_invited(locale="es")
    client.post("/language", data={"locale": "fr"})
    page = client.get(f"/welcome/{services.make_invite_token(invited)}").get_data(as_text=True)
    assert '<html lang="fr">' in page


def test_bad_and_weak_passwords_are_form_errors_and_change_nothing(client, make_invited):
    invited = make_invited()
    link = f"/welcome/{services.make_invite_token(invited)}"
    response = client.post(link, data={"password": "orchid lantern fjord meadow", "confirm": "different"})
    assert response.status_code == 400 and "The two passwords differ." in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(type(invited), invited.id).password_hash is None
    assert client.get("/learning").status_code == 302                    # not logged in


def test_expired_forged_and_used_links_say_what_to_do(client, make_invited):
    invited = make_invited()
    token = services.make_invite_token(invited)
    forged = client.get(f"/welcome/{token[:-3]}xyz")
    assert forged.status_code == 400 and "not valid" in forged.get_data(as_text=True)
    with time_machine.travel(timedelta(days=8)):
        assert "expired" in client.get(f"/welcome/{token}").get_data(as_text=True)
    client.post(f"/welcome/{token}", data=PASSPHRASE)
    client.post("/logout")
    used = client.get(f"/welcome/{token}")
    assert used.status_code == 400 and "already chosen your password" in used.get_data(as_text=True)


def test_invitation_links_mailed_before_the_welcome_page_still_work(client, make_invited):
    token = services.make_invite_token(make_invited())
    response = client.get(f"/reset/{token}")
    assert response.status_code == 301 and response.headers["Location"] == f"/welcome/{token}"
