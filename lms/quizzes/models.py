"""Quiz attempts and responses: the raw material of grading and item analysis."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import utcnow
from lms.extensions import db

IN_PROGRESS = "in_progress"
FINISHED = "finished"


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempt"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        # At most one open attempt per learner and quiz, enforced by the database.
        Index("uq_quiz_attempt_open", "user_id", "quiz_id", unique=True,
              sqlite_where=text("state = 'in_progress'"), postgresql_where=text("state = 'in_progress'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)  # denormalised for dashboards
    number: Mapped[int] = mapped_column(default=1)                    # 1st, 2nd, ... attempt
    state: Mapped[str] = mapped_column(String(12), default=IN_PROGRESS)  # in_progress | finished
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None]                                 # server-side time limit
    finished_at: Mapped[datetime | None]
    seed: Mapped[int] = mapped_column(default=0)                      # shuffling is reproducible per attempt
    question_ids: Mapped[list] = mapped_column(JSON, default=list)    # drawn questions, in display order
    option_orders: Mapped[dict] = mapped_column(JSON, default=dict)   # {question_id: [option ids in display order]}
    sequence: Mapped[int] = mapped_column(default=0)                  # bumped on every save; stale saves refused
    points: Mapped[float | None]                                      # sum of question marks
    max_points: Mapped[float | None]
    score: Mapped[float | None]                                       # percent, 0..100
    passed: Mapped[bool | None]
    submit_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # idempotency key of the submit
    # The language the questions were shown in: item analysis compares questions across languages.
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")


class QuestionResponse(db.Model):
    __tablename__ = "question_response"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    response: Mapped[dict] = mapped_column(JSON, default=dict)        # shape per type, lms/quizzes/types.py
    mark: Mapped[float | None]                                        # fraction 0..1, set when graded
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuizOverride(db.Model):
    """One learner's exception to a quiz's settings, as Moodle's user overrides: attempts and
    minutes on top of the quiz's own. Granted by a facilitator through a cohort."""

    __tablename__ = "quiz_override"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id"), index=True)
    extra_attempts: Mapped[int] = mapped_column(default=0)
    extra_minutes: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
