"""Who is at risk, and the cohort's headline numbers, from the per-learner rows of queries.py."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.badges.models import BadgeAward, BadgeClass
from lms.cohorts.models import Reminder
from lms.dashboards.queries import LearnerRow, Structure, learner_ids
from lms.extensions import db

ACTIVE_DAYS = 7
RISKS = ("never_started", "inactive", "overdue", "failed_twice")
DEFAULT_INACTIVE_DAYS = 14


def risk_label(code: str, inactive_days: int = DEFAULT_INACTIVE_DAYS) -> str:
    labels = {"never_started": _l("never started"), "overdue": _l("overdue"),
              "failed_twice": _l("failed a quiz twice"),
              "inactive": _l("inactive for %(days)s days or more", days=inactive_days)}
    return str(labels[code])


def is_overdue(learner: LearnerRow, due_on: date | None, now: datetime) -> bool:
    return due_on is not None and due_on < now.date() and learner.completed_at is None


def risk_reasons(learner: LearnerRow, *, due_on: date | None, now: datetime,
                 inactive_days: int = DEFAULT_INACTIVE_DAYS) -> list[str]:
    reasons = []
    if learner.completed_at is None:
        if not learner.started:
            reasons.append("never_started")
        elif learner.last_active < now - timedelta(days=inactive_days):
            reasons.append("inactive")
    if is_overdue(learner, due_on, now):
        reasons.append("overdue")
    if learner.failed_twice:
        reasons.append("failed_twice")
    return reasons


def last_reminders(cohort) -> dict[int, datetime]:
    """{user_id: when the latest reminder went} for the cohort's learners ever reminded."""
    return dict(db.session.execute(select(Reminder.user_id, func.max(Reminder.sent_at))
                                   .where(Reminder.cohort_id == cohort.id).group_by(Reminder.user_id)).all())


def mark_risks(learners: list[LearnerRow], *, due_on, now, inactive_days=DEFAULT_INACTIVE_DAYS) -> None:
    for learner in learners:
        learner.risks = risk_reasons(learner, due_on=due_on, now=now, inactive_days=inactive_days)


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


def headline(cohort, structure: Structure, learners: list[LearnerRow], *, due_on, now) -> Headline:
    since = now - timedelta(days=ACTIVE_DAYS)
    best = [r.best for learner in learners for r in learner.results.values() if r.best is not None]
    badges = db.session.scalar(
        select(func.count(BadgeAward.id)).join(BadgeClass, BadgeClass.id == BadgeAward.badge_class_id)
        .where(BadgeClass.course_id == structure.course.id, BadgeAward.revoked_at.is_(None),
               BadgeAward.user_id.in_(learner_ids(cohort.id))))
    return Headline(
        learners=len(learners),
        active=sum(1 for x in learners if x.last_active is not None and x.last_active >= since),
        not_started=sum(1 for x in learners if not x.started),
        completed=sum(1 for x in learners if x.completed_at is not None),
        average_progress=sum(x.progress for x in learners) / len(learners) if learners else None,
        average_best_score=sum(best) / len(best) if best else None,
        badges=badges or 0,
        overdue=sum(1 for x in learners if is_overdue(x, due_on, now)))
