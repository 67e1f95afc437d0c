"""Open Badges 2.0: one BadgeClass per course, one award per learner and badge."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import utcnow
from lms.extensions import db


class BadgeClass(db.Model):
    __tablename__ = "badge_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str] = mapped_column(String(7), default="#1d4ed8")
    emblem: Mapped[str] = mapped_column(String(20), default="globe")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BadgeAward(db.Model):
    __tablename__ = "badge_award"
    __table_args__ = (UniqueConstraint("user_id", "badge_class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    badge_class_id: Mapped[int] = mapped_column(ForeignKey("badge_class.id"), index=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)        # assertion id
    short_code: Mapped[str] = mapped_column(String(16), unique=True)  # typed from paper on /verify
    salt: Mapped[str] = mapped_column(String(32))
    recipient_hash: Mapped[str] = mapped_column(String(80))           # sha256$ + hex(sha256(email + salt))
    issued_on: Mapped[datetime] = mapped_column(default=utcnow)
    expires_on: Mapped[datetime | None]
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)        # course, completed_at, final score
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: automatic
    award_reason: Mapped[str | None] = mapped_column(Text)
    show_name: Mapped[bool] = mapped_column(default=False)            # recipient's name on the verify page
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    def status(self, now: datetime | None = None) -> str:
        """"revoked", "expired" or "valid"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_on is not None and self.expires_on <= (now or utcnow()):
            return "expired"
        return "valid"
