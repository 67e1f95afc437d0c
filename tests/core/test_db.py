"""The database layer: SQLite connection policy and migrations equal to the models."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lms import create_app
from lms.extensions import db


@pytest.fixture
def sqlite_app(tmp_path):
    """The embedded default, whatever TEST_DATABASE_URL says."""
    sqlite = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'policy.db'}", "TESTING": True})
    with sqlite.app_context():
        yield sqlite
        db.engine.dispose()


def test_sqlite_pragmas_on_every_connection(sqlite_app):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_sqlite_write_transactions_begin_immediate(sqlite_app):
    app = sqlite_app
    seen = []
    from sqlalchemy import event

    def spy(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        with app.test_request_context("/", method="POST"), db.engine.begin() as conn:
            conn.execute(text("SELECT 1"))
        with app.test_request_context("/", method="GET"), db.engine.begin() as conn:
            conn.execute(text("SELECT 1"))
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE", "BEGIN"]


def _fresh_url(tmp_path) -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or make_url(base).get_backend_name() != "postgresql":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    url = make_url(base)
    name = f"{url.database}_migrations_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def test_migrations_produce_exactly_the_models_schema(tmp_path):
    migrated = create_app({"SQLALCHEMY_DATABASE_URI": _fresh_url(tmp_path), "TESTING": True})
    with migrated.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], diff
