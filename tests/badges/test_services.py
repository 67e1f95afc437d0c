"""Awarding: once per learner and badge, on completion, by hand; revocation; audit."""
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from lms.badges import services
from lms.badges.models import BadgeAward, BadgeClass
from lms.catalog.models import Course
from lms.core.db import mark_write_transaction
from lms.core.models import AuditEvent
from lms.core.signals import course_completed
from lms.extensions import db
from lms.learning.models import Enrollment

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def _count(model=BadgeAward) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def _complete(app, user, course):
    enrollment = Enrollment(user_id=user.id, course_id=course.id, completed_at=NOW)
    db.session.add(enrollment)
    db.session.flush()
    course_completed.send(app, user=user, course=course, enrollment=enrollment, now=NOW)
    db.session.commit()
    return enrollment


def test_course_completed_signal_awards_the_badge_once(app, make, small_course):
    user, course = make.user(), small_course()
    _complete(app, user, course)
    award = db.session.scalar(select(BadgeAward))
    assert award.user_id == user.id and award.issued_on == NOW
    assert award.evidence["completed_at"] == "2025-03-01T09:30:00Z"
    assert award.evidence["manual"] is False and award.show_name is False
    badge_class = db.session.get(BadgeClass, award.badge_class_id)
    assert (badge_class.slug, badge_class.name, badge_class.course_id) == (course.slug, course.badge["name"], course.id)
    # The signal again (e.g. a retried request) changes nothing.
    course_completed.send(app, user=user, course=course, enrollment=None, now=NOW)
    db.session.commit()
    assert _count() == 1 and _count(BadgeClass) == 1


def test_badge_class_follows_later_changes_to_course_yaml(make, small_course):
    course = small_course()
    first = services.ensure_badge_class(course)
    course.badge = {**course.badge, "name": "Renamed", "emblem": "shield"}
    again = services.ensure_badge_class(course)
    db.session.commit()
    assert again.id == first.id and (again.name, again.emblem) == ("Renamed", "shield")


def _race(app, worker, threads=4):
    """Run worker() in `threads` threads at once, each in its own app context and session."""
    barrier, errors = threading.Barrier(threads), []

    def run():
        with app.app_context():
            mark_write_transaction()
            try:
                barrier.wait(timeout=10)
                worker()
                db.session.commit()
            except Exception as error:  # collected and asserted below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(30)
    return errors


def test_concurrent_completions_award_once(app, make, small_course):
    user_id, course_id = make.user().id, small_course().id
    db.session.commit()

    def complete():
        user, course = db.session.get(User, user_id), db.session.get(Course, course_id)
        course_completed.send(app, user=user, course=course, enrollment=None, now=NOW)

    assert _race(app, complete) == []
    assert _count() == 1 and _count(BadgeClass) == 1


def test_concurrent_award_service_calls_award_once(app, make, small_course):
    user_id, course_id = make.user().id, small_course().id
    created = []

    def award():
        user, course = db.session.get(User, user_id), db.session.get(Course, course_id)
        created.append(services.award_badge(user, course, now=NOW)[1])

    assert _race(app, award, threads=6) == []
    assert _count() == 1 and created.count(True) <= 1


def test_losing_insert_keeps_the_callers_transaction(app, make, small_course, monkeypatch):
    """The check finds nothing, then the insert hits the unique constraint (another request
    committed in between): the SAVEPOINT rolls back only the award, and the caller's own
    writes in the same transaction survive."""
    user, course = make.user(), small_course()
    winner, _ = services.award_badge(user, course, now=NOW)
    db.session.commit()
    real_find = services.find_award
    calls = []

    def stale_find(user_id, badge_class_id):
        calls.append(1)
        return None if len(calls) == 1 else real_find(user_id, badge_class_id)

    monkeypatch.setattr(services, "find_award", stale_find)
    user.name = "Renamed in the same transaction"
    award, created = services.award_badge(user, course, now=NOW)
    db.session.commit()
    assert created is False and award.id == winner.id
    assert _count() == 1
    assert db.session.get(User, user.id).name == "Renamed in the same transaction"


def test_manual_award_needs_a_reason_and_is_audited(make, small_course):
    admin, user, course = make.user(role="admin"), make.user(), small_course()
    with pytest.raises(services.BadgeError) as refused:
        services.award_manually(admin, user, course, reason="  ", now=NOW)
    assert refused.value.status == 400
    award = services.award_manually(admin, user, course, reason="Completed the workshop in Geneva", now=NOW)
    db.session.commit()
    assert award.awarded_by_id == admin.id and award.award_reason == "Completed the workshop in Geneva"
    assert award.evidence["manual"] is True
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "badge.awarded"))
    assert event.actor_id == admin.id and event.target_id == award.id
    assert event.data["reason"] == "Completed the workshop in Geneva"
    with pytest.raises(services.BadgeError) as twice:
        services.award_manually(admin, user, course, reason="Again", now=NOW)
    assert twice.value.status == 409


def test_revocation_and_reinstatement_keep_one_award(make, small_course):
    admin, user, course = make.user(role="admin"), make.user(), small_course()
    award, _ = services.award_badge(user, course, now=NOW)
    with pytest.raises(services.BadgeError):
        services.revoke_badge(admin, award, reason="", now=NOW)
    services.revoke_badge(admin, award, reason="Identity fraud", now=NOW)
    db.session.commit()
    assert award.status() == "revoked" and award.revoked_by_id == admin.id
    with pytest.raises(services.BadgeError) as again:
        services.revoke_badge(admin, award, reason="Twice", now=NOW)
    assert again.value.status == 409
    reinstated = services.award_manually(admin, user, course, reason="Fraud claim withdrawn", now=NOW)
    db.session.commit()
    assert reinstated.id == award.id and reinstated.status() == "valid" and reinstated.revocation_reason is None
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["badge.awarded", "badge.revoked", "badge.reinstated"]
    assert _count() == 1


def test_expiry_status(make, small_course):
    award, _ = services.award_badge(make.user(), small_course(), now=NOW)
    award.expires_on = datetime(2025, 4, 1, tzinfo=UTC)
    assert award.status(datetime(2025, 3, 31, tzinfo=UTC)) == "valid"
    assert award.status(datetime(2025, 4, 2, tzinfo=UTC)) == "expired"


def test_show_name_only_for_the_owner(make, small_course):
    owner, other = make.user(), make.user()
    award, _ = services.award_badge(owner, small_course(), now=NOW)
    services.set_show_name(owner, award, True)
    assert award.show_name is True
    with pytest.raises(services.BadgeError) as refused:
        services.set_show_name(other, award, False)
    assert refused.value.status == 404 and award.show_name is True
