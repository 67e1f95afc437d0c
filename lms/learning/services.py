"""Learner writes: enrolment, lesson views and completions (and undoing one), course completion.

Services flush, never commit; the view or command that calls them commits once. One row per
(learner, course) and per (learner, lesson) is guaranteed by unique constraints and written
with INSERT ... ON CONFLICT, so double clicks and concurrent requests never duplicate rows.

Time on task (LessonProgress.seconds) is an estimate from page events, because a server
cannot see reading. When a learner views or completes a lesson, we add the time since their
previous event only if that previous event was on this same lesson (their most recent lesson
view anywhere was this lesson) and less than 30 minutes ago; each addition is capped at
10 minutes. Gaps of 30 minutes or more, or a detour through another lesson, add nothing, so
a tab left open overnight counts at most 10 minutes and never hours.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from lms.catalog.models import Course
from lms.core.db import UTCDateTime
from lms.core.signals import course_completed
from lms.extensions import db
from lms.learning.models import Enrollment, LessonProgress
from lms.learning.queries import course_state

CREDIT_CAP = timedelta(minutes=10)
SESSION_GAP = timedelta(minutes=30)


class Locked(Exception):
    """Gating forbids this action; `reason` says what unlocks it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NotEnrolled(Exception):
    pass


@dataclass(frozen=True)
class ViewHistory:
    lesson_last_viewed_at: datetime | None    # this learner's previous event on this lesson
    learner_last_viewed_at: datetime | None   # this learner's latest lesson event anywhere


def _insert(model):
    """INSERT with ON CONFLICT support on both engines (same API in both dialects)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _utc(value: datetime):
    return literal(value, UTCDateTime())


def seconds_on_task(history: ViewHistory, now: datetime) -> int:
    """Seconds to credit for an event at `now` (the rule in the module docstring)."""
    previous, latest = history.lesson_last_viewed_at, history.learner_last_viewed_at
    if previous is None or latest is None or previous < latest:
        return 0
    gap = now - previous
    if gap <= timedelta(0) or gap >= SESSION_GAP:
        return 0
    return int(min(gap, CREDIT_CAP).total_seconds())


def view_history(user, lesson) -> ViewHistory:
    latest = (select(func.max(LessonProgress.last_viewed_at))
              .where(LessonProgress.user_id == user.id).scalar_subquery())
    row = db.session.execute(
        select(select(LessonProgress.last_viewed_at)
               .where(LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id)
               .scalar_subquery().label("mine"), latest.label("latest"))
    ).one()
    return ViewHistory(row.mine, row.latest)


def _lock_enrollment(user, course_id: int) -> Enrollment | None:
    """This learner's enrolment, re-read and locked (FOR UPDATE on PostgreSQL; SQLite write
    transactions are already exclusive), so that completion checks run one at a time."""
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course_id)
        .with_for_update().execution_options(populate_existing=True))


def enrol(user, course, *, now, cohort=None) -> Enrollment:
    """Enrol `user` (idempotent). Re-enrolling after leaving clears left_at and keeps history."""
    db.session.execute(
        _insert(Enrollment).values(
            user_id=user.id, course_id=course.id, cohort_id=cohort.id if cohort else None,
            source="cohort" if cohort else "self", enrolled_at=now, last_activity_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "course_id"]))
    enrollment = _lock_enrollment(user, course.id)
    if enrollment.left_at is not None:
        enrollment.left_at = None
        enrollment.last_activity_at = now
    if cohort is not None and enrollment.cohort_id is None:
        enrollment.cohort_id, enrollment.source = cohort.id, "cohort"
    db.session.flush()
    return enrollment


def leave(user, course, *, now) -> Enrollment | None:
    """Leave a course: the enrolment and all progress stay, marked with left_at."""
    enrollment = _lock_enrollment(user, course.id)
    if enrollment is not None and enrollment.left_at is None:
        enrollment.left_at = now
        db.session.flush()
    return enrollment


def record_view(user, lesson, *, now, history: ViewHistory | None = None,
                enrollment: Enrollment | None = None) -> LessonProgress:
    """Create or update the learner's row for `lesson`: views, last view, time on task.

    `history` and `enrollment` may be passed when the caller has already read them (the
    lesson page does, to stay within its query budget)."""
    history = history or view_history(user, lesson)
    credit = seconds_on_task(history, now)
    stmt = _insert(LessonProgress).values(
        user_id=user.id, lesson_id=lesson.id, course_id=lesson.course_id, first_viewed_at=now,
        last_viewed_at=now, views=1, seconds=0)
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id", "lesson_id"],
        set_={"last_viewed_at": _utc(now), "views": LessonProgress.views + 1,
              "seconds": LessonProgress.seconds + credit})
    progress = db.session.scalars(stmt.returning(LessonProgress),
                                  execution_options={"populate_existing": True}).one()
    touch_enrollment(user, lesson.course_id, now, enrollment)
    return progress


def touch_enrollment(user, course_id: int, now, enrollment=None) -> None:
    """Set the enrolment's last activity (dashboards read it to find who is stuck)."""
    if enrollment is not None:
        enrollment.last_activity_at = now
        return
    db.session.execute(update(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course_id).values(last_activity_at=now))


