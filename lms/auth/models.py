from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import utcnow
from lms.extensions import db

ROLES = ("learner", "facilitator", "admin")
LOCALES = ("en", "fr", "es")


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="learner")
    locale: Mapped[str] = mapped_column(String(5), default="en")
    # IANA zone for dates shown to this user; None: the organisation's country's, else UTC.
    timezone: Mapped[str | None] = mapped_column(String(64))
    organisation_text: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # Bumped by "Log out everywhere", a password change and a role change; part of every session's
    # identity (lms/auth/sessions.py), so any cookie that carries an older epoch stops working.
    session_epoch: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    last_login_at: Mapped[datetime | None]
    # Set when the person deleted their account: the row stays, anonymised, so statistics count.
    deleted_at: Mapped[datetime | None]

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LoginCounter(db.Model):
    """Login attempts counted in a fixed window, shared by every worker through the database.

    One row per (account, client) pair, per client (account "") and per account (client "").
    Rows are updated in place with an atomic upsert, so parallel attempts never read a stale
    count; a row whose window has ended starts again at 1.
    """

    __tablename__ = "login_counter"
    __table_args__ = (UniqueConstraint("account", "client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(254))
    client: Mapped[str] = mapped_column(String(64))
    count: Mapped[int]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class RevokedSession(db.Model):
    """Sessions ended by "Log out" on one device. A copied cookie of such a session stops
    working; the row can go once the session would have expired anyway."""

    __tablename__ = "revoked_session"

    sid: Mapped[str] = mapped_column(String(32), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
