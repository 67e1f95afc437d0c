"""The attempt rules as pure functions: who may start, when the next attempt opens, what
feedback a finished attempt may show. No database access, no request: easy to test."""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from babel.dates import format_datetime
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

from lms.core.i18n import percent as score_text
from lms.quizzes.models import FINISHED, IN_PROGRESS


@dataclass(frozen=True)
class StartRule:
    """Whether a new attempt may start now; `reason` says why not (shown to the learner)."""

    allowed: bool
    reason: str | None = None
    next_opens_at: datetime | None = None
    code: int = 409


# However many attempts a quiz allows, starting more than this many within the window is
# refused: nobody needs it, and it stops scripted guessing of short answers.
START_BURST = 10
START_WINDOW = timedelta(minutes=10)


def finished(attempts) -> list:
    return [a for a in attempts if a.state == FINISHED]


def open_attempt(attempts):
    return next((a for a in attempts if a.state == IN_PROGRESS), None)


def attempts_left(settings: dict, attempts) -> int | None:
    """None when attempts are unlimited."""
    limit = settings.get("max_attempts", 0)
    if not limit:
        return None
    return max(0, limit - len(finished(attempts)))


def next_opens_at(settings: dict, attempts, now: datetime) -> datetime | None:
    """When the delay after the last finished attempt ends, if that is still in the future."""
    delay = settings.get("attempt_delay_minutes", 0)
    done = finished(attempts)
    if not delay or not done:
        return None
    opens = max(a.finished_at for a in done) + timedelta(minutes=delay)
    return opens if opens > now else None


def start_rule(settings: dict, attempts, now: datetime, question_count: int) -> StartRule:
    """May the learner start a new attempt (an open attempt is resumed, not started)?"""
    if open_attempt(attempts) is not None:
        return StartRule(True)
    if question_count == 0:
        return StartRule(False, _("This quiz has no questions yet."))
    if attempts_left(settings, attempts) == 0:
        return StartRule(False, _("You have used all your attempts at this quiz."))
    if sum(1 for a in attempts if a.started_at > now - START_WINDOW) >= START_BURST:
        return StartRule(False, _("You have started many attempts in a short time. Please wait a few "
                                  "minutes before starting another."), code=429)
    opens = next_opens_at(settings, attempts, now)
    if opens is not None:
        return StartRule(False, _("Your next attempt opens on %(when)s.", when=when(opens)), opens)
    return StartRule(True)


def grace(settings: dict) -> timedelta:
    """How long after a deadline a submitted answer sheet is still marked: a learner without
    JavaScript (no autosave) who submits on time must not lose everything to a slow network."""
    return timedelta(minutes=settings.get("grace_minutes", 2))


def is_overdue(attempt, now: datetime, grace_period: timedelta = timedelta(0)) -> bool:
    """Past the deadline (plus grace_period): an open attempt is then closed on what was saved."""
    return (attempt.state == IN_PROGRESS and attempt.deadline is not None
            and now >= attempt.deadline + grace_period)


def feedback_visible(settings: dict, attempts) -> bool:
    """Per the quiz's feedback policy, may finished attempts show marks per question and
    feedback? `attempts` are all of this learner's attempts at the quiz.

    after_each_attempt: always. after_passing: once any attempt passed. after_last_attempt:
    once no attempt is left (with unlimited attempts: once passed, as nothing more is at
    stake). never: never.
    """
    policy = settings.get("feedback", "after_each_attempt")
    done = finished(attempts)
    if not done or policy == "never":
        return False
    if policy == "after_each_attempt":
        return True
    passed = any(a.passed for a in done)
    if policy == "after_passing":
        return passed
    left = attempts_left(settings, attempts)
    return left == 0 if left is not None else passed


def answers_visible(settings: dict, attempts) -> bool:
    """May the review show the right answers? Never while another attempt is open (it may draw
    the same questions); by default only once the learner passed or has no attempt left."""
    if not (feedback_visible(settings, attempts) and settings.get("review_shows_answers", True)):
        return False
    if open_attempt(attempts) is not None:
        return False
    if settings.get("answers_after", "passing_or_last_attempt") == "each_attempt":
        return True
    return any(a.passed for a in finished(attempts)) or attempts_left(settings, attempts) == 0


def question_count(settings: dict, pool_size: int) -> int:
    draw = settings.get("draw", 0)
    return min(draw, pool_size) if draw else pool_size


def percent(score: float | None) -> str:
    """A score for display: the platform's one score rule (rounded down, one decimal at most,
    in the learner's number format), so a quiz page and a dashboard never disagree."""
    return score_text(score)


def when(moment: datetime | None) -> str:
    """A moment for display, in the learner's time zone (named) and language."""
    if moment is None:
        return ""
    zone = get_timezone() or UTC
    shown = format_datetime(moment.astimezone(UTC), "d MMM y, HH:mm", tzinfo=zone, locale=get_locale() or "en")
    return f"{shown} ({getattr(zone, 'zone', 'UTC')})"
