import re
import sqlite3
import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from lms.auth import services
from lms.auth.models import User
from lms.extensions import db
from tests.factories import PASSWORD

GOOD = {"name": "Nadia Rahman", "email": "nadia@example.org", "password": "a long enough phrase", "locale": "fr"}


def test_register_logs_in_and_stores_a_scrypt_hash(client):
    response = client.post("/register", data=GOOD)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "nadia@example.org"))
    assert user.locale == "fr" and user.password_hash.startswith("scrypt:")
    assert GOOD["password"] not in user.password_hash
    assert "Nadia Rahman" in client.get("/").get_data(as_text=True)


def test_register_refuses_duplicate_email_any_case(client, make):
    make.user(email="nadia@example.org")
    response = client.post("/register", data={**GOOD, "email": "Nadia@Example.org"})
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_register_refuses_short_and_common_passwords(client):
    short = client.post("/register", data={**GOOD, "password": "short pass"})
    assert short.status_code == 400 and "at least 12" in short.get_data(as_text=True)
    common = client.post("/register", data={**GOOD, "password": "1q2w3e4r5t6y"})
    assert common.status_code == 400 and "too common" in common.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


def test_registering_while_logged_in_is_refused_and_creates_nothing(client, make, login):
    user = make.user()
    login(user)
    page = client.get("/register")
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "You already have an account" in text and 'href="/account"' in text and "My learning" in text
    post = client.post("/register", data={"name": "Second Me", "email": "second@example.org",
                                          "password": "a long enough phrase", "locale": "en"})
    assert post.status_code == 409
    assert db.session.scalar(select(User).where(User.email == "second@example.org")) is None


@pytest.mark.parametrize("weak", ["password1234", "qwertyuiop12"])
def test_guessable_passwords_are_refused_everywhere_a_password_is_set(client, make, login, weak):
    response = client.post("/register", data={**GOOD, "password": weak})
    assert response.status_code == 400 and "easy to guess" in response.get_data(as_text=True)
    assert "four or more unrelated words" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 0
    user = make.user()
    reset = client.post(f"/reset/{services.make_reset_token(user)}", data={"password": weak, "confirm": weak})
    assert reset.status_code == 400 and "easy to guess" in reset.get_data(as_text=True)
    login(user)
    change = client.post("/account/password", data={"pw-current": PASSWORD, "pw-password": weak, "pw-confirm": weak})
    assert change.status_code == 400 and "easy to guess" in change.get_data(as_text=True)
    other = client.application.test_client()
    assert other.post("/login", data={"email": user.email, "password": weak}).status_code == 400


def test_a_new_password_made_of_the_persons_name_is_refused_on_the_account_page(client, make, login):
    user = make.user(name="Wanjiru Kamau", email="wanjiru.kamau@example.org")
    login(user)
    weak = "WanjiruKamau2025"
    response = client.post("/account/password", data={"pw-current": PASSWORD, "pw-password": weak, "pw-confirm": weak})
    assert response.status_code == 400 and "your name" in response.get_data(as_text=True)


def test_register_ignores_a_role_field(client):
    client.post("/register", data={**GOOD, "role": "admin"})
    assert db.session.scalar(select(User.role)) == "learner"


