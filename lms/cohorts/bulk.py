"""Actions on many members of a cohort at once (the members page's bulk form): remove, move,
remind, the rows an export of the selection holds, and withdrawing invitations.

Callers pass ids already checked against the cohort (lms.cohorts.queries.learner_selection).
Each action costs a fixed number of statements, or one per thousand people, and records one
audit event with the count and the ids. Services flush, never commit.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, or_, select, update

from lms.auth.models import User
from lms.cohorts import services
from lms.cohorts.models import Cohort, CohortInvitation, CohortMember
from lms.cohorts.queries import chunked
from lms.core import audit
from lms.dashboards import queries as dashboard_queries
from lms.dashboards import risks
from lms.dashboards.services import ReminderOutcome, send_reminders
from lms.extensions import db
from lms.learning.models import Enrollment


@dataclass
class MoveOutcome:
    moved: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)   # already in (or facilitating) the target


def _one(user_ids: list[int]) -> int | None:
    """The audit event's subject: the person, when the action was on one person."""
    return user_ids[0] if len(user_ids) == 1 else None


def _active_learners(cohort_id: int, chunk: list[int]):
    return (CohortMember.cohort_id == cohort_id, CohortMember.user_id.in_(chunk),
            CohortMember.role == "learner", CohortMember.removed_at.is_(None))


def remove_learners(cohort: Cohort, user_ids: list[int], *, user, now: datetime) -> int:
    """Take these learners out of the cohort, as services.remove_learner does for one: the
    membership rows, enrolments and progress stay. Returns how many were removed."""
    removed = 0
    for chunk in chunked(user_ids):
        removed += db.session.execute(
            update(CohortMember).where(*_active_learners(cohort.id, chunk)).values(removed_at=now)
            .execution_options(synchronize_session=False)).rowcount
    if removed:
        audit.record(user, "cohort.learners_removed", cohort, subject=_one(user_ids), count=removed,
                     user_ids=list(user_ids))
    db.session.flush()
    return removed


def move_learners(source: Cohort, target: Cohort, user_ids: list[int], *, user, now: datetime) -> MoveOutcome:
    """Move these learners to `target` as services.move_learner moves one (their history stays in
    the source cohort; their enrolments in the target's courses follow them), all or none: a
    target without room for everyone refuses. People already in the target stay where they are."""
    if source.id == target.id:
        raise services.CohortError(_("Choose another cohort."), 400)
    services.lock_cohort(target)
    if target.status == "archived":
        raise services.CohortError(_("%(name)s is archived.", name=target.name))
    taken = {uid for chunk in chunked(user_ids) for uid in db.session.scalars(select(CohortMember.user_id).where(
        CohortMember.cohort_id == target.id, CohortMember.user_id.in_(chunk), CohortMember.removed_at.is_(None)))}
    outcome = MoveOutcome(moved=[u for u in user_ids if u not in taken], already=[u for u in user_ids if u in taken])
    room = services.room_left(target)
    if room is not None and len(outcome.moved) > room:
        raise services.CohortError(ngettext(
            "%(name)s has room for %(num)d more learner only.", "%(name)s has room for %(num)d more learners only.",
            room, name=target.name))
    if not outcome.moved:
        return outcome
    target_courses = services.course_ids(target)
    for chunk in chunked(outcome.moved):
        db.session.execute(update(CohortMember).where(*_active_learners(source.id, chunk)).values(removed_at=now)
                           .execution_options(synchronize_session=False))
        if target_courses:
            db.session.execute(update(Enrollment).where(
                Enrollment.user_id.in_(chunk), Enrollment.cohort_id == source.id,
                Enrollment.course_id.in_(target_courses)).values(cohort_id=target.id)
                .execution_options(synchronize_session=False))
    services.add_learners(target, outcome.moved, now=now)
    audit.record(user, "cohort.learners_moved", source, subject=_one(outcome.moved), count=len(outcome.moved),
                 user_ids=outcome.moved, to_cohort_id=target.id)
    db.session.flush()
    return outcome


def withdraw_invitations(cohort: Cohort, chosen: list[CohortInvitation], *, user, now: datetime) -> int:
    """Delete these pending or declined invitations (their links stop working). Returns how many."""
    chosen = [i for i in chosen if i.cohort_id == cohort.id and i.response != "accepted"]
    ids = [i.id for i in chosen]
    withdrawn = 0
    for chunk in chunked(ids):
        withdrawn += db.session.execute(delete(CohortInvitation).where(
            CohortInvitation.cohort_id == cohort.id, CohortInvitation.id.in_(chunk),
            or_(CohortInvitation.response.is_(None), CohortInvitation.response == "declined"))
            .execution_options(synchronize_session=False)).rowcount
    if withdrawn:
        people = [i.user_id for i in chosen]
        audit.record(user, "cohort.invitations_withdrawn", cohort, subject=_one(people), count=withdrawn,
                     user_ids=people)
    for invitation in chosen:  # gone from the database: gone from the session too
        db.session.expunge(invitation)
    db.session.flush()
    return withdrawn


def selected_rows(ctx: dashboard_queries.Context, user_ids: list[int], *, now: datetime) -> list:
    """The dashboard rows (progress, status, risks) of these learners on the context's course,
    as the matrix and its export show them."""
    wanted = set(user_ids)
    rows = [row for row in dashboard_queries.learner_rows(ctx.cohort, ctx.structure) if row.id in wanted]
    risks.mark_risks(rows, due_on=ctx.due_on, now=now, cohort=ctx.cohort)
    return rows


def remind_learners(ctx: dashboard_queries.Context, user_ids: list[int], *, user, now: datetime) -> ReminderOutcome:
    """A reminder about the context's course to each of these learners, with their reasons (as
    the at-risk page sends it; anyone reminded in the last 24 hours is skipped)."""
    reasons = {row.id: row.risks for row in selected_rows(ctx, user_ids, now=now)}
    people = [person for chunk in chunked(user_ids)
              for person in db.session.scalars(select(User).where(User.id.in_(chunk)).order_by(User.id))]
    return send_reminders(ctx.cohort, people, course=ctx.course, due_on=ctx.due_on, reasons=reasons,
                          user=user, now=now)
