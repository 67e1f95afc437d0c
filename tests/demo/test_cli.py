"""`flask demo seed`: the demo accounts with DEMO_PASSWORD, printed, and every feature's demo."""
from sqlalchemy import func, select

from lms.auth.models import User
from lms.auth.passwords import verify_password
from lms.badges.models import BadgeAward
from lms.cohorts.models import Cohort
from lms.extensions import db
from lms.learning.models import LessonProgress
from lms.quizzes.models import QuizAttempt


def _counts():
    db.session.rollback()
    return [db.session.scalar(select(func.count()).select_from(model))
            for model in (User, LessonProgress, QuizAttempt, BadgeAward, Cohort)]


def test_seed_prints_the_logins_and_is_idempotent(app, runner):
    app.config["DEMO_PASSWORD"] = "a demo password for tests"
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "a demo password for tests" in first.output
    for email in ("admin@example.org", "facilitator@example.org", "learner@example.org"):
        assert email in first.output
    roles = dict(db.session.execute(select(User.email, User.role)).all())
    assert roles["admin@example.org"] == "admin" and roles["facilitator@example.org"] == "facilitator"
    learner = db.session.scalar(select(User).where(User.email == "learner@example.org"))
    assert verify_password(learner.password_hash, "a demo password for tests")
    before = _counts()
    assert all(before), before  # accounts, progress, attempts, badges and a cohort all exist
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert _counts() == before
