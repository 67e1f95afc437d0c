"""Failed-login counting per account, in a store every worker process shares.

With REDIS_URL set the counter lives in Redis (INCR with an expiry); otherwise in the
login_failure table. Never in process memory: a throttle per worker is no throttle.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from lms.auth.models import LoginFailure
from lms.core.db import utcnow
from lms.extensions import db


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("lms_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(url)
        current_app.extensions["lms_redis"] = client
    return client


def _key(email: str) -> str:
    return email.strip().lower()


def _window() -> int:
    return current_app.config["LOGIN_FAILURE_WINDOW"]


def failures(email: str, *, now=None) -> int:
    client = _redis()
    if client is not None:
        return int(client.get(f"login-failures:{_key(email)}") or 0)
    since = (now or utcnow()) - timedelta(seconds=_window())
    stmt = select(func.count()).where(LoginFailure.key == _key(email), LoginFailure.at > since)
    return db.session.scalar(stmt)


def is_throttled(email: str, *, now=None) -> bool:
    return failures(email, now=now) >= current_app.config["LOGIN_MAX_FAILURES"]


def record_failure(email: str, *, now=None) -> None:
    client = _redis()
    if client is not None:
        key = f"login-failures:{_key(email)}"
        pipe = client.pipeline()
        pipe.incr(key)
        pipe.expire(key, _window(), nx=True)
        pipe.execute()
        return
    db.session.add(LoginFailure(key=_key(email), at=now or utcnow()))


def clear_failures(email: str, *, now=None) -> None:
    client = _redis()
    if client is not None:
        client.delete(f"login-failures:{_key(email)}")
        return
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == _key(email)))
