"""Organisations, cohorts, membership and assigned courses."""
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import utcnow
from lms.extensions import db

ORGANISATION_KINDS = ("sur_ministry", "nhri", "cso", "rs_mission", "un_agency", "other")
COHORT_STATUSES = ("planned", "active", "archived")


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="other")
    country: Mapped[str | None] = mapped_column(String(2))            # ISO 3166-1 alpha-2
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Cohort(db.Model):
    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    capacity: Mapped[int | None]                                       # None: no limit
    join_code: Mapped[str] = mapped_column(String(32), unique=True)
    join_enabled: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Days after joining before a learner who has not begun counts as "not started".
    grace_days: Mapped[int] = mapped_column(default=7, server_default="7")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CohortMember(db.Model):
    __tablename__ = "cohort_member"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[str] = mapped_column(String(12), default="learner")  # learner | facilitator
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]                               # removed learners keep their history


class CohortInvitation(db.Model):
    """A person a facilitator listed (CSV) who has not joined yet. Nobody becomes a member, and
    no facilitator sees anything of them but this row, until they accept; a new account accepts
    by choosing its password."""

    __tablename__ = "cohort_invitation"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))           # as the facilitator wrote it, not the account's
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]                          # the latest invitation mail
    responded_at: Mapped[datetime | None]
    response: Mapped[str | None] = mapped_column(String(10))  # None (pending) | accepted | declined


class CohortCourse(db.Model):
    __tablename__ = "cohort_course"
    __table_args__ = (UniqueConstraint("cohort_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    due_on: Mapped[date | None]


class Reminder(db.Model):
    __tablename__ = "reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(200), default="")


class CohortMessage(db.Model):
    """A message a facilitator sent to the whole cohort or to the learners a filter selected."""

    __tablename__ = "cohort_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="en")       # of subject and body
    translations: Mapped[dict] = mapped_column(JSON, default=dict)       # {"fr": {"subject": .., "body": ..}}
    audience: Mapped[dict] = mapped_column(JSON, default=dict)           # the filter that chose the recipients
    recipient_count: Mapped[int] = mapped_column(default=0)
    # The compose form's one-time token: the same form posted twice sends one message.
    send_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class CohortMessageRecipient(db.Model):
    __tablename__ = "cohort_message_recipient"
    __table_args__ = (UniqueConstraint("message_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("cohort_message.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    language: Mapped[str] = mapped_column(String(5), default="en")       # the version this person was sent
