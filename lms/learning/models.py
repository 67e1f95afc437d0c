"""Per-learner records. Written only by services; one row per (user, thing), by constraint."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import utcnow
from lms.extensions import db


class Enrollment(db.Model):
    __tablename__ = "enrollment"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id"), index=True)
    source: Mapped[str] = mapped_column(String(10), default="self")   # self | cohort
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]                             # set once, never cleared by content edits
    left_at: Mapped[datetime | None]                                  # learner left; history kept
    last_activity_at: Mapped[datetime | None]


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)  # denormalised for dashboards
    first_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    views: Mapped[int] = mapped_column(default=1)
    seconds: Mapped[int] = mapped_column(default=0)                   # time on task, estimated (see services)
    completion_key: Mapped[str | None] = mapped_column(String(64))    # the last completion's idempotency key
