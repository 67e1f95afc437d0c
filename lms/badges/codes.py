"""Short verification codes a person can type from paper.

Ten symbols of Crockford's base 32 (no I, L, O or U), shown in two groups of five:
``7KQ2M-X9D4R``. Reading is forgiving: case, spaces and hyphens are ignored, and the letters
that Crockford reads as digits (O → 0, I and L → 1) are accepted.
"""
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_VALID = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str | None) -> str | None:
    """The stored form of a typed code, or None when it cannot be a code at all."""
    if not text:
        return None
    compact = re.sub(r"[\s\-]", "", text).upper().translate(_READ_AS)
    return compact if _VALID.match(compact) else None


def display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"