def test_wrong_password_and_unknown_email_get_the_same_message(client, make):
    make.user(email="known@example.org")
    wrong = client.post("/login", data={"email": "known@example.org", "password": "not the password"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 400
    message = "Wrong e-mail address or password."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_next_redirect_stays_on_site(client, make):
    user = make.user()
    for target in ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"]:
        c = client.application.test_client()
        response = c.post(f"/login?next={target}", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target
    c = client.application.test_client()
    response = c.post("/login?next=/account", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/account"


def test_account_requires_login(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_replayed_cookie_after_logout_is_logged_out(client, make, login):
    user = make.user()
    login(user)
    saved = client.get_cookie("session").value
    assert client.get("/account").status_code == 200
    client.post("/logout")
    thief = client.application.test_client()
    thief.set_cookie("session", saved)
    assert thief.get("/account").status_code == 302


def test_password_change_logs_out_other_sessions(client, make, login):
    user = make.user()
    other = login(user, c=client.application.test_client())
    login(user)
    response = client.post("/account/password", data={
        "pw-current": PASSWORD, "pw-password": "a brand new passphrase", "pw-confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_password_change_needs_the_current_password(client, make, login):
    user = make.user()
    login(user)
    response = client.post("/account/password", data={
        "pw-current": "not my password", "pw-password": "a brand new passphrase", "pw-confirm": "a brand new passphrase"})
    assert response.status_code == 400
    assert "current password is not right" in response.get_data(as_text=True)


def test_profile_update(client, make, login):
    user = make.user()
    login(user)
    response = client.post("/account", data={"profile-name": "New Name", "profile-locale": "es"})
    assert response.status_code == 302
    make.fresh(user)
    assert (user.name, user.locale) == ("New Name", "es")


def _reset_link(message) -> str:
    return re.search(r"http://localhost(/reset/\S+)", message.get_content()).group(1)


def test_password_reset_through_the_mail_that_arrived(client, make, smtp_server):
    user = make.user(email="reset.me@example.org")
    response = client.post("/forgot", data={"email": "reset.me@example.org"})
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "reset.me@example.org"
    link = _reset_link(message)
    assert client.post(link, data={"password": "my new long passphrase", "confirm": "my new long passphrase"}).status_code == 302
    assert client.post("/login", data={"email": user.email, "password": "my new long passphrase"}).status_code == 302
    # The link works once only.
    assert client.get(link).status_code == 400


def test_forgot_says_the_same_for_unknown_addresses(client, smtp_server):
    response = client.post("/forgot", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert "If an account uses that address" in response.get_data(as_text=True)
    assert smtp_server.messages == []


def test_forged_and_expired_reset_tokens_are_refused(client, make, app):
    user = make.user()
    forged = client.get("/reset/eyJpZCI6MX0.forged.signature")
    assert forged.status_code == 400 and "not valid" in forged.get_data(as_text=True)
    token = services.make_reset_token(user)
    with time_machine.travel(timedelta(hours=2)):
        expired = client.get(f"/reset/{token}")
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)


def test_reset_link_uses_the_configured_origin_not_the_host_header(client, make, smtp_server):
    make.user(email="host@example.org")
    client.post("/forgot", data={"email": "host@example.org"}, headers={"Host": "evil.example"})
    assert "evil.example" not in smtp_server.messages[0].get_content()


def test_missing_csrf_token_is_a_400(csrf_app, make):
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": "a@example.org", "password": "whatever password"})
    assert response.status_code == 400
    response = client.post("/register", data=GOOD)
    assert response.status_code == 400
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


def test_session_changes_at_login(client, make):
    user = make.user()
    client.get("/login")
    before = client.get_cookie("session")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.get_cookie("session").value != (before.value if before else None)


def test_invitation_links_last_a_week_but_reset_links_an_hour(client, make):
    user = make.user()
    invite, reset = services.make_invite_token(user), services.make_reset_token(user)
    with time_machine.travel(timedelta(days=6)):
        assert client.get(f"/welcome/{invite}").status_code == 200
        assert client.get(f"/reset/{reset}").status_code == 400
    with time_machine.travel(timedelta(days=8)):
        assert "expired" in client.get(f"/welcome/{invite}").get_data(as_text=True)


def test_register_returns_to_a_safe_next_page(client):
    response = client.post("/register?next=/join/ABC", data=GOOD)
    assert response.headers["Location"] == "/join/ABC"
    other = client.application.test_client()
    response = other.post("/register?next=https://evil.example/", data={**GOOD, "email": "x2@example.org"})
    assert response.headers["Location"] == "/"


def test_reset_links_stop_working_when_the_account_is_deactivated(client, make):
    user = make.user()
    token = services.make_invite_token(user)
    user.active = False
    db.session.commit()
    assert client.get(f"/welcome/{token}").status_code == 400


def _write_lock_is_free() -> bool:
    """Whether another connection could start writing to the SQLite file right now."""
    other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@pytest.fixture
def lock_probe(monkeypatch):
    """probe(module, name): wrap a slow password function so that each call notes whether this
    request held SQLite's write lock meanwhile."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer")
    seen = []

    def probe(module, name):
        real = getattr(module, name)

        def wrapped(*args, **kwargs):
            seen.append(_write_lock_is_free())
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapped)

    probe.seen = seen
    return probe


def test_logging_in_checks_the_password_without_holding_the_write_lock(client, make, lock_probe):
    user = make.user()
    lock_probe(services, "verify_password")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    client.application.test_client().post("/login", data={"email": user.email, "password": "wrong one!"})
    assert lock_probe.seen == [True, True]


def test_every_form_that_hashes_a_password_does_it_without_the_write_lock(client, make, login, lock_probe):
    from lms.auth import account_views, erasure
    from lms.auth import views as auth_views

    for module in (auth_views, account_views):
        lock_probe(module, "hash_password")
    for module in (account_views, erasure):
        lock_probe(module, "verify_password")
    assert client.post("/register", data=GOOD).status_code == 302  # hash
    user = make.user()
    token = services.make_reset_token(user)
    assert client.post(f"/reset/{token}", data={"password": "a reset passphrase here",
                                                "confirm": "a reset passphrase here"}).status_code == 302  # hash
    login(user, "a reset passphrase here")
    assert client.post("/account/password", data={  # verify + hash
        "pw-current": "a reset passphrase here", "pw-password": "a changed passphrase",
        "pw-confirm": "a changed passphrase"}).status_code == 302
    assert client.post("/account/email", data={"email-email": "moved@example.org",  # verify
                                               "email-current": "a changed passphrase"}).status_code == 302
    assert client.post("/account/delete", data={"confirm": "a changed passphrase"}).status_code == 302  # verify
    assert lock_probe.seen == [True] * 6


def test_fifty_learners_logging_in_at_once_all_get_in_and_are_checked_side_by_side(app, make, monkeypatch):
    """bench/logins.py does the same with 200 learners against real servers."""
    # A quarter of the real cost (~25 ms a check): enough for checks to overlap or queue.
    real_hash = generate_password_hash(PASSWORD, method="scrypt:8192:8:1")
    users = [make.user().email for _ in range(50)]
    db.session.execute(update(User).values(password_hash=real_hash))
    db.session.commit()
    inside, most, lock = [0], [0], threading.Lock()
    real = services.verify_password

    def watched(stored, password):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        try:
            return real(stored, password)
        finally:
            with lock:
                inside[0] -= 1

    monkeypatch.setattr(services, "verify_password", watched)
    clients = [app.test_client() for _ in users]
    barrier, statuses, errors = threading.Barrier(len(users)), [], []

    def log_in(c, email):
        try:
            barrier.wait()
            statuses.append(c.post("/login", data={"email": email, "password": PASSWORD},
                                   environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=log_in, args=pair) for pair in zip(clients, users, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and statuses == [302] * 50
    assert most[0] > 1  # under the old write lock, one check at a time
    assert all(c.get("/account").status_code == 200 for c in clients)
