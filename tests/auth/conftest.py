"""A person with a bit of everything the platform records, and a classmate with the same kinds
of record, for the export and deletion tests."""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms.auth.models import LoginCounter, User
from lms.catalog.models import Course, Question, Quiz
from lms.cohorts.models import Cohort, Reminder
from lms.core import audit
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning.models import LessonProgress
from tests.dashboards.conftest import NOW, Dash

NAME, EMAIL = "Zephyrine Quillfeather", "zephyrine.q@example.org"


@dataclass
class History:
    person: User
    classmate: User
    admin: User
    course: Course
    quiz: Quiz
    cohort: Cohort
    award: object
    classmate_award: object


def _questions(quiz) -> list[Question]:
    return list(db.session.scalars(select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)))


@pytest.fixture
def history(make) -> History:
    from lms.badges import services as badges

    dash = Dash(make)
    admin = make.user("admin", name="Ada Admin")
    person = make.user(email=EMAIL, name=NAME, organisation_text="Quillfeather Consulting", timezone="Africa/Nairobi")
    classmate = make.user(email="kofi.mensah@example.org", name="Kofi Mensah")
    course = make.course(modules=1, lessons=2, questions=6, final_questions=3)
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.kind == "module"))
    cohort = dash.cohort(course, facilitator=make.user("facilitator"))
    lessons = sorted(course_lessons(course), key=lambda lesson: lesson.position)
    for who in (person, classmate):
        dash.learner(cohort, who)
        dash.complete(who, course, cohort)
        dash.lesson(who, lessons[0])
    db.session.execute(update(LessonProgress).where(LessonProgress.user_id == person.id).values(seconds=95))
    questions = _questions(quiz)
    short = next(q for q in questions if q.type == "short")
    # A free-text answer that happens to quote the person's own name and address.
    dash.attempt(person, quiz, {q: 1.0 for q in questions}, responses={short: {"text": f"{NAME} <{EMAIL}>"}})
    dash.attempt(classmate, quiz, {q: 0.0 for q in questions})
    award, _ = badges.award_badge(person, course, now=NOW)
    classmate_award, _ = badges.award_badge(classmate, course, now=NOW)
    award.award_reason = f"Completed with distinction, {NAME}"
    db.session.add(Reminder(cohort_id=cohort.id, user_id=person.id, sent_at=NOW - timedelta(days=3), reason="inactive"))
    # Someone tried the address from another device a few minutes ago (counts last 15 minutes).
    db.session.add(LoginCounter(account=EMAIL, client="203.0.113.9", count=2,
                                expires_at=utcnow() + timedelta(minutes=10)))
    audit.record(admin, "user.note", person, note=f"Asked by {NAME} ({EMAIL.upper()}) to fix the name")
    db.session.commit()
    return History(person, classmate, admin, course, quiz, cohort, award, classmate_award)


def course_lessons(course):
    from lms.catalog.models import Lesson

    return db.session.scalars(select(Lesson).where(Lesson.course_id == course.id))
