from datetime import timedelta

import pytest
import time_machine

from lms.auth import email_change, services
from lms.core.models import AuditEvent
from lms.extensions import db


def test_the_token_carries_the_user_the_new_address_and_the_session_epoch(app, make):
    user = make.user()
    user.session_epoch = 4
    token = email_change.make_token(user, " New@Example.org ")
    assert email_change._serializer().loads(token) == {"id": user.id, "email": "new@example.org", "epoch": 4}


def test_applying_changes_the_address_once_ends_sessions_and_leaves_an_audit_entry(app, make):
    user = make.user(email="before@example.org")
    epoch = user.session_epoch
    token = email_change.make_token(user, "after@example.org")
    applied, changed = email_change.apply_token(token)
    assert applied is user and changed and user.email == "after@example.org"
    assert user.session_epoch == epoch + 1
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.email_changed"))
    assert event.target_id == user.id and "before@example.org" not in str(event.data)
    assert email_change.apply_token(token) == (user, False)


def test_logging_out_everywhere_or_a_new_password_cancels_a_pending_change(app, make):
    user = make.user()
    token = email_change.make_token(user, "pending@example.org")
    services.set_password(user, "a fresh passphrase for tests")
    with pytest.raises(email_change.EmailChangeError, match="no longer works") as error:
        email_change.apply_token(token)
    assert error.value.status == 400 and user.email != "pending@example.org"


def test_a_day_later_the_link_has_expired(app, make):
    user = make.user()
    token = email_change.make_token(user, "tomorrow@example.org")
    with time_machine.travel(timedelta(hours=23)):
        assert email_change._serializer().loads(token, max_age=email_change.MAX_AGE)
    with time_machine.travel(timedelta(hours=24, minutes=1)), \
            pytest.raises(email_change.EmailChangeError, match="expired"):
        email_change.apply_token(token)


@pytest.mark.parametrize("spoil", ["forged", "deactivated"])
def test_forged_links_and_deactivated_accounts_are_refused(app, make, spoil):
    user = make.user()
    token = email_change.make_token(user, "x@example.org")
    if spoil == "forged":
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    else:
        user.active = False
    with pytest.raises(email_change.EmailChangeError, match="not valid"):
        email_change.apply_token(token)


def test_an_address_taken_meanwhile_is_refused_with_409(app, make):
    user = make.user(email="mine@example.org")
    token = email_change.make_token(user, "contested@example.org")
    make.user(email="contested@example.org")
    with pytest.raises(email_change.EmailChangeError) as error:
        email_change.apply_token(token)
    assert error.value.status == 409 and user.email == "mine@example.org"


def test_address_problems(app, make):
    make.user(email="someone@example.org")
    user = make.user(email="me@example.org")
    assert "already your" in email_change.address_problem(user, " ME@example.org")
    assert "already exists" in email_change.address_problem(user, "Someone@Example.org")
    assert email_change.address_problem(user, "free@example.org") is None
