"""Password policy (length only, plus a list of common passwords) and hashing."""
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 128
_LIST = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(line.strip().lower() for line in _LIST.read_text().splitlines() if line.strip())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """A user-facing reason the password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 4:
        return _("This password is too common. Choose another one.")
    if email and lowered in {email.lower(), email.lower().split("@")[0]}:
        return _("Do not use your e-mail address as your password.")
    if name and lowered.replace(" ", "") == name.lower().replace(" ", ""):
        return _("Do not use your name as your password.")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(stored: str | None, password: str) -> bool:
    return bool(stored) and check_password_hash(stored, password)
