"""The attempt lifecycle: start, save an answer, submit, close when time is up.

Services flush, never commit; they take explicit `user=`/`now=` and never read `request`.
Every write to an attempt first locks its row (`locked_attempt`): SELECT ... FOR UPDATE on
PostgreSQL; on SQLite the request's BEGIN IMMEDIATE already serialises writers.
"""
import random
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.catalog.models import Question, Quiz
from lms.core.signals import quiz_passed, quiz_submitted
from lms.extensions import db
from lms.quizzes import overrides, queries, rules
from lms.quizzes.display import answered
from lms.quizzes.models import FINISHED, IN_PROGRESS, QuestionResponse, QuizAttempt
from lms.quizzes.types import TYPES, grade


class QuizError(Exception):
    """A refused action, with the HTTP status and the message the learner sees."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class TimeUp(Exception):
    """The attempt was overdue and has just been closed at its deadline: commit, then show
    the result."""

    def __init__(self, attempt: QuizAttempt):
        super().__init__(attempt.id)
        self.attempt = attempt


def locked_attempt(attempt_id: int, user_id: int) -> QuizAttempt | None:
    """The learner's attempt, locked for this transaction; None for anyone else's."""
    return db.session.scalar(
        select(QuizAttempt).where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user_id)
        .with_for_update().execution_options(populate_existing=True))


# ---- starting --------------------------------------------------------------------------

def plan_attempt(pool: list, settings: dict, seed: int) -> tuple[list[int], dict[str, list[str]]]:
    """The drawn questions in display order and each question's option order, from a seed:
    the same seed always gives the same attempt."""
    rng = random.Random(seed)
    count = rules.question_count(settings, len(pool))
    chosen = rng.sample(pool, count) if count < len(pool) else list(pool)
    if settings.get("shuffle_questions", True):
        rng.shuffle(chosen)
    else:
        chosen.sort(key=lambda q: q.position)
    orders = {str(q.id): _display_order(q, settings, rng) for q in chosen}
    return [q.id for q in chosen], orders


def _display_order(question, settings: dict, rng: random.Random) -> list[str]:
    ids = TYPES[question.type].display_ids(question.data or {})
    if question.type in ("ordering", "matching"):
        # Ordering items and matching answers are stored in the key's order: never show them
        # that way, whatever shuffle_options says.
        order = list(ids)
        while len(set(ids)) > 1 and order == ids:
            rng.shuffle(order)
        return order
    return [*ids] if not settings.get("shuffle_options", True) else rng.sample(ids, len(ids))


def start_attempt(user, quiz, *, now, language: str = "en") -> QuizAttempt:
    """Resume the learner's open attempt or start a new one (TimeUp if the open one is overdue)."""
    attempts = queries.attempts_of(user.id, quiz.id)
    current = rules.open_attempt(attempts)
    if current is not None:
        current = locked_attempt(current.id, user.id)
        if rules.is_overdue(current, now, grace_for(current)):
            close_attempt(current, now=now)
            raise TimeUp(current)
        if current.state == IN_PROGRESS:
            return current
    pool = queries.pool(quiz.id)
    settings = overrides.settings_for(user.id, quiz)  # the learner's: extra attempts and time count
    rule = rules.start_rule(settings, attempts, now, len(pool))
    if not rule.allowed:
        raise QuizError(rule.code, rule.reason)
    seed = secrets.randbelow(2**31)
    question_ids, orders = plan_attempt(pool, settings, seed)
    limit = settings.get("time_limit_minutes", 0)
    attempt = QuizAttempt(
        user_id=user.id, quiz_id=quiz.id, course_id=quiz.course_id,
        number=max((a.number for a in attempts), default=0) + 1, state=IN_PROGRESS,
        started_at=now, deadline=now + timedelta(minutes=limit) if limit else None, seed=seed,
        question_ids=question_ids, option_orders=orders, sequence=0, language=language)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # Another request started one at the same moment: the database kept one; use it.
        existing = queries.open_attempt_of(user.id, quiz.id)
        if existing is None:
            raise QuizError(409, _("Another attempt was started at the same moment. Please try again.")) from None
        return existing
    return attempt


# ---- answering -------------------------------------------------------------------------

def grace_for(attempt: QuizAttempt) -> timedelta:
    return rules.grace(db.session.get(Quiz, attempt.quiz_id).settings or {})


def _check_open(attempt: QuizAttempt, now, *, submitting: bool = False) -> None:
    """Refuse changes to a finished attempt; past the deadline, only a submit within the grace
    period is taken, and after it the attempt is closed on what was saved before the deadline."""
    if attempt.state != IN_PROGRESS:
        raise QuizError(409, _("This attempt is already finished, so it cannot be changed. "
                               "Your result is on the result page."))
    if rules.is_overdue(attempt, now, grace_for(attempt)):
        close_attempt(attempt, now=now)
        raise TimeUp(attempt)
    if not submitting and rules.is_overdue(attempt, now):
        raise QuizError(409, _("Time is up, so answers are no longer saved one by one. Submit your "
                               "answers now: they are still marked for a short while."))


def _check_sequence(attempt: QuizAttempt, sequence: int) -> None:
    if sequence != attempt.sequence:
        raise QuizError(409, _("This page is out of date: your answers were changed from another "
                               "page or tab since it was loaded. Nothing newer was overwritten. "
                               "Reload the page to see your latest answers, then continue."))


