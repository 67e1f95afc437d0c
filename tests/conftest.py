"""Shared fixtures. The suite runs on SQLite by default and on any database given in
TEST_DATABASE_URL (PostgreSQL in CI). Tables are created once per worker and emptied
after every test, which keeps the suite fast on both engines."""
import os
import re
import threading
from contextlib import contextmanager

import pytest
from flask import g
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event, text

from lms import create_app
from lms.extensions import db
from tests import factories
from tests.databases import fresh_database_url

PASSWORD = factories.PASSWORD


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _database_url(tmp_path_factory) -> str:
    # One database per xdist worker, created on the fly, so workers never collide.
    worker = re.sub(r"[^a-z0-9]", "", _worker())
    return fresh_database_url(tmp_path_factory.mktemp("db") / "test.db", worker)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return _database_url(tmp_path_factory)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: a fresh `g`, a fresh
    database session. The test's own context (and session) stays apart."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "MAIL_SERVER": None,
        "REDIS_URL": None,
        "BASE_URL": "http://localhost",
        "MAIL_DIR": str(tmp_path_factory.mktemp("mail")),
        "SERVER_NAME": None,
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _empty_tables():
    db.session.rollback()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def app(_app):
    saved = dict(_app.config)
    with _app.app_context():
        yield _app
        db.session.remove()
        _empty_tables()
    _app.config.clear()
    _app.config.update(saved)


@pytest.fixture
def csrf_app(app):
    """The app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


class Runner(FlaskCliRunner):
    """Commands run inside the test's app context; a writing command must not leave that
    context marked as a write transaction (its later reads would hold SQLite's write lock)."""

    def invoke(self, *args, **kwargs):
        try:
            return super().invoke(*args, **kwargs)
        finally:
            g.pop("write_transaction", None)


@pytest.fixture
def runner(app):
    return Runner(app)


@pytest.fixture
def make(app):
    """The factory module, bound to the test database."""
    return factories


@pytest.fixture
def login(client):
    """login(user) logs the test client in through the real login form."""

    def _login(user, password=PASSWORD, c=None):
        c = c or client
        email = user.email
        factories.end_read_snapshot()  # do not hold a read snapshot open while the request writes
        response = c.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return c

    return _login


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the number of SQL statements."""

    class Counter:
        def __init__(self):
            self.statements: list[str] = []

        @property
        def count(self):
            return len(self.statements)

    @contextmanager
    def _count():
        counter = Counter()

        def before(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
                counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return _count


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on localhost; messages that arrive are in .messages."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class Handler:
        """`.messages` first runs the mail worker once, as `flask mail work` would, so a test
        reads what the outbox delivers; `.received` is what arrived, without delivering."""

        def __init__(self):
            self.received = []

        @property
        def messages(self):
            from lms.core.outbox import deliver_due

            # The SMTP server's own thread looks its handler's attributes over: only the test
            # (or the live server's threads) run the worker.
            if threading.get_ident() != controller_thread[0]:
                with app.app_context():
                    deliver_due()
            return self.received

        async def handle_DATA(self, server, session, envelope):
            self.received.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller_thread = [None]
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    controller_thread[0] = controller._thread.ident
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield handler
    finally:
        controller.stop()
