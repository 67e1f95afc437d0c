"""A learner's result on a quiz across attempts, per the quiz's grading method.

One query for any number of learners and quizzes, so that course pages, gating, completion,
dashboards and badges all read results the same way and at a fixed cost.
"""
from dataclasses import dataclass

from sqlalchemy import select

from lms.catalog.models import Quiz
from lms.extensions import db
from lms.quizzes.models import FINISHED, QuizAttempt


@dataclass(frozen=True)
class QuizResult:
    score: float | None          # percent per the grading method; None before any finished attempt
    passed: bool
    attempts: int                # finished attempts
    failed_attempts: int
    last_finished_at: object = None


def combine(scores: list[float], method: str) -> float | None:
    """scores in attempt order."""
    if not scores:
        return None
    if method == "last":
        return scores[-1]
    if method == "first":
        return scores[0]
    if method == "average":
        return sum(scores) / len(scores)
    return max(scores)


def quiz_results(user_ids, quiz_ids, *, since=None) -> dict[tuple[int, int], QuizResult]:
    """{(user_id, quiz_id): QuizResult} for every pair with at least one finished attempt
    (started at or after `since`, when given)."""
    user_ids, quiz_ids = list(user_ids), list(quiz_ids)
    if not user_ids or not quiz_ids:
        return {}
    rows = db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.quiz_id, QuizAttempt.score, QuizAttempt.passed,
               QuizAttempt.finished_at, Quiz.settings)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(QuizAttempt.user_id.in_(user_ids), QuizAttempt.quiz_id.in_(quiz_ids),
               QuizAttempt.state == FINISHED, True if since is None else QuizAttempt.started_at >= since)
        .order_by(QuizAttempt.user_id, QuizAttempt.quiz_id, QuizAttempt.number)
    ).all()
    grouped: dict[tuple[int, int], list] = {}
    for row in rows:
        grouped.setdefault((row.user_id, row.quiz_id), []).append(row)
    return {key: summarise(attempts, attempts[0].settings) for key, attempts in grouped.items()}


def summarise(finished: list, settings: dict | None) -> QuizResult | None:
    """One learner's result from their finished attempts (rows with score, passed and
    finished_at, in attempt order) under the quiz's settings; None before any."""
    if not finished:
        return None
    settings = settings or {}
    score = combine([a.score or 0.0 for a in finished], settings.get("grading", "highest"))
    return QuizResult(score=score, passed=score is not None and score >= settings.get("pass_mark", 70),
                      attempts=len(finished), failed_attempts=sum(1 for a in finished if not a.passed),
                      last_finished_at=finished[-1].finished_at)
