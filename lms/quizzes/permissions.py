"""Who may do what with quizzes and attempts."""
from flask_babel import gettext as _
from sqlalchemy import select

from lms.extensions import db
from lms.learning.models import Enrollment
from lms.learning.queries import quiz_lock_reason
from lms.quizzes.models import FINISHED, QuizAttempt


def start_refusal(user, quiz) -> str | None:
    """Why `user` may not start `quiz` now (not enrolled, module locked, course already complete),
    or None. Enrolment and gating belong to the learner experience; we only ask it."""
    reason = quiz_lock_reason(user, quiz)
    if reason or (quiz.settings or {}).get("retake_after_completion"):
        return reason
    if course_complete(user, quiz.course_id) and _has_finished(user, quiz):
        return _("You have completed this course, so your result at this quiz stands. "
                 "Practise the questions to revise them.") if quiz.kind == "module" else \
            _("You have completed this course, so your result at this quiz stands.")
    return None


def course_complete(user, course_id: int) -> bool:
    return db.session.scalar(select(Enrollment.completed_at).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course_id)) is not None


def _has_finished(user, quiz) -> bool:
    return db.session.scalar(select(QuizAttempt.id).where(
        QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id, QuizAttempt.state == FINISHED).limit(1)) \
        is not None
