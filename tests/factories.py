"""Test data builders. Each flushes so ids exist; tests commit when a request must see it."""
import itertools

from werkzeug.security import generate_password_hash

from lms.auth.models import User
from lms.extensions import db

PASSWORD = "correct horse battery staple"
# Hashing is deliberately slow; tests share one cheap hash of the same password.
_FAST_HASH = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
_seq = itertools.count(1)


def user(role: str = "learner", email: str | None = None, name: str | None = None, **fields) -> User:
    n = next(_seq)
    obj = User(email=email or f"user{n}@example.org", name=name or f"User {n}", role=role,
               password_hash=_FAST_HASH, **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


def fresh(obj):
    """Re-read obj from the database, ending the test's own read snapshot first."""
    db.session.rollback()
    db.session.refresh(obj)
    return obj
