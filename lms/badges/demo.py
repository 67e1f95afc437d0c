"""Demo badges: learner@example.org holds one valid and one revoked badge. Idempotent."""
from sqlalchemy import select

from lms.badges import queries, services
from lms.catalog.models import Course
from lms.core.db import utcnow
from lms.extensions import db

LEARNER = "learner@example.org"
ADMIN = "admin@example.org"
DEMO_REASON = "Demonstration badge for the demo learner account."
REVOCATION_REASON = "Issued in error during the demonstration; the learner had not taken the final assessment."


def seed(users_by_email: dict) -> None:
    learner, admin = users_by_email.get(LEARNER), users_by_email.get(ADMIN)
    courses = list(db.session.scalars(select(Course).where(Course.archived.is_(False))
                                      .order_by(Course.position, Course.id)))
    if learner is None or len(courses) < 2:
        return
    rows = queries.awards_for_user(learner.id)
    held = {row.badge_class.course_id: row.award for row in rows}
    now = utcnow()
    if not any(award.status() == "valid" for award in held.values()):
        course = next(c for c in courses if c.id not in held) if len(held) < len(courses) else None
        if course is not None:
            award = services.award_manually(admin, learner, course, reason=DEMO_REASON, now=now)
            held[course.id] = award
    if not any(award.status() == "revoked" for award in held.values()):
        spare = [c for c in courses if c.id not in held]
        if spare:
            award = services.award_manually(admin, learner, spare[0], reason=DEMO_REASON, now=now)
            services.revoke_badge(admin, award, reason=REVOCATION_REASON, now=now)
    db.session.flush()
