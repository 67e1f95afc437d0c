"""Summaries the facilitator dashboards read, so that a page costs what it shows, not the cohort.

Derived data only: every row can be recomputed from the learner records (lms.dashboards.summaries
rebuilds them), and only that module writes them. Everything in them counts activity since the
learner joined the cohort (lms.cohorts.permissions.visible_since_joining).

- CohortLearnerSummary: one row per current learner of a cohort and course assigned to it.
- CohortItemSummary: per cohort, course and funnel step (a module "m<id>", the final "f<id>"),
  how many learners reached it, completed its lessons and passed its quiz.
- CohortWeekSummary: per cohort, course and week (its Monday), the learners active that week
  and those who completed the course that week.
"""
from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db


class CohortLearnerSummary(db.Model):
    __tablename__ = "cohort_learner_summary"
    __table_args__ = (
        # The matrix sorts by name, progress or last activity and shows 50 rows: each order is an
        # index, so a page reads 50 entries whatever the cohort size.
        Index("ix_cohort_learner_summary_by_name", "cohort_id", "course_id", "sort_name", "user_id"),
        Index("ix_cohort_learner_summary_by_progress", "cohort_id", "course_id", "items_done", "sort_name",
              "user_id"),
        Index("ix_cohort_learner_summary_by_activity", "cohort_id", "course_id", "last_active"),
        Index("ix_cohort_learner_summary_by_organisation", "cohort_id", "course_id", "organisation_id"),
        Index("ix_cohort_learner_summary_learner", "user_id", "course_id"),
    )

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    joined_at: Mapped[datetime]
    # The person, as the matrix sorts and filters them: name and organisation casefolded (as the
    # pages compare them). No foreign key on organisation_id: merging or deleting organisations
    # refreshes it (summaries.people_changed) and must not count it as a reference.
    sort_name: Mapped[str] = mapped_column(String(120), default="")
    sort_org: Mapped[str] = mapped_column(String(200), default="")
    organisation_id: Mapped[int | None]
    lessons_done: Mapped[int] = mapped_column(default=0)
    lessons_seen: Mapped[int] = mapped_column(default=0)
    quizzes_passed: Mapped[int] = mapped_column(default=0)
    items_done: Mapped[int] = mapped_column(default=0)          # lessons done + quizzes passed
    failed_twice: Mapped[int] = mapped_column(default=0)        # quizzes failed twice or more, not passed
    best_sum: Mapped[float] = mapped_column(Float, default=0.0)     # sum and count of best quiz scores
    best_count: Mapped[int] = mapped_column(default=0)
    last_active: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    # What this row adds to the cohort's item and week counters, kept so that a change adds the
    # difference: {"m<id>": [reached, completed, passed], ...} and the active weeks' Mondays.
    steps: Mapped[dict] = mapped_column(JSON, default=dict)
    weeks: Mapped[list] = mapped_column(JSON, default=list)


class CohortItemSummary(db.Model):
    __tablename__ = "cohort_item_summary"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(20), primary_key=True)    # "m<module id>" or "f<final quiz id>"
    reached: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)


class CohortWeekSummary(db.Model):
    __tablename__ = "cohort_week_summary"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
    week: Mapped[date] = mapped_column(primary_key=True)         # its Monday (UTC)
    active: Mapped[int] = mapped_column(default=0)
    completions: Mapped[int] = mapped_column(default=0)
