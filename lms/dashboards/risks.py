"""Who needs attention (statuses.py holds the rules), and the cohort's headline numbers, from
the per-learner rows of queries.py."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from lms.badges.models import BadgeAward, BadgeClass
from lms.cohorts.models import CohortInvitation, Reminder
from lms.cohorts.permissions import visible_since_joining
from lms.dashboards.queries import LearnerRow, Structure
from lms.dashboards.statuses import (  # noqa: F401  (the names other dashboards use)
    DEFAULT_INACTIVE_DAYS,
    RISKS,
    STATUSES,
    Rules,
    classify,
    is_overdue,
    status_label,
)
from lms.extensions import db

ACTIVE_DAYS = 7


def risk_label(code: str, inactive_days: int = DEFAULT_INACTIVE_DAYS) -> str:
    """The short label of a status (exports and the matrix list a learner's risks with it)."""
    return status_label(code)


def risk_reasons(learner: LearnerRow, *, due_on, now: datetime, inactive_days: int = DEFAULT_INACTIVE_DAYS,
                 cohort=None) -> list[str]:
    """Every at-risk code that holds for the learner, the most urgent (their status) first."""
    return classify(learner, Rules.of(cohort, due_on=due_on, now=now, inactive_days=inactive_days))[1]


def mark_risks(learners, *, due_on, now, inactive_days=DEFAULT_INACTIVE_DAYS, cohort=None) -> None:
    """Set each row's `status`, `risks` (empty when nobody need act) and `expected` progress.
    Pass the cohort: its grace period and start date are part of the rules (without it, the
    default grace period and no start date)."""
    rules = Rules.of(cohort, due_on=due_on, now=now, inactive_days=inactive_days)
    for learner in learners:
        learner.status, learner.risks, learner.expected = classify(learner, rules)


def last_reminders(cohort) -> dict[int, datetime]:
    """{user_id: when the latest reminder went} for the cohort's learners ever reminded."""
    return dict(db.session.execute(select(Reminder.user_id, func.max(Reminder.sent_at))
                                   .where(Reminder.cohort_id == cohort.id).group_by(Reminder.user_id)).all())


def invitations_needing_attention(cohort, now: datetime):
    """A count of the pending invitations whose latest mail went a grace period ago or more (a
    scalar subquery, to be read with another count)."""
    since = func.coalesce(CohortInvitation.sent_at, CohortInvitation.invited_at)
    return select(func.count(CohortInvitation.id)).where(
        CohortInvitation.cohort_id == cohort.id, CohortInvitation.response.is_(None),
        since <= now - timedelta(days=Rules.of(cohort, due_on=None, now=now).grace_days)).scalar_subquery()


# ---- headline ----------------------------------------------------------------------------

@dataclass
class Headline:
    learners: int
    active: int
    not_started: int
    completed: int
    average_progress: float | None
    average_best_score: float | None
    badges: int
    overdue: int
    just_joined: int = 0      # no activity yet, within the grace period: not counted as not started
    attention: int = 0        # learners with a status that needs attention, and invitations waiting


def headline(cohort, structure: Structure, learners: list[LearnerRow], *, due_on, now) -> Headline:
    """The numbers on the cohort's overview. "Not started" leaves out learners still in their
    grace period; "attention" is the length of the at-risk work list."""
    if any(x.status is None for x in learners):
        mark_risks(learners, due_on=due_on, now=now, cohort=cohort)
    since = now - timedelta(days=ACTIVE_DAYS)
    best = [r.best for learner in learners for r in learner.results.values() if r.best is not None]
    badges = (select(func.count(BadgeAward.id)).join(BadgeClass, BadgeClass.id == BadgeAward.badge_class_id)
              .where(BadgeClass.course_id == structure.course.id, BadgeAward.revoked_at.is_(None),
                     visible_since_joining(cohort.id, BadgeAward.user_id, BadgeAward.issued_on)).scalar_subquery())
    badges, invited = db.session.execute(select(badges, invitations_needing_attention(cohort, now))).one()
    return Headline(
        learners=len(learners),
        active=sum(1 for x in learners if x.last_active is not None and x.last_active >= since),
        not_started=sum(1 for x in learners if x.status == "not_started"),
        completed=sum(1 for x in learners if x.completed_at is not None),
        average_progress=sum(x.progress for x in learners) / len(learners) if learners else None,
        average_best_score=sum(best) / len(best) if best else None,
        badges=badges or 0,
        overdue=sum(1 for x in learners if is_overdue(x, due_on, now)),
        just_joined=sum(1 for x in learners if x.status == "just_joined"),
        attention=sum(1 for x in learners if x.risks) + (invited or 0))
