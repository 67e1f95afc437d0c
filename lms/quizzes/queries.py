"""Reads for the quiz pages, each a fixed number of queries whatever the quiz size."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from lms.catalog.models import Course, Lesson, Question, Quiz
from lms.core.content_cache import LRU, cached, content_version
from lms.extensions import db
from lms.quizzes import display, overrides, rules
from lms.quizzes.models import IN_PROGRESS, QuestionResponse, QuizAttempt, QuizOverride
from lms.quizzes.results import combine


def quiz_by_slugs(course_slug: str, quiz_slug: str) -> tuple[Quiz, Course] | None:
    """A live (not archived) quiz of a live course, or None."""
    row = db.session.execute(
        select(Quiz, Course).join(Course, Course.id == Quiz.course_id)
        .where(Course.slug == course_slug, Quiz.slug == quiz_slug,
               Course.archived.is_(False), Quiz.archived.is_(False))).first()
    return (row[0], row[1]) if row else None


def attempt_in_context(attempt_id: int, user_id: int) -> tuple[QuizAttempt, Quiz, Course] | None:
    """The learner's own attempt with its quiz and course; None for anyone else's."""
    row = db.session.execute(
        select(QuizAttempt, Quiz, Course).join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(Course, Course.id == QuizAttempt.course_id)
        .where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user_id)).first()
    return (row[0], row[1], row[2]) if row else None


def attempts_of(user_id: int, quiz_id: int) -> list[QuizAttempt]:
    return list(db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id)
        .order_by(QuizAttempt.number)))


def open_attempt_of(user_id: int, quiz_id: int) -> QuizAttempt | None:
    return db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id, QuizAttempt.state == IN_PROGRESS))


_POOLS, _QUESTIONS = LRU(256), LRU(8192)
_COLUMNS = tuple(column.key for column in Question.__table__.columns)


def _copy(question: Question) -> Question:
    """A copy outside any session: questions are read-only between syncs, so each process keeps
    them (lms.core.content_cache) instead of reading and decoding their JSON on every page."""
    return Question(**{name: getattr(question, name) for name in _COLUMNS})


def pool(quiz_id: int) -> list[Question]:
    """The questions an attempt may draw: the quiz's live questions in file order."""
    return list(cached(_POOLS, (quiz_id,), lambda: tuple(_copy(q) for q in db.session.scalars(
        select(Question).where(Question.quiz_id == quiz_id, Question.archived.is_(False))
        .order_by(Question.position, Question.id)))))


def pool_size(quiz_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Question).where(
        Question.quiz_id == quiz_id, Question.archived.is_(False))) or 0


def questions_by_id(ids) -> dict[int, Question]:
    """Questions by id, archived ones included (an attempt keeps the questions it drew)."""
    version = content_version()
    found = {i: _QUESTIONS.get((version, i)) for i in ids}
    missing = [i for i, question in found.items() if question is None]
    if missing:
        for question in db.session.scalars(select(Question).where(Question.id.in_(missing))):
            found[question.id] = _copy(question)
            _QUESTIONS.put((version, question.id), found[question.id])
    return {i: q for i, q in found.items() if q is not None}


def responses_of(attempt_id: int) -> dict[int, QuestionResponse]:
    return {r.question_id: r for r in db.session.scalars(
        select(QuestionResponse).where(QuestionResponse.attempt_id == attempt_id))}


def title_of(obj, locale: str) -> str:
    return ((obj.translations or {}).get(locale) or {}).get("title") or obj.title


# ---- page data -------------------------------------------------------------------------

@dataclass
class Overview:
    quiz: Quiz
    course: Course
    attempts: list[QuizAttempt]
    questions: int                # per attempt
    pool: int                     # live questions to draw from
    rule: rules.StartRule
    lock_reason: str | None
    now: datetime
    settings: dict = field(default_factory=dict)  # the learner's: the quiz's with their override
    extra_attempts: int = 0       # given by a facilitator (lms/quizzes/overrides.py)
    extra_minutes: int = 0

    @property
    def open_attempt(self):
        return rules.open_attempt(self.attempts)

    @property
    def finished(self):
        return rules.finished(self.attempts)

    @property
    def attempts_left(self):
        return rules.attempts_left(self.settings, self.attempts)

    @property
    def overall(self) -> float | None:
        """The learner's result on the quiz per its grading method (what gating and badges use)."""
        return combine([a.score or 0.0 for a in self.finished], self.settings.get("grading", "highest"))

    @property
    def can_start(self) -> bool:
        return self.lock_reason is None and self.rule.allowed


def overview(quiz: Quiz, course: Course, attempts: list, lock_reason: str | None, *, now,
             override: QuizOverride | None = None) -> Overview:
    settings = overrides.effective_settings(quiz.settings or {}, override)
    extra_attempts, extra_minutes = overrides.applied(quiz.settings or {}, override)
    size = pool_size(quiz.id)
    return Overview(quiz=quiz, course=course, attempts=attempts, now=now, settings=settings,
                    questions=rules.question_count(settings, size), pool=size, lock_reason=lock_reason,
                    rule=rules.start_rule(settings, attempts, now, size),
                    extra_attempts=extra_attempts, extra_minutes=extra_minutes)


def attempt_questions(attempt: QuizAttempt, locale: str) -> list[display.QuestionView]:
    """The answer form's questions in the attempt's order with the learner's saved answers."""
    questions = questions_by_id(attempt.question_ids)
    saved = responses_of(attempt.id)
    views = []
    for question_id in attempt.question_ids:
        question = questions.get(question_id)
        if question is None:
            continue
        response = saved[question_id].response if question_id in saved else {}
        views.append(display.question_view(question, len(views) + 1,
                                           (attempt.option_orders or {}).get(str(question_id)),
                                           response, locale))
    return views


def lessons_by_id(ids) -> dict[int, Lesson]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {x.id: x for x in db.session.scalars(
        select(Lesson).where(Lesson.id.in_(ids), Lesson.archived.is_(False)))}


def review_items(attempt: QuizAttempt, *, marks: bool, answers: bool, locale: str) -> list[display.ReviewItem]:
    """The attempt's questions with marks and answers as the policy allows, each with the lesson
    that teaches it (three queries whatever the number of questions)."""
    questions = questions_by_id(attempt.question_ids)
    saved = responses_of(attempt.id)
    lessons = lessons_by_id(q.lesson_id for q in questions.values())
    items = []
    for question_id in attempt.question_ids:
        question = questions.get(question_id)
        if question is not None:
            item = display.review_item(
                question, len(items) + 1, (attempt.option_orders or {}).get(str(question_id)),
                saved.get(question_id), marks=marks, answers=answers, locale=locale)
            item.lesson = lessons.get(question.lesson_id)
            items.append(item)
    return items
