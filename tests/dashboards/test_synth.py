"""`demo synth`: a realistic synthetic cohort, built with bulk inserts."""
from collections import Counter
from statistics import mean

from sqlalchemy import func, select

from lms.auth.models import User
from lms.badges.models import BadgeAward
from lms.catalog.models import Question
from lms.cohorts.models import Cohort, CohortMember, Organisation
from lms.dashboards.items import analyse_quiz
from lms.dashboards.queries import structures
from lms.dashboards.synth import build_cohort, largest_course, synth
from lms.extensions import db
from lms.learning.models import Enrollment, LessonProgress
from lms.quizzes.models import FINISHED, QuestionResponse, QuizAttempt
from lms.quizzes.types import grade


def _count(query):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def test_the_command_adds_a_cohort_facilitated_by_the_demo_facilitator(runner, make):
    make.course(modules=2, lessons=2, questions=4)
    big = make.course(modules=3, lessons=3, questions=4)
    result = runner.invoke(synth, ["--learners", "40", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert f"on {big.slug}: 40 learners" in result.output
    cohort = db.session.scalar(select(Cohort))
    facilitator = db.session.scalar(select(User).where(User.email == "facilitator@example.org"))
    assert facilitator.role == "facilitator" and facilitator.password_hash
    members = db.session.execute(select(CohortMember.role, func.count()).where(CohortMember.cohort_id == cohort.id)
                                 .group_by(CohortMember.role)).all()
    assert dict(members) == {"learner": 40, "facilitator": 1}
    again = runner.invoke(synth, ["--learners", "5", "--course", big.slug])
    assert again.exit_code == 0 and _count(select(Cohort)) == 2      # a new cohort on every run
    assert _count(select(User).where(User.email == "facilitator@example.org")) == 1


def test_bad_course_choices_are_refused(runner, make):
    empty = runner.invoke(synth, ["--learners", "5"])
    assert empty.exit_code != 0 and "courses sync" in empty.output
    make.course()
    unknown = runner.invoke(synth, ["--learners", "5", "--course", "no-such-course"])
    assert unknown.exit_code != 0 and "no-such-course" in unknown.output
    assert runner.invoke(synth, ["--learners", "0"]).exit_code != 0
    assert _count(select(Cohort)) == 0


def test_the_data_is_consistent_and_plausible(make):
    course = make.course(modules=3, lessons=3, questions=6, final_questions=10)
    facilitator = make.user(role="facilitator")
    result = build_cohort(course, learners=400, facilitator=facilitator, seed=11)
    db.session.commit()
    cohort_id = result.cohort.id
    learners = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id, CohortMember.role == "learner")
    # spread over organisations of several kinds and countries
    orgs = db.session.execute(select(Organisation.kind, Organisation.country).join(
        User, User.organisation_id == Organisation.id).where(User.id.in_(learners))).all()
    assert len({kind for kind, _ in orgs}) >= 5 and len({country for _, country in orgs}) >= 8
    # every answer's mark is what the grader gives it, and attempt scores add up
    rows = db.session.execute(select(QuestionResponse.response, QuestionResponse.mark, Question.type, Question.data)
                              .join(Question, Question.id == QuestionResponse.question_id).limit(500)).all()
    assert rows and all(abs(grade(t, data, response) - mark) < 1e-9 for response, mark, t, data in rows)
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.state == FINISHED).limit(1))
    marks = db.session.scalars(select(QuestionResponse.mark).where(QuestionResponse.attempt_id == attempt.id)).all()
    assert abs(100 * sum(marks) / len(attempt.question_ids) - attempt.score) < 1e-9
    # at most one open attempt per learner and quiz, numbers start at 1
    open_attempts = Counter(db.session.execute(select(QuizAttempt.user_id, QuizAttempt.quiz_id)
                                               .where(QuizAttempt.state != FINISHED)).all())
    assert all(n == 1 for n in open_attempts.values())
    assert db.session.scalar(select(func.min(QuizAttempt.number))) == 1
    # plausible rates: most start, some but not all complete, every completer has a badge
    started = _count(select(LessonProgress.user_id).distinct())
    completed = _count(select(Enrollment).where(Enrollment.completed_at.is_not(None)))
    assert 0.8 * 400 < started < 400 and 0.1 * 400 < completed < 0.8 * 400
    assert _count(select(BadgeAward)) == completed == result.badges
    # item analysis gives sensible numbers: questions discriminate, facility is neither 0 nor 1
    structure = structures([course])[course.id]
    analysis = analyse_quiz(result.cohort, next(iter(structure.quizzes.values())))
    assert analysis.attempts > 200
    facilities = [row.stats.facility for row in analysis.rows]
    discriminations = [row.stats.discrimination for row in analysis.rows if row.stats.discrimination is not None]
    assert 0.4 < mean(facilities) < 0.95 and mean(discriminations) > 0.15


def test_the_largest_course_counts_lessons_and_questions(make):
    make.course(modules=2, lessons=2, questions=2)
    big = make.course(modules=2, lessons=2, questions=8)
    assert largest_course().id == big.id
