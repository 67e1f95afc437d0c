"""Session limits per role with a frozen clock, "Keep me signed in", logging out on one device or
everywhere, and what survives: a change of network, a timed quiz's deadline."""
from datetime import timedelta

import pytest
import time_machine

from lms.core.db import utcnow
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.quizzes.models import QuizAttempt
from tests.factories import PASSWORD

REMEMBER = "remember_token"


@pytest.fixture
def clock():
    with time_machine.travel(utcnow().replace(microsecond=0), tick=False) as traveller:
        yield traveller


def _log_in(client, user, *, remember=False, ip="127.0.0.1", url="/login"):
    data = {"email": user.email, "password": PASSWORD} | ({"remember": "y"} if remember else {})
    response = client.post(url, data=data, environ_base={"REMOTE_ADDR": ip})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def _later(clock, **delta):
    clock.shift(timedelta(**delta))


def _logged_out_to(client, path="/account"):
    response = client.get(path)
    assert response.status_code == 302, path
    return response.headers["Location"]


def _close_browser(client):
    """What closing the browser does to its cookies: the session cookie goes, a dated one stays."""
    client.delete_cookie("session")


def test_a_learner_is_logged_out_after_8_hours_without_activity(client, make, clock):
    user = make.user()
    _log_in(client, user)
    _later(clock, hours=7, minutes=59)
    assert client.get("/account").status_code == 200
    _later(clock, hours=7, minutes=59)  # each request counts as activity
    assert client.get("/account").status_code == 200
    _later(clock, hours=8, minutes=1)
    location = _logged_out_to(client)
    assert location == "/login?next=/account"
    page = client.get(location).get_data(as_text=True)
    assert "You were logged out after 8 hours without activity" in page
    assert _log_in(client, user, url=location).headers["Location"] == "/account"


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_facilitators_and_admins_are_logged_out_after_30_minutes_without_activity(client, make, clock, role):
    user = make.user(role)
    _log_in(client, user)
    _later(clock, minutes=29)
    assert client.get("/account").status_code == 200
    _later(clock, minutes=29)
    assert client.get("/account").status_code == 200
    _later(clock, minutes=31)
    location = _logged_out_to(client, "/account?tab=1")
    assert location == "/login?next=/account?tab%3D1"
    assert "You were logged out after 30 minutes without activity" in client.get(location).get_data(as_text=True)


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_staff_sessions_end_12_hours_after_logging_in_however_active(client, make, clock, role):
    user = make.user(role)
    _log_in(client, user)
    for _step in range(28):  # a request every 25 minutes for 11 h 40 min
        _later(clock, minutes=25)
        assert client.get("/account").status_code == 200
    _later(clock, minutes=21)
    location = _logged_out_to(client)
    assert "You were logged out 12 hours after logging in" in client.get(location).get_data(as_text=True)


def test_a_learner_session_has_an_absolute_limit_too(app, client, make, clock):
    app.config["LEARNER_SESSION_DAYS"] = 1
    user = make.user()
    _log_in(client, user)
    for _step in range(3):
        _later(clock, hours=7)
        assert client.get("/account").status_code == 200
    _later(clock, hours=3, minutes=1)
    location = _logged_out_to(client)
    assert "You were logged out 1 day after logging in" in client.get(location).get_data(as_text=True)


def test_keep_me_signed_in_lasts_30_days_across_browser_restarts(client, make, clock):
    user = make.user()
    response = _log_in(client, user, remember=True)
    cookie = client.get_cookie(REMEMBER)
    assert cookie is not None and cookie.http_only
    assert timedelta(days=29) < cookie.expires - utcnow() <= timedelta(days=30)
    assert "HttpOnly" in next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(REMEMBER))
    _close_browser(client)
    _later(clock, days=3)  # three days without activity: no idle limit on one's own device
    assert client.get("/account").status_code == 200
    _close_browser(client)
    _later(clock, days=26, hours=23)
    assert client.get("/account").status_code == 200
    _later(clock, days=2)
    location = _logged_out_to(client)
    assert "You were logged out 30 days after logging in" in client.get(location).get_data(as_text=True)
    assert client.get_cookie(REMEMBER) is None  # cleared with the session


def test_without_keep_me_signed_in_the_session_ends_with_the_browser(client, make):
    _log_in(client, make.user())
    assert client.get_cookie(REMEMBER) is None
    _close_browser(client)
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_staff_never_get_a_remember_cookie(client, make, role):
    _log_in(client, make.user(role), remember=True)
    assert client.get_cookie(REMEMBER) is None
    _close_browser(client)
    assert client.get("/account").status_code == 302


