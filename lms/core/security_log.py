"""The security log: one JSON object per line on the "lms.security" logger, for the events an
operator investigates (logins, throttling, refusals, CSRF failures, role changes, deactivations,
badge awards and revocations).

Every line has `at` (ISO UTC), `event`, `user_id`, `ip`, `route` (the endpoint), `method` and
`outcome`, plus safe details of the event (a target user id, roles, a badge uuid). Values of keys
that name a secret (password, token, cookie, session, ...) are never written, whoever passes them.

`record()` writes at once; `after_commit()` waits for the database transaction to commit, so a
role change that was rolled back is not reported as done. SECURITY_LOG names a file that gets the
lines alone (they also go to the application log).
"""
import json
import logging
import re
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

log = logging.getLogger("lms.security")
log.setLevel(logging.INFO)

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(r"passw|passwd|secret|token|csrf|cookie|session|authori[sz]ation|api_?key|salt",
                         re.IGNORECASE)
_PENDING = "lms.security_pending"


def scrub(value):
    """`value` with the value of every secret-sounding key replaced, at any depth."""
    if isinstance(value, dict):
        return {str(k): REDACTED if _SECRET_KEY.search(str(k)) else scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [scrub(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class JsonLineFormatter(logging.Formatter):
    """A security record as its JSON line; any other record as a JSON line with its message."""

    def format(self, record: logging.LogRecord) -> str:
        data = getattr(record, "security", None)
        if data is None:
            data = {"at": _iso(datetime.fromtimestamp(record.created, UTC)), "event": "log",
                    "level": record.levelname, "message": record.getMessage()}
        return json.dumps(scrub(data), ensure_ascii=False, sort_keys=False)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _user_id(user) -> int | None:
    if user is None and has_request_context():
        from flask_login import current_user

        user = current_user if current_user and current_user.is_authenticated else None
    return getattr(user, "id", None)


def build(event: str, outcome: str, *, user=None, **details) -> dict:
    """The fields of one line. `user` is whoever acted (default: the logged-in user, if any)."""
    data = {"at": _iso(datetime.now(UTC)), "event": event, "user_id": _user_id(user),
            "ip": None, "route": None, "method": None, "outcome": outcome}
    if has_request_context():
        data.update(ip=request.remote_addr, route=request.endpoint, method=request.method)
    data.update(details)
    return scrub(data)


def _write(data: dict) -> None:
    log.info(json.dumps(data, ensure_ascii=False), extra={"security": data})


def record(event: str, outcome: str, *, user=None, **details) -> None:
    """Write one line now."""
    _write(build(event, outcome, user=user, **details))


def after_commit(session, event: str, outcome: str, *, user=None, **details) -> None:
    """Write one line when `session`'s transaction commits; forget it if it rolls back."""
    session.info.setdefault(_PENDING, []).append(build(event, outcome, user=user, **details))


@sa_event.listens_for(Session, "after_commit")
def _flush_pending(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outer transaction may still roll back
    for data in session.info.pop(_PENDING, []):
        _write(data)


@sa_event.listens_for(Session, "after_rollback")
def _drop_pending(session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


def init_app(app) -> None:
    """With SECURITY_LOG set, append the JSON lines (and nothing else) to that file."""
    path = app.config.get("SECURITY_LOG")
    if not path or any(getattr(h, "baseFilename", None) == path for h in log.handlers):
        return
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(JsonLineFormatter())
    log.addHandler(handler)
