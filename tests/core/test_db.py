"""The database layer: SQLite connection policy and migrations equal to the models."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from lms import create_app
from lms.extensions import db
from tests.databases import fresh_database_url


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
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return fresh_database_url(tmp_path / "migrated.db", f"migrations_{worker}")


def test_migrations_produce_exactly_the_models_schema(tmp_path):
    migrated = create_app({"SQLALCHEMY_DATABASE_URI": _fresh_url(tmp_path), "TESTING": True})
    with migrated.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], diff