def test_the_login_page_offers_keep_me_signed_in_with_its_limits(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="remember"' in page and "Keep me signed in on this device" in page
    assert "up to 30 days" in page and "after 30 minutes without activity" in page


def test_a_phone_moving_from_wifi_to_mobile_data_stays_logged_in(client, make):
    user = make.user()
    _log_in(client, user, ip="192.168.1.23")
    for ip in ("100.64.12.9", "2001:db8::17", "192.168.1.23"):
        assert client.get("/account", environ_base={"REMOTE_ADDR": ip}).status_code == 200, ip


def test_log_out_ends_this_device_only_and_a_copied_cookie_with_it(app, client, make):
    user = make.user()
    _log_in(client, user, remember=True)
    phone = app.test_client()
    _log_in(phone, user)
    copied_session, copied_remember = client.get_cookie("session").value, client.get_cookie(REMEMBER).value
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302
    assert phone.get("/account").status_code == 200
    thief = app.test_client()
    thief.set_cookie("session", copied_session)
    assert thief.get("/account").status_code == 302
    thief = app.test_client()
    thief.set_cookie(REMEMBER, copied_remember)
    assert thief.get("/account").status_code == 302


def test_logging_out_twice_at_once_is_harmless(app, client, make):
    _log_in(client, make.user())
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert client.post("/logout").status_code == 302
    assert copy.post("/logout").status_code == 302  # already ended: simply logged out


def test_log_out_everywhere_ends_every_session_this_one_included(app, client, make):
    user = make.user()
    _log_in(client, user)
    phone = app.test_client()
    _log_in(phone, user, remember=True)
    remembered = phone.get_cookie(REMEMBER).value
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/logout-everywhere"' in page and "Log out everywhere" in page
    response = client.post("/account/logout-everywhere")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "You are logged out on every device, this one included" in client.get("/login").get_data(as_text=True)
    assert client.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302
    restarted = app.test_client()
    restarted.set_cookie(REMEMBER, remembered)
    assert restarted.get("/account").status_code == 302


def test_a_password_change_keeps_this_device_signed_in_as_it_was(client, make, clock):
    user = make.user()
    _log_in(client, user, remember=True)
    _later(clock, days=2)
    response = client.post("/account/password", data={
        "pw-current": PASSWORD, "pw-password": "a brand new passphrase", "pw-confirm": "a brand new passphrase"})
    assert response.status_code == 302
    _close_browser(client)
    _later(clock, days=1)
    assert client.get("/account").status_code == 200  # the remember cookie carries the new epoch
    _later(clock, days=27, minutes=1)
    assert client.get("/account").status_code == 302  # still 30 days from the login, not the change


def test_an_htmx_request_after_the_limit_sends_the_whole_page_to_login(client, make, clock):
    _log_in(client, make.user("facilitator"))
    _later(clock, minutes=31)
    response = client.get("/account", headers={"HX-Request": "true"})
    assert response.status_code == 302 and response.headers["HX-Redirect"] == "/login?next=/account"


def test_a_form_posted_after_the_limit_comes_back_to_its_page(client, make, clock):
    _log_in(client, make.user("facilitator"))
    _later(clock, minutes=31)
    response = client.post("/account", data={"profile-name": "Late"},
                           headers={"Referer": "http://localhost/account"})
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/account"


def test_a_public_page_after_the_limit_is_shown_logged_out(client, make, clock):
    _log_in(client, make.user("admin"))
    _later(clock, hours=1)
    page = client.get("/login")
    assert page.status_code == 200
    assert "You were logged out after 30 minutes without activity" in page.get_data(as_text=True)


def test_a_session_from_before_login_times_were_kept_logs_in_again(client, make):
    user = make.user()
    _log_in(client, user)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()  # "id:epoch", as before
    assert client.get("/account").status_code == 302


def test_a_timed_attempt_keeps_its_deadline_when_the_learner_logs_in_again(client, make, clock):
    course = make.course(modules=1, lessons=1, questions=0, final=False, navigation="free")
    quiz = make.quiz(course, None, slug="check", questions=2, types=["short"], time_limit_minutes=60)
    learner = make.user()
    db.session.add(Enrollment(user_id=learner.id, course_id=course.id, source="self"))
    db.session.commit()
    _log_in(client, learner)
    started = client.post(f"/courses/{course.slug}/quizzes/{quiz.slug}/start")
    assert started.status_code == 303
    attempt_url = started.headers["Location"]
    attempt_id = int(attempt_url.rstrip("/").rsplit("/", 1)[1])
    db.session.rollback()
    deadline = db.session.get(QuizAttempt, attempt_id).deadline
    _later(clock, minutes=10)
    _close_browser(client)  # or the phone dropped the session: the attempt goes on without it
    location = _logged_out_to(client, attempt_url)
    _later(clock, minutes=2)
    assert _log_in(client, learner, url=location).headers["Location"] == attempt_url
    page = client.get(attempt_url).get_data(as_text=True)
    assert 'data-remaining="2880"' in page  # 60 minutes less the 12 that went by
    db.session.rollback()
    assert db.session.get(QuizAttempt, attempt_id).deadline == deadline
