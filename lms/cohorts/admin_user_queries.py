"""Reads for the admin's user page: the account, its enrolments with progress, its cohorts.
A fixed number of queries whatever the person's history."""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from lms.auth.models import User
from lms.catalog.models import Course
from lms.cohorts.models import Cohort, CohortInvitation, CohortMember, Organisation
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.learning.queries import course_states


@dataclass
class UserPage:
    user: User
    organisation: Organisation | None
    enrolments: list = field(default_factory=list)    # [(Enrollment, CourseState, cohort name or None)]
    cohorts: list = field(default_factory=list)       # [(CohortMember, Cohort)]
    invitations: list = field(default_factory=list)   # [(CohortInvitation, Cohort)], not answered


def user_page(user_id: int) -> UserPage | None:
    row = db.session.execute(select(User, Organisation)
                             .outerjoin(Organisation, Organisation.id == User.organisation_id)
                             .where(User.id == user_id)).first()
    if row is None:
        return None
    user = row[0]
    enrolled = db.session.execute(
        select(Enrollment, Course, Cohort.name).join(Course, Course.id == Enrollment.course_id)
        .outerjoin(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.user_id == user.id).order_by(Enrollment.enrolled_at.desc(), Enrollment.id)).all()
    states = course_states(user, [r.Course for r in enrolled], {r.Course.id: r.Enrollment for r in enrolled})
    page = UserPage(user=user, organisation=row[1],
                    enrolments=[(r.Enrollment, states[r.Course.id], r.name) for r in enrolled])
    page.cohorts = list(db.session.execute(
        select(CohortMember, Cohort).join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.user_id == user.id)
        .order_by(CohortMember.removed_at.is_not(None), CohortMember.joined_at.desc())).tuples())
    page.invitations = list(db.session.execute(
        select(CohortInvitation, Cohort).join(Cohort, Cohort.id == CohortInvitation.cohort_id)
        .where(CohortInvitation.user_id == user.id, CohortInvitation.response.is_(None))
        .order_by(CohortInvitation.invited_at.desc())).tuples())
    return page


def facilitated_cohorts(user_id: int) -> int:
    """How many cohorts the person facilitates now (membership, whatever their role)."""
    return db.session.scalar(select(func.count()).select_from(CohortMember).where(
        CohortMember.user_id == user_id, CohortMember.role == "facilitator",
        CohortMember.removed_at.is_(None))) or 0
