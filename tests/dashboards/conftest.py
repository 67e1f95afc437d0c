"""Builders for dashboard tests: a cohort on a course, learners, lesson progress and quiz attempts.

Small cohorts are built row by row here; large ones (100, 1,000 learners) with the bulk
inserts of lms.dashboards.synth.build_cohort.
"""
import itertools
import secrets
from datetime import UTC, date, datetime, timedelta

import pytest

from lms.cohorts.models import Cohort, CohortCourse, CohortMember, Organisation
from lms.extensions import db
from lms.learning.models import Enrollment, LessonProgress
from lms.quizzes.models import FINISHED, QuestionResponse, QuizAttempt
from lms.quizzes.types import TYPES

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)   # a Monday
_seq = itertools.count(1)


class Dash:
    def __init__(self, make):
        self.make = make

    def organisation(self, name="Ministry of Justice", kind="sur_ministry", country="KE") -> Organisation:
        org = Organisation(name=f"{name} {next(_seq)}", kind=kind, country=country)
        db.session.add(org)
        db.session.commit()
        return org

    def cohort(self, course=None, *, facilitator=None, learners=0, due_on: date | None = None,
               starts_on: date | None = None, name="Justice officials 2026", extra_courses=()) -> Cohort:
        cohort = Cohort(name=name, join_code=secrets.token_hex(8), starts_on=starts_on or date(2026, 1, 5),
                        created_at=NOW - timedelta(weeks=9))
        db.session.add(cohort)
        db.session.flush()
        for c in ([course] if course else []) + list(extra_courses):
            db.session.add(CohortCourse(cohort_id=cohort.id, course_id=c.id, due_on=due_on if c is course else None))
        if facilitator is not None:
            db.session.add(CohortMember(cohort_id=cohort.id, user_id=facilitator.id, role="facilitator"))
        db.session.commit()
        for _ in range(learners):
            self.learner(cohort)
        return cohort

    def learner(self, cohort, user=None, *, joined_at=None, **fields):
        user = user or self.make.user(**fields)
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, role="learner",
                                    joined_at=joined_at or NOW - timedelta(weeks=8)))
        db.session.commit()
        return user

    def lesson(self, user, lesson, *, at=NOW - timedelta(days=1), completed=True):
        db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=lesson.course_id,
                                      first_viewed_at=at, last_viewed_at=at,
                                      completed_at=at + timedelta(minutes=5) if completed else None))
        db.session.commit()

    def module_lessons(self, user, module, *, at=NOW - timedelta(days=1)):
        from lms.catalog.models import Lesson

        for lesson in db.session.scalars(db.select(Lesson).where(Lesson.module_id == module.id)):
            self.lesson(user, lesson, at=at)

    def attempt(self, user, quiz, marks, *, number=None, at=NOW - timedelta(days=1), state=FINISHED,
                responses=None) -> QuizAttempt:
        """marks: {question: mark} (the questions the attempt drew, in order); responses optional."""
        if number is None:
            number = 1 + (db.session.scalar(db.select(db.func.count()).select_from(QuizAttempt).where(
                QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id)) or 0)
        questions = list(marks)
        points = sum(marks.values())
        score = 100.0 * points / len(questions) if questions else 0.0
        finished = state == FINISHED
        attempt = QuizAttempt(user_id=user.id, quiz_id=quiz.id, course_id=quiz.course_id, number=number,
                              state=state, started_at=at - timedelta(minutes=10),
                              finished_at=at if finished else None, question_ids=[q.id for q in questions],
                              points=points if finished else None, max_points=len(questions) if finished else None,
                              score=score if finished else None,
                              passed=score >= quiz.settings.get("pass_mark", 70) if finished else None)
        db.session.add(attempt)
        db.session.flush()
        for q in questions:
            given = (responses or {}).get(q)
            if given is None:
                given = TYPES[q.type].correct_response(q.data) if marks[q] >= 1 else {}
            db.session.add(QuestionResponse(attempt_id=attempt.id, question_id=q.id, response=given,
                                            mark=marks[q] if finished else None))
        db.session.commit()
        return attempt

    def complete(self, user, course, cohort, *, at=NOW - timedelta(days=1)):
        db.session.add(Enrollment(user_id=user.id, course_id=course.id, cohort_id=cohort.id, source="cohort",
                                  completed_at=at))
        db.session.commit()


@pytest.fixture
def dash(make):
    return Dash(make)


@pytest.fixture
def frozen():
    """Freeze the clock at NOW (a Monday, 12:00 UTC)."""
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yield NOW
