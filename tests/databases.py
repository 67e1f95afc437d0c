"""Throwaway databases for tests: a SQLite file, or a fresh PostgreSQL database when
TEST_DATABASE_URL points at PostgreSQL (dropped and created again on every call)."""
import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def fresh_database_url(sqlite_path, suffix: str) -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{sqlite_path}"
    url = make_url(base)
    if url.get_backend_name() != "postgresql":
        return base
    name = f"{url.database}_{suffix}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)
