"""Badge reads. Each function runs one query whatever the number of awards."""
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, or_, select

from lms.auth.models import User
from lms.badges.codes import normalise
from lms.badges.models import BadgeAward, BadgeClass
from lms.catalog.models import Course
from lms.extensions import db


class AwardRow(NamedTuple):
    award: BadgeAward
    badge_class: BadgeClass
    user: User


def _award_rows():
    return (select(BadgeAward, BadgeClass, User)
            .join(BadgeClass, BadgeClass.id == BadgeAward.badge_class_id)
            .join(User, User.id == BadgeAward.user_id))


def award_by_uuid(uuid: str) -> AwardRow | None:
    row = db.session.execute(_award_rows().where(BadgeAward.uuid == uuid)).first()
    return AwardRow(*row) if row else None


def award_by_code(code: str) -> AwardRow | None:
    row = db.session.execute(_award_rows().where(BadgeAward.short_code == code)).first()
    return AwardRow(*row) if row else None


def awards_for_user(user_id: int) -> list[AwardRow]:
    rows = db.session.execute(_award_rows().where(BadgeAward.user_id == user_id)
                              .order_by(BadgeAward.issued_on.desc(), BadgeAward.id.desc()))
    return [AwardRow(*row) for row in rows]


STATUSES = ("valid", "revoked")
AWARDS_PER_PAGE = 50


@dataclass
class AwardPage:
    rows: list[AwardRow]
    total: int
    page: int
    pages: int


def _matching(query, search: str | None, status: str | None = None):
    """Awards whose learner (name or e-mail), course (badge name, title or slug) or code matches."""
    if search and search.strip():
        needle = search.strip().lower()
        code = normalise(search)
        query = query.join(Course, Course.id == BadgeClass.course_id).where(or_(
            func.lower(User.email).contains(needle, autoescape=True),
            func.lower(User.name).contains(needle, autoescape=True),
            func.lower(BadgeClass.name).contains(needle, autoescape=True),
            func.lower(Course.title).contains(needle, autoescape=True),
            BadgeClass.slug.contains(needle, autoescape=True),
            BadgeAward.short_code == (code or needle.upper())))
    if status == "revoked":
        query = query.where(BadgeAward.revoked_at.is_not(None))
    elif status == "valid":
        query = query.where(BadgeAward.revoked_at.is_(None))
    return query


def recent_awards(search: str | None = None, limit: int = 100) -> list[AwardRow]:
    """Newest awards first, optionally those whose learner, e-mail, badge or code matches."""
    rows = db.session.execute(_matching(_award_rows(), search)
                              .order_by(BadgeAward.issued_on.desc(), BadgeAward.id.desc()).limit(limit))
    return [AwardRow(*row) for row in rows]


def awards_page(*, search: str = "", status: str = "", page: int = 1, per_page: int | None = None) -> AwardPage:
    """One page of awards, newest first, with their badge and learner. Two queries."""
    per_page = per_page or AWARDS_PER_PAGE
    query = _matching(_award_rows(), search, status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    rows = db.session.execute(query.order_by(BadgeAward.issued_on.desc(), BadgeAward.id.desc())
                              .limit(per_page).offset((page - 1) * per_page))
    return AwardPage(rows=[AwardRow(*row) for row in rows], total=total, page=page, pages=pages)


def course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def awardable_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).where(Course.archived.is_(False))
                                   .order_by(Course.position, Course.title)))
