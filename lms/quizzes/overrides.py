"""One learner's exception to a quiz's limits, as Moodle's user overrides: extra attempts and
extra minutes per attempt on top of the quiz's own, granted by a facilitator through a cohort.

The settings a learner's attempts run under are `settings_for(user_id, quiz)`: the quiz's
settings with the learner's override applied. Every rule that counts attempts or times one
(may an attempt start, attempts left, the deadline set at start, when the right answers show,
in the quiz and in practice) reads those, never the quiz's own settings.
"""
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.auth.models import User
from lms.core import audit
from lms.extensions import db
from lms.quizzes import rules
from lms.quizzes.models import IN_PROGRESS, QuizAttempt, QuizOverride

MAX_EXTRA_ATTEMPTS = 10
MAX_EXTRA_MINUTES = 600
MAX_REASON = 500


# ---- reads -----------------------------------------------------------------------------

def override_for(user_id: int, quiz_id: int) -> QuizOverride | None:
    return db.session.scalar(select(QuizOverride).where(
        QuizOverride.user_id == user_id, QuizOverride.quiz_id == quiz_id))


def overrides_of(user_id: int, quiz_ids) -> dict[int, tuple[QuizOverride, str | None]]:
    """{quiz_id: (override, name of who granted it)} of one learner for these quizzes, in one query."""
    ids = list(quiz_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(QuizOverride, User.name).outerjoin(User, User.id == QuizOverride.granted_by_id)
        .where(QuizOverride.user_id == user_id, QuizOverride.quiz_id.in_(ids))).all()
    return {row.quiz_id: (row, name) for row, name in rows}


def applied(settings: dict, override: QuizOverride | None) -> tuple[int, int]:
    """(extra attempts, extra minutes) that change something: extra attempts only where the
    quiz limits attempts, extra minutes only where it is timed."""
    if override is None:
        return 0, 0
    return (override.extra_attempts if settings.get("max_attempts", 0) else 0,
            override.extra_minutes if settings.get("time_limit_minutes", 0) else 0)


def effective_settings(settings: dict, override: QuizOverride | None) -> dict:
    """The quiz's settings as they apply to the learner the override belongs to."""
    attempts, minutes = applied(settings, override)
    if not attempts and not minutes:
        return settings
    effective = dict(settings)
    if attempts:
        effective["max_attempts"] = settings["max_attempts"] + attempts
    if minutes:
        effective["time_limit_minutes"] = settings["time_limit_minutes"] + minutes
    return effective


def settings_for(user_id: int, quiz) -> dict:
    """The settings `user_id`'s attempts at `quiz` run under (one query)."""
    return effective_settings(quiz.settings or {}, override_for(user_id, quiz.id))


# ---- writes ----------------------------------------------------------------------------

def _values(row: QuizOverride | None) -> dict | None:
    if row is None:
        return None
    return {"extra_attempts": row.extra_attempts, "extra_minutes": row.extra_minutes, "reason": row.reason}


def _locked_override(user_id: int, quiz_id: int) -> QuizOverride | None:
    return db.session.scalar(select(QuizOverride).where(
        QuizOverride.user_id == user_id, QuizOverride.quiz_id == quiz_id)
        .with_for_update().execution_options(populate_existing=True))


def _extend_open_attempt(learner, quiz, settings: dict, *, now) -> QuizAttempt | None:
    """Give an attempt already running the time of the new override: its deadline moves to
    start + the effective limit. A deadline is never brought forward (less time takes effect
    from the next attempt), and an attempt whose time and grace are over stays over."""
    limit = settings.get("time_limit_minutes", 0)
    attempt = db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == learner.id, QuizAttempt.quiz_id == quiz.id, QuizAttempt.state == IN_PROGRESS)
        .with_for_update().execution_options(populate_existing=True))
    if attempt is None or attempt.deadline is None or not limit:
        return None
    if rules.is_overdue(attempt, now, rules.grace(quiz.settings or {})):
        return None
    target = attempt.started_at + timedelta(minutes=limit)
    if target <= attempt.deadline:
        return None
    attempt.deadline = target
    return attempt


def grant_override(cohort, learner, quiz, *, extra_attempts: int, extra_minutes: int, reason: str,
                   user, now) -> QuizOverride | None:
    """Set the learner's override at `quiz` (replacing any earlier one); 0 and 0 clears it.
    An attempt in progress gets the extra time at once."""
    if not extra_attempts and not extra_minutes:
        clear_override(cohort, learner, quiz, user=user, now=now)
        return None
    row = _locked_override(learner.id, quiz.id)
    before = _values(row)
    if row is None:
        try:
            with db.session.begin_nested():
                row = QuizOverride(quiz_id=quiz.id, user_id=learner.id)
                db.session.add(row)
                db.session.flush()
        except IntegrityError:  # granted by someone else at the same moment: update theirs
            row = _locked_override(learner.id, quiz.id)
            before = _values(row)
    row.cohort_id, row.extra_attempts, row.extra_minutes = cohort.id, extra_attempts, extra_minutes
    row.reason, row.granted_by_id, row.granted_at = reason.strip(), user.id, now
    extended = _extend_open_attempt(learner, quiz, effective_settings(quiz.settings or {}, row), now=now)
    data = {"cohort_id": cohort.id, "before": before, "after": _values(row)}
    if extended is not None:
        data["attempt_deadline"] = extended.deadline.isoformat()
    db.session.flush()
    audit.record(user, "quiz.override_granted", quiz, subject=learner, **data)
    return row


def clear_override(cohort, learner, quiz, *, user, now) -> bool:
    """Remove the learner's override at `quiz`: the quiz's own limits apply again from the next
    attempt. False when there was none (nothing is recorded)."""
    row = _locked_override(learner.id, quiz.id)
    if row is None:
        return False
    before = _values(row)
    db.session.delete(row)
    db.session.flush()
    audit.record(user, "quiz.override_cleared", quiz, subject=learner, cohort_id=cohort.id,
                 before=before, after=None)
    return True
