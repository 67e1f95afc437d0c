"""Builders for learner tests (shared by tests/learning and tests/catalog)."""
from datetime import timedelta

from sqlalchemy import func, select

from lms.catalog.models import Lesson, Module, Quiz
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning.models import Enrollment, LessonProgress
from lms.quizzes.models import FINISHED, QuizAttempt


def enrol(user, course, **fields) -> Enrollment:
    enrollment = Enrollment(user_id=user.id, course_id=course.id, enrolled_at=utcnow(), **fields)
    db.session.add(enrollment)
    db.session.commit()
    return enrollment


def lessons(course, module_position=None) -> list[Lesson]:
    stmt = (select(Lesson).join(Module, Module.id == Lesson.module_id)
            .where(Lesson.course_id == course.id).order_by(Module.position, Lesson.position))
    if module_position is not None:
        stmt = stmt.where(Module.position == module_position)
    return list(db.session.scalars(stmt))


def quizzes(course) -> list[Quiz]:
    return list(db.session.scalars(select(Quiz).where(Quiz.course_id == course.id).order_by(Quiz.id)))


def module_quiz(course, module_position: int) -> Quiz:
    return db.session.scalar(select(Quiz).join(Module, Module.id == Quiz.module_id)
                             .where(Quiz.course_id == course.id, Module.position == module_position))


def final_quiz(course) -> Quiz:
    return db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.module_id.is_(None)))


def finish_attempt(user, quiz, score: float, *, at=None) -> QuizAttempt:
    """A graded attempt, as the quiz engine stores it."""
    number = (db.session.scalar(select(func.count(QuizAttempt.id)).where(
        QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id)) or 0) + 1
    at = at or utcnow()
    attempt = QuizAttempt(user_id=user.id, quiz_id=quiz.id, course_id=quiz.course_id, number=number,
                          state=FINISHED, started_at=at - timedelta(minutes=5), finished_at=at,
                          score=score, passed=score >= quiz.settings.get("pass_mark", 70),
                          points=score, max_points=100)
    db.session.add(attempt)
    db.session.commit()
    return attempt


def complete(user, *lesson_objs, at=None) -> None:
    """Progress rows marking lessons complete, written directly (no gating)."""
    at = at or utcnow()
    for lesson in lesson_objs:
        row = db.session.scalar(select(LessonProgress).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id))
        if row is None:
            row = LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=lesson.course_id,
                                 first_viewed_at=at, last_viewed_at=at)
            db.session.add(row)
        row.completed_at = at
    db.session.commit()


def finish_module(user, course, module_position: int) -> None:
    complete(user, *lessons(course, module_position))
    quiz = module_quiz(course, module_position)
    if quiz is not None:
        finish_attempt(user, quiz, 100)


def progress_rows(user, lesson=None) -> list[LessonProgress]:
    db.session.rollback()
    stmt = select(LessonProgress).where(LessonProgress.user_id == user.id)
    if lesson is not None:
        stmt = stmt.where(LessonProgress.lesson_id == lesson.id)
    return list(db.session.scalars(stmt.execution_options(populate_existing=True)))


def enrollment_of(user, course) -> Enrollment | None:
    db.session.rollback()
    return db.session.scalar(select(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course.id)
        .execution_options(populate_existing=True))
