"""Cohort fixtures: cohorts built through the services, as the pages build them."""
import pytest

from lms.cohorts import services
from lms.cohorts.models import CohortMember, Organisation
from lms.core.db import utcnow
from lms.extensions import db


@pytest.fixture
def make_cohort(make):
    """make_cohort(facilitator=None, learners=(), courses=(), **fields) -> Cohort (committed)."""

    def _make(facilitator=None, learners=(), courses=(), **fields):
        facilitator = facilitator or make.user(role="facilitator")
        fields.setdefault("name", "Cohort")
        cohort = services.create_cohort(user=facilitator, now=utcnow(), **fields)
        for course in courses:
            services.assign_course(cohort, course, user=facilitator, now=utcnow())
        services.add_learners(cohort, [learner.id for learner in learners], now=utcnow())
        db.session.commit()
        return cohort

    return _make


@pytest.fixture
def make_organisation():
    def _make(name="Ministry of Justice", kind="sur_ministry", country="KE"):
        organisation = Organisation(name=name, kind=kind, country=country)
        db.session.add(organisation)
        db.session.commit()
        return organisation

    return _make


def active_learner_ids(cohort_id):
    db.session.rollback()  # see what requests committed since
    ids = set(db.session.scalars(db.select(CohortMember.user_id).where(
        CohortMember.cohort_id == cohort_id, CohortMember.role == "learner", CohortMember.removed_at.is_(None))))
    db.session.rollback()  # and hold no read snapshot that would block the test's next write
    return ids


@pytest.fixture
def make_invited(make):
    """An account created by a CSV upload: no password yet."""

    def _make(**fields):
        user = make.user(**fields)
        user.password_hash = None
        db.session.commit()
        return user

    return _make
