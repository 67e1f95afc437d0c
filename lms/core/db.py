"""Declarative base, naming convention and the SQLite connection policy."""
import random
import sqlite3
import time
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import current_app, g, has_app_context, has_request_context, request
from sqlalchemy import DateTime, Engine, MetaData, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

BUSY_TIMEOUT_S = 10.0  # how long a SQLite writer waits for the write lock before failing

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both engines (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def mark_write_transaction() -> None:
    """Declare that this app context writes: on SQLite its transactions then take the write
    lock at BEGIN. POST/PUT/DELETE requests are write transactions without asking; GET
    views that write and CLI commands that write call this first."""
    g.write_transaction = True


def writes(view):
    """Mark a GET view that writes (a lesson view records progress). Known from the URL
    before any query runs, so even the login check's first query starts the transaction
    with the write lock."""
    view.writes = True
    return view


def reads_first(view):
    """Mark a POST view that does slow read-only work before it writes (checking or hashing a
    password takes ~100 ms). Its transactions begin without the write lock; it writes inside
    `with write_transaction():` only, so logins and registrations run side by side instead of
    one at a time behind SQLite's single writer."""
    view.reads_first = True
    return view


@contextmanager
def write_transaction(*, fresh: bool = True):
    """A short transaction of its own, committed at the end (rolled back on an exception), that
    takes SQLite's write lock at BEGIN. Whatever was loaded before is expired and read again
    under the lock, so checks made inside it see the latest committed state; `fresh=False`
    keeps it loaded, for writes that check nothing (recording a lesson view)."""
    from lms.extensions import db

    session = db.session
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("changes made before write_transaction() belong inside it")
    if fresh:
        session.commit()  # ends the read-only transaction; it has nothing to write
    else:
        release_connection()
    previous = g.get("write_transaction", False)
    g.write_transaction = True
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        g.write_transaction = previous


def release_connection() -> None:
    """End the read-only transaction before slow work (hashing a password), so that its pooled
    connection serves other requests meanwhile. What was loaded stays loaded; the next
    write_transaction() reads it again under the lock."""
    from lms.extensions import db

    session = db.session()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("changes made before release_connection() belong in a write_transaction()")
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def _wants_immediate() -> bool:
    if has_request_context():
        view = current_app.view_functions.get(request.endpoint or "")
        if getattr(view, "reads_first", False):
            return g.get("write_transaction", False)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return True
        if getattr(view, "writes", False):
            return True
    return has_app_context() and g.get("write_transaction", False)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # We emit BEGIN ourselves (below), so turn off the driver's own transaction handling.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    # NORMAL in WAL mode keeps every committed transaction across an application crash;
    # only a power loss can drop the last commits. A conscious choice (README, durability).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name != "sqlite":
        return
    # A read-then-write transaction under a plain BEGIN fails with "database is locked"
    # when another writer got there first; BEGIN IMMEDIATE takes the write lock up front.
    if _wants_immediate():
        _begin_immediate(connection)
    else:
        connection.exec_driver_sql("BEGIN")


def _begin_immediate(connection, wait: float = BUSY_TIMEOUT_S) -> None:
    """BEGIN IMMEDIATE, waiting for the write lock by polling every fraction of a millisecond.
    SQLite's own busy handler sleeps 1, 2, 5, 10 ... 100 ms between tries, so under a crowd a
    waiting worker sleeps long after the lock was released (writes here take ~1 ms)."""
    connection.exec_driver_sql("PRAGMA busy_timeout=0")
    try:
        deadline, pause = time.monotonic() + wait, 0.0002
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as error:
                if "locked" not in str(error.orig) or time.monotonic() > deadline:
                    raise
            time.sleep(pause * (0.5 + random.random()))  # jitter: waiters don't retry in step
            pause = min(pause * 1.5, 0.005)
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
