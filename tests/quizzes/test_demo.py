"""Demo quiz activity: learner@example.org failed, then passed, the first module quiz."""
from sqlalchemy import select

from lms.auth.models import User
from lms.catalog.models import Module, Quiz
from lms.extensions import db
from lms.quizzes import demo
from lms.quizzes.models import FINISHED, QuestionResponse, QuizAttempt


def attempts():
    db.session.rollback()
    return list(db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.number)))


def test_seed_gives_the_learner_a_failed_then_a_passed_attempt(make):
    course = make.course(slug="upr-essentials", modules=2, questions=6)
    learner = make.user(email="learner@example.org")
    demo.seed({"learner@example.org": learner})
    db.session.commit()
    demo.seed({"learner@example.org": learner})
    db.session.commit()
    found = attempts()
    assert [(a.state, a.passed, a.score) for a in found] == [(FINISHED, False, 0.0), (FINISHED, True, 100.0)]
    first_quiz = db.session.scalar(select(Quiz.id).join(Module, Module.id == Quiz.module_id)
                                   .where(Quiz.course_id == course.id, Module.position == 0))
    assert {a.quiz_id for a in found} == {first_quiz}
    assert all(a.user_id == learner.id and a.course_id == course.id for a in found)
    assert found[0].finished_at < found[1].started_at
    assert len(db.session.scalars(select(QuestionResponse)).all()) == 12


def test_seed_skips_without_the_course(make):
    learner = make.user(email="learner@example.org")
    demo.seed({"learner@example.org": learner})
    assert attempts() == []


def test_demo_seed_command_is_idempotent(make, runner):
    make.course(slug="upr-essentials", modules=2, questions=6)
    for _ in range(2):
        result = runner.invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
    db.session.rollback()
    passed = db.session.scalars(select(QuizAttempt.passed).join(User, User.id == QuizAttempt.user_id)
                                .where(User.email == "learner@example.org")).all()
    assert sorted(passed) == [False, True]
