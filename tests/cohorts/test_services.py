"""Cohort services: creating, assigning courses, joining, removing and moving learners."""
from datetime import date

import pytest
from sqlalchemy import func, select

from lms.cohorts import services
from lms.cohorts.models import CohortCourse, CohortMember
from lms.core.db import utcnow
from lms.core.models import AuditEvent
from lms.extensions import db
from lms.learning.models import Enrollment
from tests.cohorts.conftest import active_learner_ids


def enrolments(user_id):
    return {e.course_id: e for e in db.session.scalars(select(Enrollment).where(Enrollment.user_id == user_id))}


def test_creator_becomes_facilitator_and_gets_a_join_code(make):
    creator = make.user(role="facilitator")
    cohort = services.create_cohort(user=creator, now=utcnow(), name="  Justice 2026  ", capacity=30)
    db.session.commit()
    member = db.session.scalar(select(CohortMember).where(CohortMember.cohort_id == cohort.id))
    assert (member.user_id, member.role) == (creator.id, "facilitator")
    assert cohort.name == "Justice 2026"
    assert len(cohort.join_code) == services.CODE_LENGTH
    assert set(cohort.join_code) <= set(services.CODE_ALPHABET)
    other = services.create_cohort(user=creator, now=utcnow(), name="Other")
    assert other.join_code != cohort.join_code


def test_codes_are_normalised_as_people_type_them():
    assert services.normalise_code(" abcd-efgh 23 ") == "ABCDEFGH23"
    assert services.normalise_code("") == ""


def test_assigning_a_course_enrols_current_learners_once(make, make_cohort):
    learners = [make.user() for _ in range(3)]
    cohort = make_cohort(learners=learners)
    course = make.course()
    due = date(2030, 1, 31)
    services.assign_course(cohort, course, user=None, now=utcnow(), due_on=due)
    services.assign_course(cohort, course, user=None, now=utcnow(), due_on=due)  # again: nothing new
    db.session.commit()
    rows = db.session.scalars(select(Enrollment).where(Enrollment.course_id == course.id)).all()
    assert sorted(r.user_id for r in rows) == sorted(u.id for u in learners)
    assert {(r.source, r.cohort_id) for r in rows} == {("cohort", cohort.id)}
    assert db.session.scalar(select(CohortCourse.due_on).where(CohortCourse.cohort_id == cohort.id)) == due


def test_an_existing_enrolment_is_kept_linked_and_reopened(make, make_cohort):
    learner, course = make.user(), make.course()
    finished = utcnow()
    own = Enrollment(user_id=learner.id, course_id=course.id, source="self", left_at=utcnow(),
                     completed_at=finished)
    db.session.add(own)
    db.session.commit()
    cohort = make_cohort(learners=[learner], courses=[course])
    row = make.fresh(own)
    # The same rule as lms.learning.services.enrol: linked to the cohort, re-opened, progress kept.
    assert (row.source, row.cohort_id, row.left_at, row.completed_at) == ("cohort", cohort.id, None, finished)
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1


def test_bulk_and_single_enrolment_agree(make, make_cohort):
    from lms.learning import services as learning

    course = make.course()
    by_link, by_upload = make.user(), make.user()
    cohort = make_cohort(courses=[course])
    services.join_cohort(by_link, cohort, now=utcnow())
    services.add_learners(cohort, [by_upload.id], now=utcnow())
    db.session.commit()
    rows = {e.user_id: e for e in db.session.scalars(select(Enrollment))}
    fields = ("course_id", "cohort_id", "source", "left_at", "completed_at")
    assert [getattr(rows[by_link.id], f) for f in fields] == [getattr(rows[by_upload.id], f) for f in fields]
    assert rows[by_upload.id].last_activity_at is not None
    assert learning.enrol(by_upload, course, now=utcnow(), cohort=cohort).id == rows[by_upload.id].id


def test_archived_course_cannot_be_assigned(make, make_cohort):
    course = make.course()
    course.archived = True
    db.session.commit()
    with pytest.raises(services.CohortError):
        services.assign_course(make_cohort(), course, user=None, now=utcnow())


def test_unassigning_keeps_enrolments(make, make_cohort):
    learner, course = make.user(), make.course()
    cohort = make_cohort(learners=[learner], courses=[course])
    services.unassign_course(cohort, course.id, user=None)
    db.session.commit()
    assert services.course_ids(cohort) == []
    assert course.id in enrolments(learner.id)
    with pytest.raises(services.CohortError) as error:
        services.unassign_course(cohort, course.id, user=None)
    assert error.value.status == 404


def test_joining_enrols_in_every_assigned_course(make, make_cohort):
    courses = [make.course(), make.course()]
    cohort = make_cohort(courses=courses)
    learner = make.user()
    member, joined = services.join_cohort(learner, cohort, now=utcnow())
    again, joined_again = services.join_cohort(learner, cohort, now=utcnow())
    db.session.commit()
    assert joined and not joined_again and member.id == again.id
    assert set(enrolments(learner.id)) == {c.id for c in courses}


@pytest.mark.parametrize("change, message", [
    ({"join_enabled": False}, "switched off"),
    ({"status": "archived"}, "archived"),
    ({"capacity": 1}, "full"),
])
def test_closed_or_full_cohorts_refuse_joining(make, make_cohort, change, message):
    cohort = make_cohort(learners=[make.user()])
    for key, value in change.items():
        setattr(cohort, key, value)
    db.session.commit()
    with pytest.raises(services.CohortError, match=message) as error:
        services.join_cohort(make.user(), cohort, now=utcnow())
    assert error.value.status == 409


