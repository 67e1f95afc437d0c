"""One status per learner and course: who needs the facilitator's attention, why, and what next.

The rules, at a moment `now`, for a current learner of the cohort on one course. "Activity" is
a lesson viewed or a quiz attempt since the learner joined the cohort (as queries.learner_rows
counts it); "progress" is the share of lessons completed and quizzes passed.

- done: the course is completed.
- just joined: no activity yet, and joined less than `cohort.grace_days` days ago (default 7).
  Not at risk, whatever the due date: nobody is chased in their first days.
- failed twice (on <quiz>): a quiz not passed after two or more failed attempts; the first such
  quiz in course order is named. Next action: the drill-down (an extra attempt is given there).
- stuck (on <item>): began, not done, and no activity for `days` days or more (the page's
  setting, default 14). The item is where they stopped: the first lesson not completed or quiz
  not passed in course order. Next action: a reminder.
- not started: no activity, `grace_days` days or more after joining. Next action: a reminder.
- overdue: the course's due date is past and the course not done. A learner who joined after
  the due date is judged without it (it was never theirs to meet).
- behind: the due date is ahead and the learner is below the pace needed to meet it. The pace
  starts at the later of joining and the cohort's start date and ends with the due day:
  expected = elapsed / (end of the due day - start), as a percentage; behind when
  progress + TOLERANCE (15 points) < expected.
- on track: none of these.

Invited people are not members and have no progress: each pending invitation of the cohort
(lms.cohorts.consent.pending) is "invited (not activated)" once the latest invitation mail went
`grace_days` days ago or more, else "just invited". Next action: send the invitation again.

A learner's status is the first rule that holds in the order of STATUSES, the most urgent
first. The order puts the diagnosis before the deadline: after a due date most of a cohort is
overdue, and "overdue" alone cannot tell a learner stuck for a month from one who never began.
So a learner stuck and past the due date is "stuck", with "overdue" among their other risks
(`risks` lists every at-risk rule that holds, the status first).
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

TOLERANCE = 15.0
DEFAULT_INACTIVE_DAYS = 14
DEFAULT_GRACE_DAYS = 7

STATUSES = ("failed_twice", "stuck", "not_started", "overdue", "behind", "invited",
            "just_invited", "just_joined", "on_track", "done")
RISKS = STATUSES[:6]          # these need attention; the others are shown for completeness
RANK = {code: rank for rank, code in enumerate(STATUSES)}

_LABELS = {
    "failed_twice": _l("failed twice"), "stuck": _l("stuck"), "not_started": _l("not started"),
    "overdue": _l("overdue"), "behind": _l("behind"), "invited": _l("invited (not activated)"),
    "just_invited": _l("just invited"), "just_joined": _l("just joined"), "on_track": _l("on track"),
    "done": _l("done"),
}


def status_label(code: str) -> str:
    return str(_LABELS[code])


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def due_end(due_on: date) -> datetime:
    """The end of the due day: work done on it is on time."""
    return day_start(due_on + timedelta(days=1))


def applies(due_on: date | None, joined_at: datetime | None) -> bool:
    """Whether a due date binds a learner who joined at `joined_at` (not if they joined after it)."""
    return due_on is not None and (joined_at is None or joined_at < due_end(due_on))


def is_overdue(learner, due_on: date | None, now: datetime) -> bool:
    return (applies(due_on, learner.joined_at) and due_on < now.date() and learner.completed_at is None)


def pace_start(joined_at: datetime | None, starts_on: date | None) -> datetime | None:
    """The later of joining and the cohort's start."""
    candidates = [x for x in (joined_at, day_start(starts_on) if starts_on else None) if x is not None]
    return max(candidates) if candidates else None


def expected_progress(learner, *, starts_on: date | None, due_on: date | None, now: datetime) -> float | None:
    """The progress (0..100) needed by `now` to finish by the due date at an even pace; None
    without a due date that binds the learner."""
    if not applies(due_on, learner.joined_at):
        return None
    start, end = pace_start(learner.joined_at, starts_on), due_end(due_on)
    if start is None or start >= end:
        return 100.0 if now >= end else 0.0
    share = (now - start) / (end - start)
    return 100.0 * min(max(share, 0.0), 1.0)


@dataclass(frozen=True)
class Rules:
    """What the statuses are measured against, for one cohort and course at one moment."""

    now: datetime
    due_on: date | None = None
    starts_on: date | None = None
    grace_days: int = DEFAULT_GRACE_DAYS
    inactive_days: int = DEFAULT_INACTIVE_DAYS

    @classmethod
    def of(cls, cohort, *, due_on, now, inactive_days=DEFAULT_INACTIVE_DAYS) -> "Rules":
        grace = getattr(cohort, "grace_days", None)
        return cls(now, due_on, getattr(cohort, "starts_on", None),
                   DEFAULT_GRACE_DAYS if grace is None else grace, inactive_days)

    def in_grace(self, since: datetime | None) -> bool:
        return since is not None and since > self.now - timedelta(days=self.grace_days)


def classify(learner, rules: Rules) -> tuple[str, list[str], float | None]:
    """(status, every at-risk code that holds with the status first, expected progress)."""
    expected = expected_progress(learner, starts_on=rules.starts_on, due_on=rules.due_on, now=rules.now)
    if learner.completed_at is not None:
        return "done", [], expected
    if not learner.started and rules.in_grace(learner.joined_at):
        return "just_joined", [], expected
    held = []
    if learner.failed_twice:
        held.append("failed_twice")
    if learner.started and learner.last_active <= rules.now - timedelta(days=rules.inactive_days):
        held.append("stuck")
    if not learner.started:
        held.append("not_started")
    if is_overdue(learner, rules.due_on, rules.now):
        held.append("overdue")
    elif expected is not None and rules.now < due_end(rules.due_on) and learner.progress + TOLERANCE < expected:
        held.append("behind")
    return (held[0] if held else "on_track"), held, expected


def invitation_status(invitation, rules: Rules) -> str:
    return "just_invited" if rules.in_grace(invitation.sent_at or invitation.invited_at) else "invited"


def urgency(status: str, *, progress: float = 0.0, expected: float | None = None,
            last_active: datetime | None = None, since: datetime | None = None) -> tuple:
    """A sort key: the most urgent status first, then within it the worst case first (the
    longest silent, the furthest behind, the least done, the longest waiting)."""
    oldest = (last_active or since or datetime.max.replace(tzinfo=UTC)).timestamp()
    within = {
        "failed_twice": oldest, "stuck": oldest,
        "not_started": (since or datetime.max.replace(tzinfo=UTC)).timestamp(),
        "overdue": progress, "behind": progress - (expected or 0.0),
        "invited": (since or datetime.max.replace(tzinfo=UTC)).timestamp(),
    }.get(status, 0.0)
    return RANK[status], within
