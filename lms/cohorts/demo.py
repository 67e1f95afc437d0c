"""Demo cohort: a ministry of justice cohort run by facilitator@example.org. Idempotent."""
from datetime import timedelta

from sqlalchemy import select

from lms.catalog.models import Course
from lms.cohorts import services
from lms.cohorts.models import Cohort, CohortMember, Organisation
from lms.core.db import utcnow
from lms.extensions import db

ORGANISATION = "Ministry of Justice (demo)"
COHORT = "UPR essentials — demo cohort"
LEARNERS = ["learner@example.org", "amina@example.org", "carlos@example.org", "mei@example.org"]


def seed(users_by_email: dict) -> None:
    now = utcnow()
    facilitator = users_by_email.get("facilitator@example.org")
    if facilitator is None:
        return
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == ORGANISATION))
    if organisation is None:
        organisation = Organisation(name=ORGANISATION, kind="sur_ministry", country="KE", created_at=now)
        db.session.add(organisation)
        db.session.flush()
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == COHORT))
    if cohort is None:
        cohort = services.create_cohort(user=facilitator, now=now, name=COHORT, organisation_id=organisation.id,
                                        status="active", starts_on=now.date(), capacity=50,
                                        description="A small cohort to try the facilitator pages.")
        course = db.session.scalar(select(Course).where(Course.slug == "upr-essentials"))
        if course is not None:
            services.assign_course(cohort, course, user=facilitator, now=now,
                                   due_on=(now + timedelta(days=30)).date())
    # Only people never in the cohort: a learner removed while trying the pages stays removed.
    known = set(db.session.scalars(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)))
    learners = [users_by_email[email] for email in LEARNERS
                if email in users_by_email and users_by_email[email].id not in known]
    for learner in learners:
        if learner.organisation_id is None:
            learner.organisation_id = organisation.id
    services.add_learners(cohort, [learner.id for learner in learners], now=now)
    db.session.flush()
