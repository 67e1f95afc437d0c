"""Badge reads. Each function runs one query whatever the number of awards."""
from typing import NamedTuple

from sqlalchemy import or_, select

from lms.auth.models import User
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


def recent_awards(search: str | None = None, limit: int = 100) -> list[AwardRow]:
    """Newest awards first, optionally those whose learner, e-mail, badge or code matches."""
    query = _award_rows()
    if search:
        pattern = f"%{search.strip().lower()}%"
        code = search.strip().upper().replace("-", "")
        query = query.where(or_(User.email.ilike(pattern), User.name.ilike(pattern),
                                BadgeClass.name.ilike(pattern), BadgeAward.short_code == code))
    rows = db.session.execute(query.order_by(BadgeAward.issued_on.desc(), BadgeAward.id.desc()).limit(limit))
    return [AwardRow(*row) for row in rows]


def course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def awardable_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).where(Course.archived.is_(False))
                                   .order_by(Course.position, Course.title)))
