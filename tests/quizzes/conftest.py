"""Quiz fixtures: a course with one quiz and an enrolled learner logged in."""
from types import SimpleNamespace

import pytest

from lms.extensions import db
from lms.learning.models import Enrollment
from tests.quizzes.helpers import RICH, add_questions


@pytest.fixture
def enrol(app):
    def _enrol(user, course):
        db.session.add(Enrollment(user_id=user.id, course_id=course.id, source="self"))
        db.session.commit()

    return _enrol


@pytest.fixture
def world(make, enrol, login, client):
    """world(questions=6, types=None, rich=False, **settings): a free-navigation course with
    one quiz `check`, and an enrolled learner logged in on `client`."""

    def _world(questions=6, types=None, rich=False, **settings):
        db.session.rollback()
        course = make.course(modules=1, lessons=1, questions=0, final=False, navigation="free")
        quiz = make.quiz(course, None, slug="check", questions=0 if rich else questions, types=types,
                         **settings)
        if rich:
            add_questions(quiz, course, RICH)
        learner = make.user()
        enrol(learner, course)
        login(learner)
        db.session.rollback()  # end the test's read snapshot: the login wrote after it began
        return SimpleNamespace(course=course, quiz=quiz, learner=learner, client=client,
                               quiz_url=f"/courses/{course.slug}/quizzes/{quiz.slug}")

    return _world
