"""Demo data for the catalogue: the shipped courses, imported when the database has none."""
from flask import current_app
from sqlalchemy import func, select

from lms.catalog import importer, loader, validate
from lms.catalog.models import Course
from lms.extensions import db


def seed(users_by_email: dict) -> None:
    if db.session.scalar(select(func.count()).select_from(Course)):
        return
    tree = loader.load(current_app.config["COURSES_DIR"])
    problems = validate.check(tree)
    if problems:
        listed = "\n".join(str(p) for p in problems[:20])
        raise RuntimeError(f"the courses in {tree.display} have problems; run `flask courses check`:\n{listed}")
    importer.sync(tree)
