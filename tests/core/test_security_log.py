"""The security log: one JSON line per event with who, where and the outcome, never a secret."""
import json
import logging

import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.badges.models import BadgeAward
from lms.cohorts import admin_services
from lms.core import security_log
from lms.extensions import db

FIELDS = {"at", "event", "user_id", "ip", "route", "method", "outcome"}


@pytest.fixture
def security(caplog):
    """security() -> the JSON objects written to "lms.security" so far."""
    caplog.set_level(logging.INFO, logger="lms.security")

    def _lines():
        found = []
        for record in caplog.records:
            if record.name == "lms.security":
                data = json.loads(record.getMessage())
                assert FIELDS <= set(data), data
                assert data["at"].endswith("Z") and "T" in data["at"]
                found.append(data)
        return found

    return _lines


@pytest.fixture
def security_file(app, tmp_path):
    """The SECURITY_LOG file, attached for this test only."""
    path = tmp_path / "security.jsonl"
    app.config["SECURITY_LOG"] = str(path)
    security_log.init_app(app)
    yield path
    for handler in list(security_log.log.handlers):
        if getattr(handler, "baseFilename", None) == str(path):
            security_log.log.removeHandler(handler)
            handler.close()


def _events(lines, name):
    return [line for line in lines if line["event"] == name]


def test_a_refused_page_is_logged_with_who_where_and_how(client, login, make, security):
    learner = make.user()
    login(learner)
    assert client.get("/admin/badges").status_code == 403
    [line] = _events(security(), "access.denied")
    assert line | {"at": None} == {"at": None, "event": "access.denied", "user_id": learner.id, "ip": "127.0.0.1",
                                   "route": "badges.admin", "method": "GET", "outcome": "refused", "status": 403}


def test_a_csrf_failure_is_logged_and_explained(csrf_app, make, security):
    user = make.user()
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": user.email, "password": "whatever"})
    assert response.status_code == 400
    assert "expired or was sent from another site" in response.get_data(as_text=True)
    [line] = _events(security(), "csrf.failed")
    assert line["route"] == "auth.login" and line["method"] == "POST" and line["outcome"] == "refused"
    assert line["user_id"] is None and "missing" in line["reason"]


def test_role_changes_and_deactivations_are_logged_after_they_are_saved(client, login, make, security):
    admin, target = make.user(role="admin"), make.user()
    login(admin)
    assert client.post(f"/admin/users/{target.id}/role", data={"role": "facilitator", "confirmed": "1"}).status_code == 302
    assert client.post(f"/admin/users/{target.id}/active", data={"active": "0", "confirmed": "1"}).status_code == 302
    lines = security()
    [role] = _events(lines, "user.role_changed")
    assert (role["user_id"], role["target_user_id"], role["role_from"], role["role_to"], role["outcome"]) == \
        (admin.id, target.id, "learner", "facilitator", "success")
    assert role["route"] == "cohorts.admin_user_role" and role["method"] == "POST"
    [gone] = _events(lines, "user.deactivated")
    assert (gone["user_id"], gone["target_user_id"]) == (admin.id, target.id)


def test_a_change_that_is_rolled_back_is_not_logged(app, make, security):
    admin, target = make.user(role="admin"), make.user()
    admin_services.change_role(target, "admin", user=admin)
    assert _events(security(), "user.role_changed") == []  # not yet: nothing is saved
    db.session.rollback()
    db.session.commit()
    assert _events(security(), "user.role_changed") == []
    assert db.session.get(User, target.id).role == "learner"


def test_badge_awards_and_revocations_are_logged_with_the_badge_uuid(client, login, make, security):
    admin, learner, course = make.user(role="admin"), make.user(), make.course()
    login(admin)
    response = client.post("/admin/badges", data={"action": "award", "award-email": learner.email,
                                                  "award-course": course.slug, "award-reason": "On paper"})
    assert response.status_code == 302
    db.session.rollback()
    award = db.session.scalar(select(BadgeAward))
    response = client.post(f"/admin/badges/{award.uuid}/revoke", data={"confirmed": "1",
                                                                     "reason": "Issued by mistake"})
    assert response.status_code == 303
    lines = security()
    [given] = _events(lines, "badge.awarded")
    [taken] = _events(lines, "badge.revoked")
    for line, route in ((given, "badges.admin"), (taken, "badges.admin_revoke")):
        assert (line["user_id"], line["target_user_id"], line["badge_uuid"]) == (admin.id, learner.id, award.uuid)
        assert line["route"] == route and line["outcome"] == "success"
    assert "On paper" not in json.dumps(given) and "mistake" not in json.dumps(taken)


def test_secrets_are_never_serialised_whoever_passes_them():
    data = security_log.build("test.event", "success", password="hunter2", csrf_token="abc",
                              reset_token="tok", cookie="c=1", details={"session": "s", "Authorization": "Bearer x",
                                                                         "items": [{"api_key": "k"}], "ok": 1})
    text = json.dumps(data)
    for secret in ("hunter2", '"abc"', '"tok"', "c=1", '"s"', "Bearer", '"k"'):
        assert secret not in text
    assert data["details"]["ok"] == 1 and data["password"] == security_log.REDACTED


def test_the_formatter_scrubs_too(app):
    record = logging.LogRecord("lms.security", logging.INFO, __file__, 1, "x", (), None)
    record.security = {"event": "e", "token": "secret-value", "user_id": 3}
    line = json.loads(security_log.JsonLineFormatter().format(record))
    assert line == {"event": "e", "token": security_log.REDACTED, "user_id": 3}


def test_security_log_file_gets_json_lines_only(client, login, make, security_file):
    login(make.user())
    client.get("/admin/badges")
    logging.getLogger("lms").warning("an ordinary warning")  # not a security event: not in the file
    lines = [json.loads(line) for line in security_file.read_text().splitlines()]
    assert "access.denied" in [line["event"] for line in lines]
    assert all(FIELDS <= set(line) for line in lines)


def test_logins_that_succeed_fail_or_are_throttled_are_logged(app, client, make, security):
    user = make.user()
    assert client.post("/login", data={"email": user.email, "password": make.PASSWORD}).status_code == 302
    other = app.test_client()
    for _ in range(app.config["LOGIN_LIMIT_ACCOUNT_CLIENT"] + 1):
        other.post("/login", data={"email": user.email, "password": "wrong password"})
    other.post("/login", data={"email": "nobody@example.org", "password": "wrong password"})
    lines = security()
    [ok] = _events(lines, "login.succeeded")
    assert (ok["user_id"], ok["outcome"], ok["route"], ok["method"]) == (user.id, "success", "auth.login", "POST")
    failed = _events(lines, "login.failed")
    assert [line["account_id"] for line in failed][:2] == [user.id, user.id]
    assert failed[-1]["account_id"] is None and all(line["outcome"] == "failure" for line in failed)
    throttled = _events(lines, "login.throttled")
    assert throttled and throttled[0]["account_id"] == user.id and throttled[0]["outcome"] == "refused"
    assert user.email not in json.dumps(lines)


def test_a_failed_login_never_writes_the_password_to_any_log(app, make, caplog, security_file):
    caplog.set_level(logging.DEBUG)
    user = make.user()
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": "hunter2-secret"})
    client.post("/login", data={"email": "hunter2-secret", "password": "hunter2-secret"})
    assert [r for r in caplog.records if r.name == "lms.security"], "the attempts were logged"
    for record in caplog.records:
        assert "hunter2-secret" not in record.getMessage()
        assert "hunter2-secret" not in json.dumps(getattr(record, "security", None))
    assert "hunter2-secret" not in security_file.read_text()
