"""Badge test helpers: a learner who holds a course badge."""
from datetime import UTC, datetime

import pytest

from lms.badges import services
from lms.extensions import db

ISSUED = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def small_course(make):
    def _course(**fields):
        return make.course(modules=1, lessons=1, questions=2, final_questions=3, **fields)
    return _course


@pytest.fixture
def award_for(make, small_course):
    """award_for(user=None, course=None, now=ISSUED) -> BadgeAward, committed."""

    def _award(user=None, course=None, now=ISSUED, **user_fields):
        db.session.rollback()   # end the test's read snapshot: requests may have written since
        user = user or make.user(**user_fields)
        course = course or small_course()
        award, created = services.award_badge(user, course, now=now)
        assert created
        db.session.commit()
        return award

    return _award


def revoke(award, reason="Awarded by mistake", now=None):
    services.revoke_badge(None, award, reason=reason, now=now or datetime(2025, 6, 2, 12, 0, tzinfo=UTC))
    db.session.commit()
    return award
