from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import utcnow
from lms.extensions import db


class AuditEvent(db.Model):
    """Who did what to which object, for admin actions (awards, revocations, roles, removals)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    # The person whose data the action changed, when it is someone (the audit page filters on it).
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class OutboxMessage(db.Model):
    """An e-mail waiting to be delivered, written in the same transaction as the change that
    causes it, so a crash can never commit the change and lose the mail (or send a mail for a
    change that rolled back). `flask mail work` delivers it; `message_id` is the Message-ID
    header, the same on every retry, so a receiving server can drop a duplicate."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "state", "send_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(120), unique=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40), default="mail")     # invitation, reset, reminder, ...
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")  # the recipient's
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent | failed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    send_after: Mapped[datetime] = mapped_column(default=utcnow)       # next try (back-off)
    claimed_until: Mapped[datetime | None]                             # a worker holds it until then
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