def test_a_facilitator_cannot_join_their_own_cohort_as_learner(make, make_cohort):
    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator)
    with pytest.raises(services.CohortError, match="facilitate"):
        services.join_cohort(facilitator, cohort, now=utcnow())


def test_capacity_counts_only_active_learners(make, make_cohort):
    first, second = make.user(), make.user()
    cohort = make_cohort(learners=[first], capacity=1)
    services.remove_learner(cohort, first.id, user=None, now=utcnow())
    services.join_cohort(second, cohort, now=utcnow())
    db.session.commit()
    assert active_learner_ids(cohort.id) == {second.id}
    assert services.room_left(cohort) == 0


def test_removing_keeps_the_membership_row_and_enrolments(make, make_cohort):
    learner, course = make.user(), make.course()
    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator, learners=[learner], courses=[course])
    services.remove_learner(cohort, learner.id, user=facilitator, now=utcnow())
    db.session.commit()
    member = db.session.scalar(select(CohortMember).where(CohortMember.user_id == learner.id))
    assert member.removed_at is not None
    assert enrolments(learner.id)[course.id].cohort_id == cohort.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort.learner_removed"))
    assert (event.actor_id, event.target_id, event.data["user_id"]) == (facilitator.id, cohort.id, learner.id)
    with pytest.raises(services.CohortError):
        services.remove_learner(cohort, learner.id, user=facilitator, now=utcnow())


def test_a_removed_learner_can_join_again(make, make_cohort):
    learner = make.user()
    cohort = make_cohort(learners=[learner])
    services.remove_learner(cohort, learner.id, user=None, now=utcnow())
    _member, joined = services.join_cohort(learner, cohort, now=utcnow())
    db.session.commit()
    assert joined and active_learner_ids(cohort.id) == {learner.id}
    assert db.session.scalar(select(func.count()).select_from(CohortMember).where(
        CohortMember.user_id == learner.id)) == 1


def test_moving_a_learner_keeps_history_and_follows_the_courses(make, make_cohort):
    facilitator = make.user(role="facilitator")
    shared, only_source, only_target = make.course(), make.course(), make.course()
    learner = make.user()
    source = make_cohort(facilitator=facilitator, learners=[learner], courses=[shared, only_source])
    target = make_cohort(facilitator=facilitator, courses=[shared, only_target], name="Target")
    services.move_learner(source, target, learner.id, user=facilitator, now=utcnow())
    db.session.commit()
    assert active_learner_ids(source.id) == set()
    assert active_learner_ids(target.id) == {learner.id}
    rows = enrolments(learner.id)
    assert rows[shared.id].cohort_id == target.id
    assert rows[only_source.id].cohort_id == source.id   # history stays with the source cohort
    assert rows[only_target.id].cohort_id == target.id
    removed = db.session.scalar(select(CohortMember).where(
        CohortMember.cohort_id == source.id, CohortMember.user_id == learner.id))
    assert removed.removed_at is not None


def test_moving_into_a_full_or_archived_cohort_changes_nothing(make, make_cohort):
    facilitator = make.user(role="facilitator")
    learner = make.user()
    source = make_cohort(facilitator=facilitator, learners=[learner])
    full = make_cohort(facilitator=facilitator, learners=[make.user()], capacity=1, name="Full")
    archived = make_cohort(facilitator=facilitator, status="archived", name="Old")
    for target in (full, archived, source):
        with pytest.raises(services.CohortError):
            services.move_learner(source, target, learner.id, user=facilitator, now=utcnow())
        db.session.rollback()
    assert active_learner_ids(source.id) == {learner.id}


def test_facilitators_are_added_by_account_and_the_last_one_stays(make, make_cohort):
    first, second = make.user(role="facilitator"), make.user(role="facilitator")
    cohort = make_cohort(facilitator=first)
    with pytest.raises(services.CohortError, match="not a facilitator account"):
        services.add_facilitator(cohort, make.user(role="learner"), user=first, now=utcnow())
    services.add_facilitator(cohort, second, user=first, now=utcnow())
    with pytest.raises(services.CohortError, match="already"):
        services.add_facilitator(cohort, second, user=first, now=utcnow())
    services.remove_facilitator(cohort, first.id, user=first, now=utcnow())
    with pytest.raises(services.CohortError, match="at least one facilitator"):
        services.remove_facilitator(cohort, second.id, user=second, now=utcnow())
    db.session.commit()
    from lms.cohorts.permissions import facilitates
    assert not facilitates(first, cohort) and facilitates(second, cohort)


def test_join_code_rotate_disable_enable(make, make_cohort):
    cohort = make_cohort()
    old = cohort.join_code
    services.set_join_code(cohort, user=None, action="rotate")
    assert cohort.join_code != old
    services.set_join_code(cohort, user=None, action="disable")
    assert cohort.join_enabled is False
    services.set_join_code(cohort, user=None, action="enable")
    assert cohort.join_enabled is True
    with pytest.raises(services.CohortError):
        services.set_join_code(cohort, user=None, action="explode")


def test_capacity_cannot_drop_below_current_learners(make, make_cohort):
    cohort = make_cohort(learners=[make.user(), make.user()])
    with pytest.raises(services.CohortError, match="at least 2"):
        services.update_cohort(cohort, user=None, name="X", organisation_id=None, status="active",
                               starts_on=None, ends_on=None, capacity=1)
