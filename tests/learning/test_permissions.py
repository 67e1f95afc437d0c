"""Who may enrol, read, preview and leave."""
from flask_login import AnonymousUserMixin

from lms.catalog.permissions import can_view_course
from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning import permissions
from tests.learning import helpers as h


def _cohort(course, facilitator, code="c1", status="active"):
    cohort = Cohort(name=f"Cohort {code}", join_code=code, status=status)
    db.session.add(cohort)
    db.session.flush()
    db.session.add_all([CohortCourse(cohort_id=cohort.id, course_id=course.id),
                        CohortMember(cohort_id=cohort.id, user_id=facilitator.id, role="facilitator")])
    db.session.commit()
    return cohort


def test_self_enrolment_only_for_open_live_courses(make):
    user = make.user()
    assert permissions.can_self_enrol(user, make.course())
    assert not permissions.can_self_enrol(user, make.course(enrolment="cohort"))
    retired = make.course()
    retired.archived = True
    assert not permissions.can_self_enrol(user, retired)
    assert not permissions.can_self_enrol(AnonymousUserMixin(), make.course())


def test_reading_needs_an_active_enrolment(make):
    user, course = make.user(), make.course()
    assert not permissions.can_read_lessons(user, course, None)
    enrollment = h.enrol(user, course)
    assert permissions.can_read_lessons(user, course, enrollment)
    enrollment.left_at = utcnow()
    assert not permissions.can_read_lessons(user, course, enrollment)


def test_learners_leave_only_what_they_chose(make):
    user = make.user()
    own = h.enrol(user, make.course())
    assigned = h.enrol(user, make.course(enrolment="cohort"), source="cohort")
    assert permissions.can_leave(own) and not permissions.can_leave(assigned)
    own.left_at = utcnow()
    assert not permissions.can_leave(own)


def test_admins_and_the_cohorts_facilitators_may_preview(make):
    course = make.course(enrolment="cohort")
    facilitator, other, learner = make.user("facilitator"), make.user("facilitator"), make.user()
    _cohort(course, facilitator)
    _cohort(make.course(), other, code="c2")
    assert permissions.can_preview(make.user("admin"), course)
    assert permissions.can_preview(facilitator, course)
    assert not permissions.can_preview(other, course)
    assert not permissions.can_preview(learner, course)
    assert not permissions.can_preview(AnonymousUserMixin(), course)


def test_an_archived_cohort_no_longer_grants_a_preview(make):
    course, facilitator = make.course(enrolment="cohort"), make.user("facilitator")
    _cohort(course, facilitator, status="archived")
    assert not permissions.can_preview(facilitator, course)


def test_retired_courses_stay_visible_to_their_learners_only(make):
    course, learner, stranger = make.course(), make.user(), make.user()
    enrollment = h.enrol(learner, course)
    course.archived = True
    db.session.commit()
    assert can_view_course(learner, course, enrollment)
    assert not can_view_course(stranger, course, None)
    assert not can_view_course(AnonymousUserMixin(), course, None)
