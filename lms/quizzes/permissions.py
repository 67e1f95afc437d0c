"""Who may do what with quizzes and attempts."""
from lms.learning.queries import quiz_lock_reason


def start_refusal(user, quiz) -> str | None:
    """Why `user` may not start `quiz` now (not enrolled, module locked), or None.
    Enrolment and gating belong to the learner experience; we only ask it."""
    return quiz_lock_reason(user, quiz)


