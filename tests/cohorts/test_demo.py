"""The demo cohort: facilitator@example.org runs it; learner@example.org is in it."""
from datetime import timedelta

from sqlalchemy import func, select

from lms.cohorts import demo
from lms.cohorts.models import Cohort, CohortCourse, CohortMember, Organisation
from lms.cohorts.permissions import facilitates
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning.models import Enrollment
from tests.cohorts.conftest import active_learner_ids


def test_demo_seed_builds_the_cohort_once(make):
    users = {email: make.user(role="learner", email=email) for email in demo.LEARNERS}
    users["facilitator@example.org"] = make.user(role="facilitator", email="facilitator@example.org")
    course = make.course("upr-essentials")
    for _ in range(2):
        demo.seed(users)
        db.session.commit()
    cohort = db.session.scalar(select(Cohort))
    assert cohort.name == demo.COHORT
    assert facilitates(users["facilitator@example.org"], cohort)
    assert active_learner_ids(cohort.id) == {users[email].id for email in demo.LEARNERS}
    organisation = db.session.scalar(select(Organisation))
    assert (organisation.name, organisation.kind, organisation.country) == (demo.ORGANISATION, "sur_ministry", "KE")
    link = db.session.scalar(select(CohortCourse))
    assert link.course_id == course.id
    assert link.due_on == (utcnow() + timedelta(days=30)).date()
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == len(demo.LEARNERS)
    for model in (Cohort, Organisation, CohortCourse):
        assert db.session.scalar(select(func.count()).select_from(model)) == 1
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == len(demo.LEARNERS) + 1


def test_demo_seed_without_the_course_or_facilitator(make):
    demo.seed({})
    assert db.session.scalar(select(Cohort)) is None
    demo.seed({"facilitator@example.org": make.user(role="facilitator", email="facilitator@example.org")})
    db.session.commit()
    assert db.session.scalar(select(Cohort.name)) == demo.COHORT
