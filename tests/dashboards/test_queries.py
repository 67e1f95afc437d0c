"""Per-learner progress, at-risk statuses and the headline, checked against what learners did."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.badges.models import BadgeAward, BadgeClass
from lms.catalog.models import Lesson, Module, Question, Quiz
from lms.cohorts.models import CohortMember
from lms.dashboards import queries, risks
from lms.extensions import db
from lms.quizzes.results import quiz_results

from .conftest import NOW


def _content(course):
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position)).all()
    quizzes = {q.module_id: q for q in db.session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    questions = {q.id: db.session.scalars(select(Question).where(Question.quiz_id == q.id)
                                          .order_by(Question.position)).all() for q in quizzes.values()}
    return modules, quizzes, questions


def _award(user, course, *, revoked=False):
    badge = db.session.scalar(select(BadgeClass).where(BadgeClass.course_id == course.id))
    if badge is None:
        badge = BadgeClass(course_id=course.id, slug=course.slug, name="Badge")
        db.session.add(badge)
        db.session.flush()
    db.session.add(BadgeAward(user_id=user.id, badge_class_id=badge.id, uuid=f"u-{user.id}", short_code=f"S{user.id}",
                              salt="s", recipient_hash="sha256$x", issued_on=NOW,
                              revoked_at=NOW if revoked else None))
    db.session.commit()


@pytest.fixture
def story(make, dash):
    """Four learners on a course of 4 lessons and 3 quizzes (7 items), due yesterday."""
    course = make.course(modules=2, lessons=2, questions=3, final_questions=4)
    modules, quizzes, questions = _content(course)
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, due_on=(NOW - timedelta(days=1)).date())
    ana, ben, cleo, dan = (dash.learner(cohort, name=n) for n in ("Ana", "Ben", "Cleo", "Dan"))
    for module in modules:
        dash.module_lessons(ana, module)
    for quiz in quizzes.values():
        dash.attempt(ana, quiz, dict.fromkeys(questions[quiz.id], 1.0))
    dash.complete(ana, course, cohort)
    _award(ana, course)
    dash.module_lessons(ben, modules[0], at=NOW - timedelta(days=30))
    first_quiz = quizzes[modules[0].id]
    for _ in range(2):
        dash.attempt(ben, first_quiz, dict.fromkeys(questions[first_quiz.id], 0.0), at=NOW - timedelta(days=20))
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.id))
    dash.lesson(dan, lesson, at=NOW - timedelta(days=2), completed=False)
    _award(dan, course, revoked=True)
    gone = dash.learner(cohort, name="Gone")
    dash.lesson(gone, lesson)
    db.session.execute(db.update(CohortMember).where(CohortMember.user_id == gone.id).values(removed_at=NOW))
    db.session.commit()
    return course, cohort, facilitator


def test_progress_last_activity_and_risks_per_learner(story):
    course, cohort, _ = story
    ctx = queries.context(cohort, None)
    learners = {x.name: x for x in queries.learner_rows(cohort, ctx.structure)}
    risks.mark_risks(learners.values(), due_on=ctx.due_on, now=NOW, cohort=cohort)
    assert set(learners) == {"Ana", "Ben", "Cleo", "Dan"}     # not the removed one, not the facilitator
    assert learners["Ana"].progress == pytest.approx(100.0)
    assert learners["Ben"].progress == pytest.approx(100 * 2 / 7)
    assert learners["Ben"].last_active == NOW - timedelta(days=20)
    assert learners["Cleo"].last_active is None and learners["Dan"].progress == 0
    assert (learners["Ana"].status, learners["Ana"].risks) == ("done", [])
    assert learners["Ben"].risks == ["failed_twice", "stuck", "overdue"]
    assert learners["Cleo"].risks == ["not_started", "overdue"]
    assert (learners["Dan"].status, learners["Dan"].risks) == ("overdue", ["overdue"])


def test_headline_numbers(story):
    course, cohort, _ = story
    ctx = queries.context(cohort, None)
    learners = queries.learner_rows(cohort, ctx.structure)
    headline = risks.headline(cohort, ctx.structure, learners, due_on=ctx.due_on, now=NOW)
    assert headline == risks.Headline(
        learners=4, active=2, not_started=1, completed=1, average_progress=pytest.approx((100 + 100 * 2 / 7) / 4),
        average_best_score=pytest.approx(75.0), badges=1, overdue=3, just_joined=0, attention=3)


def test_inactive_days_is_a_setting(story):
    course, cohort, _ = story
    ctx = queries.context(cohort, None)
    learners = {x.name: x for x in queries.learner_rows(cohort, ctx.structure)}
    assert "stuck" not in risks.risk_reasons(learners["Ben"], due_on=None, now=NOW, inactive_days=30)
    assert "stuck" in risks.risk_reasons(learners["Dan"], due_on=None, now=NOW, inactive_days=1)


@pytest.mark.parametrize("grading", ["highest", "last", "first", "average"])
def test_quiz_rollups_agree_with_quiz_results(make, dash, grading):
    course = make.course(modules=1, lessons=1, questions=0, final=False)
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    quiz = make.quiz(course, module, questions=4, types=["truefalse"], grading=grading, pass_mark=60)
    q = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)).all()
    cohort = dash.cohort(course)
    patterns = [[0.0, 1.0, 0.5], [1.0, 0.0], [0.25, 0.5, 0.75], [0.5]]   # fraction of questions right, per attempt
    users = []
    for pattern in patterns:
        user = dash.learner(cohort)
        users.append(user)
        for share in pattern:
            right = round(share * len(q))
            dash.attempt(user, quiz, {question: 1.0 if k < right else 0.0 for k, question in enumerate(q)})
    dash.attempt(users[3], quiz, dict.fromkeys(q, 1.0), state="in_progress")
    structure = queries.structures([course])[course.id]
    rollups = queries.quiz_rollups(cohort.id, structure)
    expected = quiz_results([u.id for u in users], [quiz.id])
    assert set(rollups) == set(expected)
    for key, result in expected.items():
        got = rollups[key]
        assert (got.score, got.passed, got.attempts, got.failed_attempts) == pytest.approx(
            (result.score, result.passed, result.attempts, result.failed_attempts)), key
    assert rollups[(users[3].id, quiz.id)].open


def test_a_course_the_cohort_does_not_have_gives_no_context(story, make):
    course, cohort, _ = story
    assert queries.context(cohort, make.course().id) is None
    assert queries.context(cohort, course.id).course.id == course.id