def _store(attempt: QuizAttempt, question, response: dict, existing, *, now) -> QuestionResponse:
    row = existing.get(question.id)
    if row is None:
        row = QuestionResponse(attempt_id=attempt.id, question_id=question.id)
        db.session.add(row)
        existing[question.id] = row
    row.response, row.saved_at = response, now
    return row


def save_answer(attempt: QuizAttempt, *, question_id: int, sequence: int, form, now) -> QuestionResponse:
    """Autosave one question's answer from the posted form fields.

    A replay (the same answer sent again from the same page, as a retry after a lost connection
    does) is a no-op: nothing is written and the sequence stays as it is."""
    _check_open(attempt, now)
    if question_id not in attempt.question_ids:
        raise QuizError(400, _("That question is not part of this attempt."))
    question = db.session.get(Question, question_id)
    response = TYPES[question.type].parse_form(question.data, form, f"q{question.id}")
    existing = queries.responses_of(attempt.id)
    stored = existing.get(question_id)
    if sequence < attempt.sequence and stored is not None and stored.response == response:
        return stored
    _check_sequence(attempt, sequence)
    row = _store(attempt, question, response, existing, now=now)
    attempt.sequence += 1
    db.session.flush()
    return row


def _store_posted(attempt: QuizAttempt, questions: dict, form, *, now) -> dict:
    existing = queries.responses_of(attempt.id)
    for question_id in attempt.question_ids:
        question = questions.get(question_id)
        if question is not None:
            response = TYPES[question.type].parse_form(question.data, form, f"q{question.id}")
            _store(attempt, question, response, existing, now=now)
    return existing


def check_before_submit(attempt: QuizAttempt, *, sequence: int, form, now) -> list[tuple[int, Question]]:
    """Store every posted answer without marking; (number, question) of the questions still
    unanswered (numbered from 1 in the attempt's order), for the summary page."""
    _check_open(attempt, now, submitting=True)
    _check_sequence(attempt, sequence)
    questions = queries.questions_by_id(attempt.question_ids)
    stored = _store_posted(attempt, questions, form, now=now)
    attempt.sequence += 1
    db.session.flush()
    shown = [questions[i] for i in attempt.question_ids if i in questions]
    return [(number, question) for number, question in enumerate(shown, 1)
            if not answered(question.type, stored[question.id].response)]


def submit_attempt(attempt: QuizAttempt, *, sequence: int, submit_key: str, form, now,
                   posted: bool = True) -> bool:
    """Store every posted answer (unless `posted` is False: the summary page marks what is
    stored) and grade. True when graded now; False for a replay of the submit that already
    graded it (same idempotency key)."""
    if attempt.state == FINISHED and attempt.submit_key == submit_key:
        return False
    _check_open(attempt, now, submitting=True)
    _check_sequence(attempt, sequence)
    if db.session.scalar(select(QuizAttempt.id).where(QuizAttempt.submit_key == submit_key)):
        raise QuizError(409, _("This form was already used. Reload the page and submit again."))
    questions = queries.questions_by_id(attempt.question_ids)
    existing = _store_posted(attempt, questions, form, now=now) if posted else queries.responses_of(attempt.id)
    attempt.submit_key = submit_key
    _finish(attempt, questions, existing, finished_at=now)
    return True


# ---- grading and closing ---------------------------------------------------------------

def _finish(attempt: QuizAttempt, questions: dict, responses: dict, *, finished_at) -> None:
    points = 0.0
    for question_id in attempt.question_ids:
        question = questions.get(question_id)
        if question is None:
            continue
        row = responses.get(question_id)
        if row is None:  # unanswered: an empty response, so item analysis sees every question
            row = _store(attempt, question, {}, responses, now=finished_at)
        row.mark = grade(question.type, question.data, row.response)
        points += row.mark
    settings = db.session.get(Quiz, attempt.quiz_id).settings or {}
    attempt.points, attempt.max_points = points, float(len(questions))
    attempt.score = 100.0 * points / len(questions) if questions else 0.0
    attempt.passed = attempt.score >= settings.get("pass_mark", 70)
    attempt.state, attempt.finished_at = FINISHED, finished_at
    attempt.sequence += 1
    db.session.flush()
    app = current_app._get_current_object()
    quiz_submitted.send(app, attempt=attempt)
    if attempt.passed:
        quiz_passed.send(app, attempt=attempt)


def close_attempt(attempt: QuizAttempt, *, now) -> None:
    """Close an overdue attempt at its deadline, graded on what was saved before then."""
    finished_at = min(now, attempt.deadline) if attempt.deadline else now
    _finish(attempt, queries.questions_by_id(attempt.question_ids), queries.responses_of(attempt.id),
            finished_at=finished_at)


def close_overdue(*, now) -> int:
    """Close every open attempt whose deadline has passed; returns how many it closed."""
    closed = 0
    for attempt_id, user_id in db.session.execute(
            select(QuizAttempt.id, QuizAttempt.user_id)
            .where(QuizAttempt.state == IN_PROGRESS, QuizAttempt.deadline.is_not(None),
                   QuizAttempt.deadline <= now).order_by(QuizAttempt.id)).all():
        attempt = locked_attempt(attempt_id, user_id)
        if attempt is not None and rules.is_overdue(attempt, now, grace_for(attempt)):
            close_attempt(attempt, now=now)
            closed += 1
    return closed
