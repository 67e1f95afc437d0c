"""Reads for the admin pages. One query per figure, whatever the platform size."""
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from lms.auth.models import User
from lms.catalog.models import Course
from lms.cohorts.models import Organisation
from lms.extensions import db
from lms.learning.models import Enrollment

USERS_PER_PAGE = 50


def learners_by_country():
    """[(country code or None, learners)], most learners first."""
    return db.session.execute(
        select(Organisation.country, func.count(User.id).label("n"))
        .select_from(User).outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == "learner").group_by(Organisation.country)
        .order_by(func.count(User.id).desc(), Organisation.country)).all()


def learners_by_kind():
    """[(organisation kind or None, learners)], most learners first."""
    return db.session.execute(
        select(Organisation.kind, func.count(User.id).label("n"))
        .select_from(User).outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == "learner").group_by(Organisation.kind)
        .order_by(func.count(User.id).desc(), Organisation.kind)).all()


def completions_per_course():
    """[(Course, enrolled, completed)] for every course, in catalogue order."""
    return db.session.execute(
        select(Course, func.count(Enrollment.id).label("enrolled"),
               func.count(Enrollment.completed_at).label("completed"))
        .outerjoin(Enrollment, Enrollment.course_id == Course.id)
        .group_by(Course.id).order_by(Course.archived, Course.position, Course.title)).all()


def totals() -> dict:
    row = db.session.execute(select(
        func.count(User.id).filter(User.role == "learner"),
        func.count(User.id).filter(User.role == "facilitator"),
        func.count(User.id).filter(User.role == "admin"),
        func.count(User.id).filter(User.active.is_(False)))).one()
    return dict(zip(("learners", "facilitators", "admins", "deactivated"), row, strict=True))


def organisations_with_counts():
    """[(Organisation, members)] by name. One query."""
    members = (select(User.organisation_id, func.count().label("n"))
               .where(User.organisation_id.is_not(None)).group_by(User.organisation_id).subquery())
    return db.session.execute(
        select(Organisation, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.organisation_id == Organisation.id)
        .order_by(Organisation.name)).all()


@dataclass
class UserPage:
    rows: list
    total: int
    page: int
    pages: int


def users_page(*, search: str = "", role: str = "", page: int = 1, per_page: int = USERS_PER_PAGE) -> UserPage:
    """One page of users with their organisation name. Two queries."""
    stmt = (select(User, Organisation.name.label("organisation"))
            .outerjoin(Organisation, Organisation.id == User.organisation_id))
    if search.strip():
        needle = search.strip().lower()
        stmt = stmt.where(or_(func.lower(User.name).contains(needle, autoescape=True),
                              func.lower(User.email).contains(needle, autoescape=True)))
    if role:
        stmt = stmt.where(User.role == role)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    rows = db.session.execute(stmt.order_by(func.lower(User.name), User.id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return UserPage(rows=rows, total=total, page=page, pages=pages)
