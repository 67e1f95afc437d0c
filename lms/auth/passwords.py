"""Password policy and hashing.

A password is refused when it is too short or too long, on the list of common passwords, or
guessable by zxcvbn's estimate (score below 3), counting the person's name, e-mail address and
the site's name as words an attacker would try first. The reasons shown are our own translated
sentences, chosen from the patterns zxcvbn found; its English feedback is never shown.
"""
import re
import threading
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_SCORE = 3
# zxcvbn's cost grows quickly with length; its authors bound it at 72 characters, and a
# password whose first 72 characters are strong is strong.
SCORED_LENGTH = 72
SITE_WORDS = ("upr", "academy", "upracademy")
_LIST = Path(__file__).with_name("common_passwords.txt")
# zxcvbn keeps the user inputs of a call in a module-level table: one call at a time.
_ZXCVBN_LOCK = threading.Lock()


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
    if lowered in common_passwords():
        return _weak([_("It is on the list of passwords that attackers try first.")], common=True)
    if len(set(lowered)) < 4:
        return _weak([_("It repeats the same characters or words.")])
    if email and lowered in {email.lower(), email.lower().split("@")[0]}:
        return _("Do not use your e-mail address as your password.")
    if name and lowered.replace(" ", "") == name.lower().replace(" ", ""):
        return _("Do not use your name as your password.")
    inputs = personal_words(email=email, name=name)
    reasons = _guessable(password, inputs)
    return _weak(reasons) if reasons else None


def personal_words(*, email: str = "", name: str = "") -> list[str]:
    """The words zxcvbn should treat as known to an attacker: the name and its parts, the
    e-mail address and its parts (not the top-level domain), the site's name."""
    local, _at, domain = email.partition("@")
    parts = re.split(r"[\s._+-]+", f"{name} {local} {domain.rpartition('.')[0]}")
    words = [name, email, local, *parts, *SITE_WORDS]
    return list(dict.fromkeys(w.strip().lower() for w in words if w and w.strip()))


def _zxcvbn(password: str, inputs: list[str] | None = None) -> dict:
    from zxcvbn import zxcvbn

    with _ZXCVBN_LOCK:
        return zxcvbn(password, user_inputs=inputs or [])


def _guessable(password: str, inputs: list[str]) -> list[str]:
    """Our reasons the password is weak (empty when it is strong enough)."""
    scored = password[:SCORED_LENGTH]
    result = _zxcvbn(scored, inputs)
    if result["score"] < MIN_SCORE:
        return _reasons(result["sequence"]) or [_("It is too simple to resist guessing for long.")]
    # zxcvbn credits "nadiarahman2024" for its length; without the person's own words what
    # is left ("2024") must be strong on its own.
    rest = scored
    for word in sorted((w for w in inputs if len(w) >= 3), key=len, reverse=True):
        rest = re.sub(re.escape(word), "", rest, flags=re.IGNORECASE)
    if rest != scored and (not rest.strip() or _zxcvbn(rest)["score"] < MIN_SCORE):
        return [_("It is built from your name, your e-mail address or the name of this site.")]
    return []


def _reasons(sequence: list[dict]) -> list[str]:
    found = []
    for match in sequence:
        reason = _reason(match)
        if reason and reason not in found:
            found.append(reason)
    return found[:2]


def _reason(match: dict) -> str | None:
    pattern = match.get("pattern")
    if pattern == "dictionary":
        if match.get("dictionary_name") == "user_inputs":
            return _("It contains your name, your e-mail address or the name of this site.")
        if match.get("l33t"):
            return _("Swapping letters for look-alike digits or symbols (such as 0 for o) does not "
                     "fool anyone: attackers try that first.")
        if match.get("reversed"):
            return _("It is a common word or password spelled backwards.")
        if match.get("dictionary_name") == "passwords":
            return _("It is based on a commonly used password.")
        return _("It is made of a few common words or names.")
    return {
        "spatial": _("It follows a pattern of neighbouring keys, such as “qwerty”."),
        "repeat": _("It repeats the same characters or words."),
        "sequence": _("It contains a sequence such as “abc” or “1234”."),
        "date": _("It contains a date or a year."),
        "regex": _("It contains a date or a year."),
    }.get(pattern)


def _weak(reasons: list[str], *, common: bool = False) -> str:
    headline = _("This password is too common.") if common else _("This password would be easy to guess.")
    advice = _("Try a passphrase instead: four or more unrelated words, picked at random, "
               "for example from a book.")
    return " ".join([headline, *reasons, advice])


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(stored: str | None, password: str) -> bool:
    return bool(stored) and check_password_hash(stored, password)