def completion_time(done_at: datetime | None, *, now: datetime, first_viewed_at: datetime | None,
                    enrollment: Enrollment) -> datetime:
    """When a completion happened: `now`, or the time the learner gave (a completion made offline
    and sent later), clamped to [the lesson's first view, now] and to the enrolment's life."""
    if done_at is None:
        return now
    earliest = max(first_viewed_at or enrollment.enrolled_at, enrollment.enrolled_at)
    return min(max(done_at, earliest), now)


def _progress_row(user, lesson) -> LessonProgress | None:
    return db.session.scalar(
        select(LessonProgress).where(LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id)
        .execution_options(populate_existing=True))


def complete_lesson(user, lesson, *, now, done_at: datetime | None = None, key: str | None = None,
                    enforce_gating: bool = True) -> LessonProgress:
    """Mark `lesson` complete for `user` (idempotent: the first completed_at stays), then
    check the course completion rule. Raises Locked when gating forbids it, NotEnrolled when
    the learner is not enrolled. `enforce_gating=False` is for seeding demo data.

    `done_at` is when the learner did it (offline, earlier than `now`; see completion_time).
    `key` is the idempotency key of that action: a replay of the key the row already holds
    changes nothing, even when the learner marked the lesson not done in between."""
    enrollment = _lock_enrollment(user, lesson.course_id)
    if enrollment is None or enrollment.left_at is not None:
        raise NotEnrolled()
    existing = _progress_row(user, lesson) if key is not None or done_at is not None else None
    if key is not None and existing is not None and existing.completion_key == key:
        return existing
    course = db.session.get(Course, lesson.course_id)
    if lesson.archived:
        raise Locked(_no_longer())
    if enforce_gating:
        item = course_state(user, course, enrollment=enrollment).lesson(lesson.id)
        if item is None:
            raise Locked(_no_longer())
        if item.locked:
            raise Locked(item.reason)
    when = completion_time(done_at, now=now, enrollment=enrollment,
                           first_viewed_at=existing.first_viewed_at if existing else None)
    credit = seconds_on_task(view_history(user, lesson), when)
    stmt = _insert(LessonProgress).values(
        user_id=user.id, lesson_id=lesson.id, course_id=lesson.course_id, first_viewed_at=when,
        last_viewed_at=when, completed_at=when, views=0, seconds=0, completion_key=key)
    latest = case((LessonProgress.last_viewed_at > _utc(when), LessonProgress.last_viewed_at), else_=_utc(when))
    changes = {"completed_at": func.coalesce(LessonProgress.completed_at, _utc(when)),
               "last_viewed_at": latest, "seconds": LessonProgress.seconds + credit}
    if key is not None:
        changes["completion_key"] = key
    stmt = stmt.on_conflict_do_update(index_elements=["user_id", "lesson_id"], set_=changes)
    progress = db.session.scalars(stmt.returning(LessonProgress),
                                  execution_options={"populate_existing": True}).one()
    enrollment.last_activity_at = max(enrollment.last_activity_at or when, when)
    _complete_if_met(user, course, enrollment, when)
    return progress


def uncomplete_lesson(user, lesson, *, now) -> LessonProgress | None:
    """Mark `lesson` not done for `user` (idempotent); views and time on task stay.

    What the learner earned stays earned: a completed course keeps completed_at (and so its
    badge), and items after this lesson that they already opened stay open (see
    state.gating). Raises Locked for a lesson outside the syllabus or locked by gating (it was
    then never done), NotEnrolled when the learner is not enrolled."""
    enrollment = _lock_enrollment(user, lesson.course_id)
    if enrollment is None or enrollment.left_at is not None:
        raise NotEnrolled()
    if lesson.archived:
        raise Locked(_no_longer())
    item = course_state(user, db.session.get(Course, lesson.course_id), enrollment=enrollment).lesson(lesson.id)
    if item is None:
        raise Locked(_no_longer())
    if item.locked:
        raise Locked(item.reason)
    progress = db.session.scalars(
        update(LessonProgress).where(LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id)
        .values(completed_at=None, last_viewed_at=_utc(now)).returning(LessonProgress),
        execution_options={"populate_existing": True, "synchronize_session": False}).one_or_none()
    enrollment.last_activity_at = now
    return progress


def _no_longer() -> str:
    return _("This lesson is no longer part of the course.")


def check_completion(user, course, *, now) -> bool:
    """Mark the course completed when its rule is met. True only for the call that did it.

    The UPDATE is conditional (completed_at IS NULL) and the signal fires only when it changed
    a row, so `course_completed` fires exactly once per enrolment even under concurrent
    requests. completed_at is never cleared: later content changes do not un-complete."""
    enrollment = _lock_enrollment(user, course.id)
    return _complete_if_met(user, course, enrollment, now)


def _complete_if_met(user, course, enrollment, now) -> bool:
    if enrollment is None or enrollment.left_at is not None or enrollment.completed_at is not None:
        return False
    if not course_state(user, course, enrollment=enrollment).rule_met():
        return False
    result = db.session.execute(
        update(Enrollment).where(Enrollment.id == enrollment.id, Enrollment.completed_at.is_(None))
        .values(completed_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    set_committed_value(enrollment, "completed_at", now)
    course_completed.send(current_app._get_current_object(), user=user, course=course,
                          enrollment=enrollment, now=now)
    return True
