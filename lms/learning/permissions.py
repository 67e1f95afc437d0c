"""Who may enrol in, read and leave which course. Pure predicates, plus one query for
facilitators previewing a course assigned to a cohort they run."""
from sqlalchemy import exists, select

from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.extensions import db


def is_active(enrollment) -> bool:
    """Enrolled and not left."""
    return enrollment is not None and enrollment.left_at is None


def can_self_enrol(user, course) -> bool:
    """Open courses take anyone; cohort-only courses come through a cohort that assigns them."""
    return bool(getattr(user, "is_authenticated", False)) and course.enrolment == "open" and not course.archived


def can_leave(enrollment) -> bool:
    """Learners may leave what they chose; a cohort's assignment is the facilitator's to change."""
    return is_active(enrollment) and enrollment.source == "self"


def records_progress(enrollment) -> bool:
    return is_active(enrollment)


def can_preview(user, course) -> bool:
    """Read lessons without enrolling: admins, and facilitators of a cohort assigned the course."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    if user.role != "facilitator":
        return False
    return db.session.scalar(select(exists().where(
        CohortMember.user_id == user.id, CohortMember.role == "facilitator", CohortMember.removed_at.is_(None),
        CohortCourse.cohort_id == CohortMember.cohort_id, CohortCourse.course_id == course.id,
        Cohort.id == CohortMember.cohort_id, Cohort.status != "archived"))) or False


def can_read_lessons(user, course, enrollment) -> bool:
    return is_active(enrollment) or can_preview(user, course)
