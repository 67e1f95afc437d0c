"""Imports every feature's models so that metadata (and Alembic) sees all tables."""
from lms.auth import models as auth_models  # noqa: F401
