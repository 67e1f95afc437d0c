import re
from datetime import timedelta

import time_machine

from lms.extensions import db
from tests.factories import PASSWORD


def _link(message) -> str:
    return re.search(r"http://localhost(/account/email/\S+)", message.get_content()).group(1)


def test_profile_saves_the_organisation_and_can_clear_it(client, make, login):
    user = make.user(organisation_text="Old NGO")
    login(user)
    form = {"profile-name": user.name, "profile-locale": "en"}
    page = client.get("/account").get_data(as_text=True)
    assert 'value="Old NGO"' in page
    assert client.post("/account", data={**form, "profile-organisation_text": "  Ministry of Justice "}).status_code == 302
    assert make.fresh(user).organisation_text == "Ministry of Justice"
    client.post("/account", data={**form, "profile-organisation_text": ""})
    assert make.fresh(user).organisation_text is None


def test_changing_the_email_mails_a_link_to_the_new_address_and_a_notice_to_the_old(client, make, login, smtp_server):
    user = make.user(email="old@example.org", locale="en")
    login(user)
    response = client.post("/account/email", data={"email-email": "New@Example.org", "email-current": PASSWORD})
    assert response.status_code == 302
    assert make.fresh(user).email == "old@example.org"  # not yet
    to = {m["To"]: m for m in smtp_server.messages}
    assert set(to) == {"new@example.org", "old@example.org"}
    assert "within 24 hours" in to["new@example.org"].get_content()
    assert "new@example.org" in to["old@example.org"].get_content()
    assert "/account/email/" not in to["old@example.org"].get_content()
    link = _link(to["new@example.org"])
    opened = client.get(link)
    assert opened.status_code == 302 and opened.headers["Location"] == "/account"
    assert make.fresh(user).email == "new@example.org"
    assert client.get("/account").status_code == 200  # this browser stays logged in
    assert "new@example.org" in client.get("/account").get_data(as_text=True)
    again = client.get(link, follow_redirects=True)
    assert "already new@example.org" in again.get_data(as_text=True)
    other = client.application.test_client()
    assert other.post("/login", data={"email": "new@example.org", "password": PASSWORD}).status_code == 302


def test_the_mails_are_in_the_users_language(client, make, login, smtp_server, monkeypatch):
    from flask_babel import get_locale

    seen = []
    import lms.auth.email_change as email_change

    real = email_change.render_template

    def spy(template, **context):
        seen.append(str(get_locale()))
        return real(template, **context)

    monkeypatch.setattr(email_change, "render_template", spy)
    user = make.user(locale="fr")
    login(user)
    client.post("/account/email", data={"email-email": "nouveau@example.org", "email-current": PASSWORD},
                headers={"Accept-Language": "en"})
    assert seen == ["fr", "fr"]


def test_the_link_works_on_another_device_without_logging_in(client, make, login, smtp_server):
    user = make.user(email="phone@example.org")
    login(user)
    client.post("/account/email", data={"email-email": "tablet@example.org", "email-current": PASSWORD})
    link = _link(next(m for m in smtp_server.messages if m["To"] == "tablet@example.org"))
    phone = client.application.test_client()
    response = phone.get(link)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert make.fresh(user).email == "tablet@example.org"
    # Every session, the one that asked included, has ended with the old address.
    assert client.get("/account").status_code == 302


def test_an_address_in_use_or_invalid_or_unchanged_is_a_form_error(client, make, login, smtp_server):
    make.user(email="taken@example.org")
    user = make.user(email="me@example.org")
    login(user)
    cases = {"Taken@example.org": "already exists", "not-an-address": "Invalid email address",
             "me@example.org": "already your e-mail address"}
    for address, message in cases.items():
        response = client.post("/account/email", data={"email-email": address, "email-current": PASSWORD})
        assert response.status_code == 400 and message in response.get_data(as_text=True), address
    wrong = client.post("/account/email", data={"email-email": "fresh@example.org", "email-current": "not it at all"})
    assert wrong.status_code == 400 and "current password is not right" in wrong.get_data(as_text=True)
    assert smtp_server.messages == []


def test_an_address_taken_meanwhile_is_a_409_and_changes_nothing(client, make, login, smtp_server):
    user = make.user(email="slow@example.org")
    login(user)
    client.post("/account/email", data={"email-email": "wanted@example.org", "email-current": PASSWORD})
    link = _link(next(m for m in smtp_server.messages if m["To"] == "wanted@example.org"))
    make.user(email="wanted@example.org")
    response = client.get(link)
    assert response.status_code == 409 and "since you asked" in response.get_data(as_text=True)
    assert make.fresh(user).email == "slow@example.org"


def test_an_expired_link_says_so(client, make, login, smtp_server):
    user = make.user(email="late@example.org")
    login(user)
    client.post("/account/email", data={"email-email": "later@example.org", "email-current": PASSWORD})
    link = _link(next(m for m in smtp_server.messages if m["To"] == "later@example.org"))
    with time_machine.travel(timedelta(hours=25)):
        response = client.get(link)
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert make.fresh(user).email == "late@example.org"


def test_the_delete_page_needs_the_email_or_password(client, make, login):
    user = make.user(email="leaving@example.org")
    login(user)
    assert "type your e-mail address or your password" in client.get("/account/delete").get_data(as_text=True)
    wrong = client.post("/account/delete", data={"confirm": "nope@example.org"})
    assert wrong.status_code == 400 and "neither your e-mail address nor your password" in wrong.get_data(as_text=True)
    assert make.fresh(user).deleted_at is None
    done = client.post("/account/delete", data={"confirm": "leaving@example.org"}, follow_redirects=True)
    assert done.status_code == 200 and "Your account has been deleted" in done.get_data(as_text=True)
    assert make.fresh(user).deleted_at is not None
    assert client.get("/account").status_code == 302  # logged out
    relogin = client.post("/login", data={"email": "leaving@example.org", "password": PASSWORD})
    assert relogin.status_code == 400


def test_deleting_needs_a_csrf_token(csrf_app, make, login):
    client = csrf_app.test_client()
    user = make.user()
    csrf_app.config["WTF_CSRF_ENABLED"] = False
    login(user, c=client)
    csrf_app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/account/delete", data={"confirm": user.email}).status_code == 400
    assert make.fresh(user).deleted_at is None


def test_the_only_administrator_is_told_why_they_cannot_delete(client, make, login):
    admin = make.user("admin")
    login(admin)
    page = client.get("/account/delete")
    assert page.status_code == 409 and "only administrator" in page.get_data(as_text=True)
    post = client.post("/account/delete", data={"confirm": admin.email})
    assert post.status_code == 409
    assert make.fresh(admin).deleted_at is None


def test_account_page_links_to_downloads_and_deletion(client, make, login):
    login(make.user())
    page = client.get("/account").get_data(as_text=True)
    for href in ("/account/data.json", "/account/data.zip", "/account/delete"):
        assert f'href="{href}"' in page


def test_a_mail_server_that_is_down_delays_the_confirmation_but_loses_nothing(client, make, login, app):
    import socket

    from lms.core import outbox
    from lms.core.models import OutboxMessage

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    user = make.user(email="steady@example.org")
    login(user)
    response = client.post("/account/email", data={"email-email": "moving@example.org", "email-current": PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        assert outbox.deliver_due() == (0, 2)
    db.session.rollback()
    waiting = db.session.scalars(db.select(OutboxMessage)).all()
    assert sorted(m.to_address for m in waiting) == ["moving@example.org", "steady@example.org"]
    assert all(m.state == "pending" and m.attempts == 1 for m in waiting)   # tried again later
