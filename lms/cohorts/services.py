"""Cohort writes: creating and configuring cohorts, joining, removing and moving learners.

Services flush, never commit; the view or command commits. Every function takes the acting
user and the time explicitly.
"""
import secrets
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, insert, select

from lms.auth.models import User
from lms.catalog.models import Course
from lms.cohorts.enrolment import enrol_many
from lms.cohorts.models import Cohort, CohortCourse, CohortInvitation, CohortMember
from lms.core import audit
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import Enrollment

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed
CODE_LENGTH = 10


class CohortError(Exception):
    """A refusal the user should read. `status` is the HTTP status a view answers with."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.status = status


# ---- cohorts -------------------------------------------------------------------------------

def new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(select(Cohort.id).where(Cohort.join_code == code)) is None:
            return code


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def create_cohort(*, user, now: datetime, name: str, organisation_id: int | None = None,
                  status: str = "active", starts_on: date | None = None, ends_on: date | None = None,
                  capacity: int | None = None, description: str = "", grace_days: int | None = None) -> Cohort:
    """A new cohort; its creator becomes its first facilitator."""
    cohort = Cohort(name=name.strip(), organisation_id=organisation_id, status=status,
                    starts_on=starts_on, ends_on=ends_on, capacity=capacity,
                    grace_days=7 if grace_days is None else grace_days,
                    description=(description or "").strip(), join_code=new_join_code(),
                    join_enabled=True, created_at=now)
    db.session.add(cohort)
    db.session.flush()
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, role="facilitator", joined_at=now))
    audit.record(user, "cohort.created", cohort, name=cohort.name)
    db.session.flush()
    return cohort


def update_cohort(cohort: Cohort, *, user, name: str, organisation_id: int | None, status: str,
                  starts_on: date | None, ends_on: date | None, capacity: int | None,
                  description: str = "", grace_days: int | None = None) -> None:
    if capacity is not None and capacity < active_learner_count(cohort):
        raise CohortError(_("The cohort already has more learners than that. Remove some first, "
                            "or choose a capacity of at least %(n)d.", n=active_learner_count(cohort)), 400)
    grace_days = cohort.grace_days if grace_days is None else grace_days
    changed = {key: value for key, value in (("status", status), ("capacity", capacity), ("grace_days", grace_days))
               if getattr(cohort, key) != value}
    cohort.name = name.strip()
    cohort.organisation_id = organisation_id
    cohort.status = status
    cohort.starts_on, cohort.ends_on = starts_on, ends_on
    cohort.capacity, cohort.grace_days = capacity, grace_days
    cohort.description = (description or "").strip()
    if changed:
        audit.record(user, "cohort.updated", cohort, **changed)
    db.session.flush()


def set_join_code(cohort: Cohort, *, user, action: str) -> None:
    """rotate: a new code (old links stop working); enable / disable: switch joining on or off."""
    if action == "rotate":
        cohort.join_code = new_join_code()
    elif action in ("enable", "disable"):
        cohort.join_enabled = action == "enable"
    else:
        raise CohortError(_("Unknown action."), 400)
    audit.record(user, f"cohort.join_code_{action}", cohort)
    db.session.flush()


# ---- courses -------------------------------------------------------------------------------

def assign_course(cohort: Cohort, course, *, user, now: datetime, due_on: date | None = None) -> CohortCourse:
    """Assign a course (or change its due date) and enrol every current learner in it."""
    if course.archived:
        raise CohortError(_("This course is archived and cannot be assigned."), 400)
    link = db.session.scalar(select(CohortCourse).where(
        CohortCourse.cohort_id == cohort.id, CohortCourse.course_id == course.id))
    if link is None:
        link = CohortCourse(cohort_id=cohort.id, course_id=course.id, due_on=due_on)
        db.session.add(link)
        audit.record(user, "cohort.course_assigned", cohort, course_id=course.id)
    else:
        link.due_on = due_on
    db.session.flush()
    enrol_many(active_learner_ids(cohort), [course.id], cohort=cohort, now=now)
    return link


def unassign_course(cohort: Cohort, course_id: int, *, user) -> None:
    """Stop assigning a course. Learners keep their enrolment and progress."""
    link = db.session.scalar(select(CohortCourse).where(
        CohortCourse.cohort_id == cohort.id, CohortCourse.course_id == course_id))
    if link is None:
        raise CohortError(_("This course is not assigned to the cohort."), 404)
    db.session.delete(link)
    audit.record(user, "cohort.course_unassigned", cohort, course_id=course_id)
    db.session.flush()


def course_ids(cohort: Cohort) -> list[int]:
    return list(db.session.scalars(select(CohortCourse.course_id).where(CohortCourse.cohort_id == cohort.id)))


# ---- facilitators ----------------------------------------------------------------------------

def _enrol_one(learner, cohort: Cohort, course_ids_: list[int], *, now: datetime) -> None:
    """Enrol one learner in the cohort's courses through the learning feature's service."""
    for course in db.session.scalars(select(Course).where(Course.id.in_(course_ids_))):
        learning.enrol(learner, course, now=now, cohort=cohort)


def membership(cohort: Cohort, user_id: int) -> CohortMember | None:
    return db.session.scalar(select(CohortMember).where(
        CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id))


def add_facilitator(cohort: Cohort, person, *, user, now: datetime) -> CohortMember:
    if person.role not in ("facilitator", "admin") or not person.active:
        raise CohortError(_("%(email)s is not a facilitator account. An administrator can change "
                            "its role first.", email=person.email), 400)
    member = membership(cohort, person.id)
    if member is not None and member.removed_at is None:
        if member.role == "facilitator":
            raise CohortError(_("%(email)s already facilitates this cohort.", email=person.email), 400)
        raise CohortError(_("%(email)s is a learner in this cohort. Remove them as a learner first.",
                            email=person.email), 400)
    if member is None:
        member = CohortMember(cohort_id=cohort.id, user_id=person.id)
        db.session.add(member)
    member.role, member.joined_at, member.removed_at = "facilitator", now, None
    audit.record(user, "cohort.facilitator_added", cohort, user_id=person.id)
    db.session.flush()
    return member


def remove_facilitator(cohort: Cohort, person_id: int, *, user, now: datetime) -> None:
    member = membership(cohort, person_id)
    if member is None or member.role != "facilitator" or member.removed_at is not None:
        raise CohortError(_("This person does not facilitate the cohort."), 404)
    others = db.session.scalar(select(func.count()).where(
        CohortMember.cohort_id == cohort.id, CohortMember.role == "facilitator",
        CohortMember.removed_at.is_(None), CohortMember.user_id != person_id))
    if not others:
        raise CohortError(_("A cohort needs at least one facilitator. Add another one first."))
    member.removed_at = now
    audit.record(user, "cohort.facilitator_removed", cohort, user_id=person_id)
    db.session.flush()


# ---- learners --------------------------------------------------------------------------------

def active_learners_query(cohort_id: int):
    return select(CohortMember.user_id).where(
        CohortMember.cohort_id == cohort_id, CohortMember.role == "learner", CohortMember.removed_at.is_(None))


def active_learner_ids(cohort: Cohort) -> list[int]:
    return list(db.session.scalars(active_learners_query(cohort.id)))


def active_learner_count(cohort: Cohort) -> int:
    return db.session.scalar(select(func.count()).select_from(active_learners_query(cohort.id).subquery()))


def lock_cohort(cohort: Cohort) -> None:
    """Serialise membership changes of one cohort: the row lock on PostgreSQL (SQLite's write
    transactions, BEGIN IMMEDIATE, are serialised already) and fresh settings."""
    db.session.refresh(cohort, with_for_update=True)


def closed_reason(cohort: Cohort) -> str | None:
    if cohort.status == "archived":
        return _("This cohort is archived and no longer takes new learners.")
    if not cohort.join_enabled:
        return _("Joining this cohort is switched off. Ask your facilitator for a new link.")
    return None


def invited_count(cohort: Cohort) -> int:
    return db.session.scalar(select(func.count(CohortInvitation.id)).where(
        CohortInvitation.cohort_id == cohort.id, CohortInvitation.response.is_(None))) or 0


def room_left(cohort: Cohort) -> int | None:
    """Places left, or None when the cohort has no capacity limit. A pending invitation holds
    a place."""
    if cohort.capacity is None:
        return None
    return max(cohort.capacity - active_learner_count(cohort) - invited_count(cohort), 0)


def _pending_invitation(cohort: Cohort, user_id: int) -> CohortInvitation | None:
    return db.session.scalar(select(CohortInvitation).where(
        CohortInvitation.cohort_id == cohort.id, CohortInvitation.user_id == user_id,
        CohortInvitation.response.is_(None)))


def join_cohort(learner, cohort: Cohort, *, now: datetime) -> tuple[CohortMember, bool]:
    """Join through the link or code. Returns (membership, newly_joined)."""
    lock_cohort(cohort)
    member = membership(cohort, learner.id)
    if member is not None and member.removed_at is None:
        if member.role == "facilitator":
            raise CohortError(_("You facilitate this cohort, so you cannot join it as a learner."))
        return member, False
    reason = closed_reason(cohort)
    if reason:
        raise CohortError(reason)
    invitation = _pending_invitation(cohort, learner.id)  # joining by the link accepts it
    if invitation is None and room_left(cohort) == 0:
        raise CohortError(_("This cohort is full. Ask your facilitator about a place."))
    member = add_invited_learner(cohort, learner, member, now=now)
    if invitation is not None:
        invitation.response, invitation.responded_at = "accepted", now
    return member, True


def add_invited_learner(cohort: Cohort, learner, member: CohortMember | None, *, now: datetime) -> CohortMember:
    """Make `learner` an active learner from `now` and enrol them in the cohort's courses
    (callers hold the cohort lock and have checked the cohort takes them)."""
    member = _add_learner(cohort, learner.id, member, now=now)
    _enrol_one(learner, cohort, course_ids(cohort), now=now)
    return member


def _add_learner(cohort: Cohort, user_id: int, member: CohortMember | None, *, now: datetime) -> CohortMember:
    """Insert or re-activate a learner membership (no checks: callers hold the cohort lock)."""
    if member is None:
        member = CohortMember(cohort_id=cohort.id, user_id=user_id)
        db.session.add(member)
    member.role, member.joined_at, member.removed_at = "learner", now, None
    db.session.flush()
    return member


def add_learners(cohort: Cohort, user_ids, *, now: datetime) -> list[int]:
    """Add many learners at once (CSV). Callers checked capacity under lock_cohort().
    Returns the ids that were not active members before."""
    user_ids = list(dict.fromkeys(user_ids))
    if not user_ids:
        return []
    members = {m.user_id: m for m in db.session.scalars(select(CohortMember).where(
        CohortMember.cohort_id == cohort.id, CohortMember.user_id.in_(user_ids)))}
    added = [user_id for user_id in user_ids if user_id not in members or members[user_id].removed_at is not None]
    for user_id in added:
        if user_id in members:  # removed earlier: the same row comes back
            members[user_id].role, members[user_id].joined_at, members[user_id].removed_at = "learner", now, None
    fresh = [{"cohort_id": cohort.id, "user_id": user_id, "role": "learner", "joined_at": now}
             for user_id in added if user_id not in members]
    if fresh:
        db.session.execute(insert(CohortMember), fresh)
    db.session.flush()
    enrol_many(added, course_ids(cohort), cohort=cohort, now=now)
    return added


def learner_membership(cohort: Cohort, user_id: int) -> CohortMember | None:
    """The active learner membership of user_id in cohort, or None."""
    member = membership(cohort, user_id)
    if member is None or member.role != "learner" or member.removed_at is not None:
        return None
    return member


def remove_learner(cohort: Cohort, learner_id: int, *, user, now: datetime) -> CohortMember:
    """Take a learner out of the cohort. The membership row, enrolments and progress stay."""
    member = learner_membership(cohort, learner_id)
    if member is None:
        raise CohortError(_("This learner is not in the cohort."), 404)
    member.removed_at = now
    audit.record(user, "cohort.learner_removed", cohort, user_id=learner_id)
    db.session.flush()
    return member


def move_learner(source: Cohort, target: Cohort, learner_id: int, *, user, now: datetime) -> CohortMember:
    """Move a learner from one cohort to another; their history stays in the source cohort."""
    if source.id == target.id:
        raise CohortError(_("Choose another cohort."), 400)
    member = learner_membership(source, learner_id)
    if member is None:
        raise CohortError(_("This learner is not in the cohort."), 404)
    lock_cohort(target)
    existing = membership(target, learner_id)
    if existing is not None and existing.removed_at is None:
        if existing.role == "facilitator":
            raise CohortError(_("This person facilitates %(name)s.", name=target.name))
        raise CohortError(_("This learner is already in %(name)s.", name=target.name))
    if target.status == "archived":
        raise CohortError(_("%(name)s is archived.", name=target.name))
    if room_left(target) == 0:
        raise CohortError(_("%(name)s is full.", name=target.name))
    member.removed_at = now
    moved = _add_learner(target, learner_id, existing, now=now)
    target_courses = course_ids(target)
    _enrol_one(db.session.get(User, learner_id), target, target_courses, now=now)
    for row in db.session.scalars(select(Enrollment).where(
            Enrollment.user_id == learner_id, Enrollment.cohort_id == source.id,
            Enrollment.course_id.in_(target_courses))):
        row.cohort_id = target.id
    audit.record(user, "cohort.learner_moved", source, user_id=learner_id, to_cohort_id=target.id)
    db.session.flush()
    return moved
