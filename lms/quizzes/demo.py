"""Demo quiz activity: learner@example.org failed, then passed, the first module quiz of
UPR essentials. Made through the services, so it looks exactly like real attempts."""
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from lms.catalog.models import Course, Module, Quiz
from lms.core.db import utcnow
from lms.extensions import db
from lms.quizzes import queries, services
from lms.quizzes.models import FINISHED, QuizAttempt
from lms.quizzes.types import TYPES

COURSE = "upr-essentials"
LEARNER = "learner@example.org"


def answer_fields(question, response: dict) -> list[tuple[str, str]]:
    """The form fields that give `response` to `question` (what a browser would post)."""
    name = f"q{question.id}"
    if question.type in ("single", "truefalse"):
        return [(name, response["choice"])] if response.get("choice") else []
    if question.type == "multiple":
        return [(name, choice) for choice in response.get("choices") or []]
    if question.type == "matching":
        return [(f"{name}-{left}", right) for left, right in (response.get("pairs") or {}).items()]
    if question.type == "ordering":
        return [(f"{name}-{item}", str(n)) for n, item in enumerate(response.get("order") or [], start=1)]
    return [(name, response.get("text", ""))]


def take(user, quiz, *, right: bool, now) -> QuizAttempt:
    """Start and submit an attempt, every answer right or every question left blank."""
    attempt = services.start_attempt(user, quiz, now=now)
    fields = []
    if right:
        for question in queries.questions_by_id(attempt.question_ids).values():
            fields += answer_fields(question, TYPES[question.type].correct_response(question.data))
    services.submit_attempt(attempt, sequence=attempt.sequence, submit_key=f"demo-{attempt.id}-{user.id:08d}",
                            form=MultiDict(fields), now=now + timedelta(minutes=6))
    return attempt


def seed(users_by_email: dict) -> None:
    learner = users_by_email.get(LEARNER)
    quiz = db.session.scalar(
        select(Quiz).join(Course, Course.id == Quiz.course_id).join(Module, Module.id == Quiz.module_id)
        .where(Course.slug == COURSE, Quiz.archived.is_(False), Module.archived.is_(False))
        .order_by(Module.position).limit(1))
    if learner is None or quiz is None:
        return
    done = db.session.scalar(select(QuizAttempt.id).where(
        QuizAttempt.user_id == learner.id, QuizAttempt.quiz_id == quiz.id, QuizAttempt.state == FINISHED))
    if done:
        return
    now = utcnow()
    try:
        take(learner, quiz, right=False, now=now - timedelta(days=2))
        take(learner, quiz, right=True, now=now - timedelta(days=1))
    except services.QuizError:  # the course's rules leave no room for two attempts
        return
    db.session.flush()
