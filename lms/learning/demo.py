"""Demo activity: learner@example.org is halfway through UPR essentials (the lessons of the
first two modules done; the quiz engine's demo adds the quiz results). Idempotent."""
from datetime import timedelta

from sqlalchemy import select

from lms.catalog.models import Course, Lesson, Module
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning import services
from lms.learning.models import LessonProgress

COURSE = "upr-essentials"
LEARNER = "learner@example.org"


def seed(users_by_email: dict) -> None:
    learner = users_by_email.get(LEARNER)
    course = db.session.scalar(select(Course).where(Course.slug == COURSE, Course.archived.is_(False)))
    if learner is None or course is None:
        return
    lessons = db.session.scalars(
        select(Lesson).join(Module, Module.id == Lesson.module_id)
        .where(Lesson.course_id == course.id, Lesson.archived.is_(False), Module.archived.is_(False))
        .order_by(Module.position, Lesson.position)).all()
    first_two = db.session.scalars(
        select(Module.id).where(Module.course_id == course.id, Module.archived.is_(False))
        .order_by(Module.position).limit(2)).all()
    done = set(db.session.scalars(select(LessonProgress.lesson_id).where(
        LessonProgress.user_id == learner.id, LessonProgress.course_id == course.id,
        LessonProgress.completed_at.is_not(None))))
    start = utcnow() - timedelta(days=6)
    services.enrol(learner, course, now=start)
    for n, lesson in enumerate(lesson for lesson in lessons if lesson.module_id in first_two):
        if lesson.id in done:
            continue
        at = start + timedelta(days=n // 2, minutes=15 * n)
        services.record_view(learner, lesson, now=at)
        services.complete_lesson(learner, lesson, now=at + timedelta(minutes=lesson.minutes),
                                 enforce_gating=False)
    db.session.flush()
