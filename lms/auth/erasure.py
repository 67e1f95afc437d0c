"""Deleting one's own account.

The user row stays, anonymised, so that the person's attempts, responses and progress keep
counting in their cohorts' statistics; nothing left in the database says who they were.
"""
import json
import re
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import JSON, String, Text, cast, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from lms.auth import services, throttle
from lms.auth.models import User
from lms.auth.passwords import verify_password
from lms.core import audit
from lms.extensions import db

DELETED_NAME = "Deleted account"
REVOCATION_REASON = "Account deleted"
# Written only by `courses sync` from the files in courses/: a coincidence with a person's name
# there is course text, not a copy of their data, and the next sync would put it back anyway.
CONTENT_TABLES = {"course", "module", "lesson", "quiz", "question", "glossary_term", "badge_class"}


def deleted_email(user: User) -> str:
    return f"deleted-{user.id}@invalid"


def confirms(user: User, typed: str) -> bool:
    """The deletion form is confirmed by the account's e-mail address or its password."""
    typed = (typed or "").strip()
    return services.normalise_email(typed) == user.email or verify_password(user.password_hash, typed)


def is_last_admin(user: User) -> bool:
    if not user.is_admin:
        return False
    others = db.session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.deleted_at.is_(None), User.id != user.id))
    return others == 0


def delete_account(user: User, *, now: datetime, actor: User | None = None) -> None:
    """Anonymise the account and every copy of its name and address; AccountError if refused.
    `actor`: an administrator doing it for the person (the audit event names them)."""
    if user.deleted_at is not None:
        raise services.AccountError(_("This account has already been deleted."))
    if is_last_admin(user):
        raise services.AccountError(_("You are the only administrator. Make another account an "
                                      "administrator before you delete yours."))
    name, email = user.name, user.email
    _revoke_badges(user, now=now)
    throttle.clear_failures(email)
    user.name, user.email = DELETED_NAME, deleted_email(user)
    user.password_hash = user.organisation_text = user.timezone = None
    user.active = False
    user.deleted_at = now
    services.end_sessions(user)
    db.session.flush()
    scrub_copies(name, email, replacement_name=DELETED_NAME, replacement_email=user.email)
    audit.record(actor or user, "user.deleted", user)
    db.session.flush()


def _revoke_badges(user: User, *, now: datetime) -> None:
    """Revoked through the badges service, so the verify page says so; the recipient hash is
    remade from the anonymous address, so the old one can no longer be matched to them."""
    from lms.badges.models import BadgeAward
    from lms.badges.openbadges import recipient_identity
    from lms.badges.services import revoke_badge

    for award in db.session.scalars(select(BadgeAward).where(BadgeAward.user_id == user.id)):
        if award.revoked_at is None:
            revoke_badge(user, award, reason=REVOCATION_REASON, now=now)
        award.show_name = False
        award.recipient_hash = recipient_identity(deleted_email(user), award.salt)


def scrub_copies(name: str, email: str, *, replacement_name: str, replacement_email: str) -> int:
    """Replace the name (as a whole word, any case) and the address in every text and JSON
    column outside the user table and the course content. Returns the number of rows changed.

    The database finds the candidate rows (a LIKE per column); Python does the replacing, so
    JSON values are walked rather than edited as text."""
    # Whole addresses only: deleting ana@example.org leaves diana@example.org alone.
    swaps = [(re.compile(rf"(?<![\w.+-]){re.escape(email)}(?![\w-]|\.\w)", re.IGNORECASE), replacement_email)]
    if name.strip():
        swaps.append((re.compile(rf"(?<!\w){re.escape(name.strip())}(?!\w)", re.IGNORECASE), replacement_name))
    originals = {email, name.strip()} - {""}
    # JSON is stored with non-ASCII characters escaped ("\u00c9"), and SQLite's lower() folds
    # only ASCII letters: look for every spelling the database may compare.
    needles = {spelling for n in originals
               for spelling in (n.lower(), _ascii_lower(n), json.dumps(n)[1:-1].lower())}
    changed = 0
    for table in db.metadata.sorted_tables:
        if table.name in CONTENT_TABLES or table.name == User.__tablename__:
            continue
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if columns:
            changed += _scrub_table(table, columns, needles, swaps)
    return changed


def _scrub_table(table, columns, needles, swaps) -> int:
    key = list(table.primary_key.columns)[0]
    found = []
    for column in columns:
        text = func.lower(cast(column, Text))
        found.append(or_(*(text.contains(n, autoescape=True) for n in needles)))
    changed = 0
    for row in db.session.execute(select(key, *columns).where(or_(*found))).all():
        values = {}
        for column, value in zip(columns, row[1:], strict=True):
            new = _replace(value, swaps)
            if new != value:
                values[column.name] = new
        if values:
            _update_row(table, key, row[0], values)
            changed += 1
    return changed


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def _update_row(table, key, ident, values: dict) -> None:
    try:
        with db.session.begin_nested():
            db.session.execute(update(table).where(key == ident).values(**values))
    except IntegrityError:
        # A unique name (an organisation named after the person) that now equals another row's.
        values = {k: f"{v} ({ident})" if isinstance(v, str) else v for k, v in values.items()}
        db.session.execute(update(table).where(key == ident).values(**values))


def _replace(value, swaps):
    if isinstance(value, str):
        for pattern, replacement in swaps:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [_replace(item, swaps) for item in value]
    if isinstance(value, dict):
        return {_replace(k, swaps): _replace(v, swaps) for k, v in value.items()}
    return value
