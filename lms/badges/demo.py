"""Demo badges: learner@example.org earns one badge by completing a course (every lesson read
and every quiz passed, through the same services a learner's clicks use), and holds a second,
revoked one. Idempotent."""
from datetime import timedelta

from sqlalchemy import func, select

from lms.badges import queries, services
from lms.catalog.models import Course, Lesson, Quiz
from lms.core.db import utcnow
from lms.extensions import db

LEARNER = "learner@example.org"
ADMIN = "admin@example.org"
DEMO_REASON = "Demonstration badge for the demo learner account."
REVOCATION_REASON = "Issued in error during the demonstration; the learner had not taken the final assessment."
HALFWAY_COURSE = "upr-essentials"  # the learning demo leaves this one half done


def _shortest_course(courses: list[Course]) -> Course | None:
    """The course with the fewest lessons (the quickest to finish), other than the half-done one."""
    counts = dict(db.session.execute(select(Lesson.course_id, func.count()).where(Lesson.archived.is_(False))
                                     .group_by(Lesson.course_id)).all())
    candidates = [c for c in courses if c.slug != HALFWAY_COURSE]
    return min(candidates, key=lambda c: (counts.get(c.id, 0), c.position), default=None)


def complete_course(learner, course: Course, *, now) -> None:
    """Read every lesson and pass every quiz (module quizzes, then the final). The completion
    rule, the course_completed signal and the badge award follow by themselves."""
    from lms.learning import services as learning
    from lms.quizzes.demo import take

    learning.enrol(learner, course, now=now - timedelta(days=10))
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id, Lesson.archived.is_(False))
                                 .order_by(Lesson.module_id, Lesson.position)).all()
    for n, lesson in enumerate(lessons):
        at = now - timedelta(days=9) + timedelta(hours=n)
        learning.record_view(learner, lesson, now=at)
        learning.complete_lesson(learner, lesson, now=at + timedelta(minutes=lesson.minutes), enforce_gating=False)
    quizzes = db.session.scalars(select(Quiz).where(Quiz.course_id == course.id, Quiz.archived.is_(False))
                                 .order_by(Quiz.kind.desc(), Quiz.id)).all()  # "module" before "final"
    for n, quiz in enumerate(quizzes):
        take(learner, quiz, right=True, now=now - timedelta(days=2) + timedelta(hours=n))
    db.session.flush()


def seed(users_by_email: dict) -> None:
    learner, admin = users_by_email.get(LEARNER), users_by_email.get(ADMIN)
    courses = list(db.session.scalars(select(Course).where(Course.archived.is_(False))
                                      .order_by(Course.position, Course.id)))
    if learner is None or len(courses) < 3:
        return
    now = utcnow()
    held = {row.badge_class.course_id: row.award for row in queries.awards_for_user(learner.id)}
    if not any(award.status() == "valid" for award in held.values()):
        course = _shortest_course([c for c in courses if c.id not in held])
        if course is not None:
            complete_course(learner, course, now=now)
            held = {row.badge_class.course_id: row.award for row in queries.awards_for_user(learner.id)}
    if not any(award.status() == "revoked" for award in held.values()):
        spare = [c for c in courses if c.id not in held and c.slug != HALFWAY_COURSE]
        if spare:
            award = services.award_manually(admin, learner, spare[0], reason=DEMO_REASON, now=now)
            services.revoke_badge(admin, award, reason=REVOCATION_REASON, now=now)
    db.session.flush()
