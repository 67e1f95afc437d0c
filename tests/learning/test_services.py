"""Enrolment, views, completion, gating and the completion rule, through the services."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.catalog.models import Lesson
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning import services
from lms.learning.models import Enrollment, LessonProgress
from tests.learning import helpers as h


def test_enrol_is_idempotent_and_self_sourced(make):
    user, course = make.user(), make.course()
    first = services.enrol(user, course, now=utcnow())
    again = services.enrol(user, course, now=utcnow() + timedelta(hours=1))
    db.session.commit()
    assert first.id == again.id
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1
    assert again.source == "self" and again.cohort_id is None and again.left_at is None


def test_leave_keeps_history_and_reenrolling_clears_left_at(make):
    user, course = make.user(), make.course()
    now = utcnow()
    services.enrol(user, course, now=now)
    lesson = h.lessons(course)[0]
    services.complete_lesson(user, lesson, now=now)
    db.session.commit()

    services.leave(user, course, now=now + timedelta(days=1))
    db.session.commit()
    left = h.enrollment_of(user, course)
    assert left.left_at is not None
    assert [p.completed_at is not None for p in h.progress_rows(user)] == [True]

    services.enrol(user, course, now=now + timedelta(days=2))
    db.session.commit()
    back = h.enrollment_of(user, course)
    assert back.id == left.id and back.left_at is None
    assert back.enrolled_at == now  # the original enrolment date is kept
    assert len(h.progress_rows(user)) == 1


def test_enrol_through_a_cohort_records_it(make):
    from lms.cohorts.models import Cohort

    user, course = make.user(), make.course(enrolment="cohort")
    cohort = Cohort(name="Ministry 2026", join_code="code-1")
    db.session.add(cohort)
    db.session.flush()
    enrollment = services.enrol(user, course, now=utcnow(), cohort=cohort)
    db.session.commit()
    assert (enrollment.source, enrollment.cohort_id) == ("cohort", cohort.id)


def test_record_view_counts_views_and_time_on_task_with_a_cap(make):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    first, second = h.lessons(course)
    services.enrol(user, course, now=utcnow())
    t0 = utcnow()
    row = services.record_view(user, first, now=t0)
    assert (row.views, row.seconds) == (1, 0)
    row = services.record_view(user, first, now=t0 + timedelta(minutes=4))       # same lesson, 4 min later
    assert (row.views, row.seconds) == (2, 240)
    row = services.record_view(user, first, now=t0 + timedelta(minutes=24))      # 20 min gap: capped at 10
    assert row.seconds == 240 + 600
    row = services.record_view(user, first, now=t0 + timedelta(minutes=60))      # 36 min gap: a new session
    assert row.seconds == 840 and row.views == 4
    services.record_view(user, second, now=t0 + timedelta(minutes=61))          # a detour elsewhere...
    row = services.record_view(user, first, now=t0 + timedelta(minutes=63))      # ...so no credit here
    assert row.seconds == 840 and row.views == 5
    db.session.commit()
    assert db.session.scalar(select(func.count(LessonProgress.id))) == 2


def test_completing_after_reading_credits_the_reading_time(make):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    lesson = h.lessons(course)[0]
    services.enrol(user, course, now=utcnow())
    t0 = utcnow()
    services.record_view(user, lesson, now=t0)
    row = services.complete_lesson(user, lesson, now=t0 + timedelta(minutes=6))
    assert row.seconds == 360 and row.completed_at == t0 + timedelta(minutes=6)


def test_complete_twice_keeps_one_row_and_the_first_time(make):
    user, course = make.user(), make.course()
    lesson = h.lessons(course)[0]
    services.enrol(user, course, now=utcnow())
    t0 = utcnow()
    services.complete_lesson(user, lesson, now=t0)
    services.complete_lesson(user, lesson, now=t0 + timedelta(minutes=3))
    db.session.commit()
    rows = h.progress_rows(user, lesson)
    assert len(rows) == 1 and rows[0].completed_at == t0


def test_complete_requires_enrolment(make):
    user, course = make.user(), make.course()
    with pytest.raises(services.NotEnrolled):
        services.complete_lesson(user, h.lessons(course)[0], now=utcnow())
    services.enrol(user, course, now=utcnow())
    services.leave(user, course, now=utcnow())
    with pytest.raises(services.NotEnrolled):
        services.complete_lesson(user, h.lessons(course)[0], now=utcnow())
    assert h.progress_rows(user) == []


def test_sequential_gating_names_what_unlocks_the_next_module(make):
    user, course = make.user(), make.course(modules=2, lessons=2)
    services.enrol(user, course, now=utcnow())
    db.session.commit()
    module2 = h.lessons(course, 1)[0]
    with pytest.raises(services.Locked) as locked:
        services.complete_lesson(user, module2, now=utcnow())
    assert locked.value.reason == "Finish Module 1 and pass its quiz to unlock"

    for lesson in h.lessons(course, 0):
        services.complete_lesson(user, lesson, now=utcnow())
    db.session.commit()
    with pytest.raises(services.Locked) as locked:
        services.complete_lesson(user, module2, now=utcnow())
    assert locked.value.reason == "Pass the Module 1 quiz to unlock"

    h.finish_attempt(user, h.module_quiz(course, 0), 50)       # failed: still locked
    with pytest.raises(services.Locked):
        services.complete_lesson(user, module2, now=utcnow())
    h.finish_attempt(user, h.module_quiz(course, 0), 90)       # passed: open
    services.complete_lesson(user, module2, now=utcnow())
    db.session.commit()
    assert h.progress_rows(user, module2)[0].completed_at is not None


def test_lessons_inside_an_open_module_are_free(make):
    user, course = make.user(), make.course(modules=1, lessons=3)
    services.enrol(user, course, now=utcnow())
    last = h.lessons(course)[-1]
    services.complete_lesson(user, last, now=utcnow())     # out of order, same module: fine
    db.session.commit()
    assert h.progress_rows(user, last)[0].completed_at is not None


def test_free_navigation_locks_nothing(make):
    user, course = make.user(), make.course(modules=3, lessons=1, navigation="free")
    services.enrol(user, course, now=utcnow())
    services.complete_lesson(user, h.lessons(course, 2)[0], now=utcnow())
    db.session.commit()
    assert len(h.progress_rows(user)) == 1


def test_completion_fires_once_when_the_final_is_passed(app, make, completions):
    from lms.core.signals import quiz_submitted

    user, course = make.user(), make.course(modules=2, lessons=1)
    services.enrol(user, course, now=utcnow())
    db.session.commit()
    h.finish_module(user, course, 0)
    h.finish_module(user, course, 1)
    assert services.check_completion(user, course, now=utcnow()) is False   # final not passed yet
    attempt = h.finish_attempt(user, h.final_quiz(course), 80)
    quiz_submitted.send(app, attempt=attempt)       # what the quiz engine does
    db.session.commit()
    assert [c[:2] for c in completions] == [(user.id, course.id)]
    assert h.enrollment_of(user, course).completed_at == attempt.finished_at
    assert services.check_completion(user, course, now=utcnow()) is False
    quiz_submitted.send(app, attempt=attempt)
    assert len(completions) == 1


def test_completion_rule_counts_quizzes(make, completions):
    user, course = make.user(), make.course(modules=1, lessons=1, final=False)
    services.enrol(user, course, now=utcnow())
    services.complete_lesson(user, h.lessons(course)[0], now=utcnow())
    db.session.commit()
    assert completions == []                                 # module quiz not passed
    h.finish_attempt(user, h.module_quiz(course, 0), 100)
    assert services.check_completion(user, course, now=utcnow()) is True
    assert len(completions) == 1


def test_completing_the_last_lesson_completes_a_course_without_quizzes(make, completions):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    services.enrol(user, course, now=utcnow())
    first, last = h.lessons(course)
    services.complete_lesson(user, first, now=utcnow())
    assert completions == []
    services.complete_lesson(user, last, now=utcnow())
    services.complete_lesson(user, last, now=utcnow())
    db.session.commit()
    assert len(completions) == 1 and h.enrollment_of(user, course).completed_at is not None


def test_a_learner_who_left_is_not_completed(make, completions):
    user, course = make.user(), make.course(modules=1, lessons=1, questions=0, final=False)
    services.enrol(user, course, now=utcnow())
    h.complete(user, *h.lessons(course))
    services.leave(user, course, now=utcnow())
    assert services.check_completion(user, course, now=utcnow()) is False
    assert completions == []


def _add_lesson(course, module_position=0, slug="added-lesson") -> Lesson:
    module = h.lessons(course, module_position)[0].module_id
    lesson = Lesson(course_id=course.id, module_id=module, slug=slug, position=99, title="Added", minutes=7,
                    body_html="<p>New.</p>")
    db.session.add(lesson)
    db.session.commit()
    return lesson


def test_a_completed_course_stays_completed_after_a_lesson_is_added(make, completions):
    from lms.learning.queries import course_state

    done, midway = make.user(), make.user()
    course = make.course(modules=1, lessons=2, questions=0, final=False)
    for user in (done, midway):
        services.enrol(user, course, now=utcnow())
    services.complete_lesson(done, h.lessons(course)[0], now=utcnow())
    services.complete_lesson(done, h.lessons(course)[1], now=utcnow())
    services.complete_lesson(midway, h.lessons(course)[0], now=utcnow())
    db.session.commit()
    assert course_state(midway, course).percent == 50

    _add_lesson(course)                                       # a re-sync adds a lesson
    finished = course_state(done, course)
    assert finished.completed_at is not None and finished.percent == 66
    assert course_state(midway, course).percent == 33
    services.check_completion(done, course, now=utcnow())
    assert len(completions) == 1


def test_archived_lessons_leave_the_syllabus_but_keep_their_progress(make):
    from lms.learning.queries import course_state

    user, course = make.user(), make.course(modules=1, lessons=3, questions=0, final=False)
    services.enrol(user, course, now=utcnow())
    first, second, _third = h.lessons(course)
    services.complete_lesson(user, first, now=utcnow())
    services.complete_lesson(user, second, now=utcnow())
    db.session.commit()
    assert course_state(user, course).percent == 66
    second.archived = True
    db.session.commit()
    state = course_state(user, course)
    assert [item.slug for item in state.lessons] == [first.slug, _third.slug]
    assert state.percent == 50
    assert len(h.progress_rows(user)) == 2
    with pytest.raises(services.Locked):
        services.complete_lesson(user, second, now=utcnow())


def test_uncomplete_clears_completion_and_keeps_views_and_time(make, completions):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    first, second = h.lessons(course)
    services.enrol(user, course, now=utcnow())
    t0 = utcnow()
    services.record_view(user, first, now=t0)
    services.complete_lesson(user, first, now=t0 + timedelta(minutes=4))
    services.complete_lesson(user, second, now=t0 + timedelta(minutes=5))
    assert len(completions) == 1
    row = services.uncomplete_lesson(user, first, now=t0 + timedelta(minutes=6))
    assert row.completed_at is None and (row.views, row.seconds) == (1, 240)
    assert row.last_viewed_at == t0 + timedelta(minutes=6)
    assert services.uncomplete_lesson(user, first, now=t0 + timedelta(minutes=7)).completed_at is None
    db.session.commit()
    enrollment = h.enrollment_of(user, course)
    assert enrollment.completed_at == t0 + timedelta(minutes=5)            # the course stays completed
    services.complete_lesson(user, first, now=t0 + timedelta(minutes=8))
    services.complete_lesson(user, second, now=t0 + timedelta(minutes=8))
    assert len(completions) == 1                                          # and is not completed twice


def test_uncomplete_of_a_never_opened_lesson_writes_nothing(make):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    services.enrol(user, course, now=utcnow())
    assert services.uncomplete_lesson(user, h.lessons(course)[0], now=utcnow()) is None
    db.session.commit()
    assert h.progress_rows(user) == []


def test_uncomplete_requires_enrolment_and_a_live_unlocked_lesson(make):
    user, course = make.user(), make.course(modules=2, lessons=1)
    first, locked = h.lessons(course)
    with pytest.raises(services.NotEnrolled):
        services.uncomplete_lesson(user, first, now=utcnow())
    services.enrol(user, course, now=utcnow())
    with pytest.raises(services.Locked, match="Finish Module 1 and pass its quiz to unlock"):
        services.uncomplete_lesson(user, locked, now=utcnow())
    services.complete_lesson(user, first, now=utcnow())
    first.archived = True
    db.session.commit()
    with pytest.raises(services.Locked, match="no longer part of the course"):
        services.uncomplete_lesson(user, first, now=utcnow())
    services.leave(user, course, now=utcnow())
    with pytest.raises(services.NotEnrolled):
        services.uncomplete_lesson(user, first, now=utcnow())


def test_items_already_opened_stay_open_when_an_earlier_lesson_is_undone(make):
    from lms.learning.queries import course_state

    user, course = make.user(), make.course(modules=3, lessons=2)
    services.enrol(user, course, now=utcnow())
    h.finish_module(user, course, 0)
    h.finish_module(user, course, 1)
    opened = h.lessons(course, 2)[0]
    services.record_view(user, opened, now=utcnow())
    services.uncomplete_lesson(user, h.lessons(course, 1)[0], now=utcnow())
    db.session.commit()
    state = course_state(user, course)
    assert [i.state for i in state.modules[1].items] == ["in_progress", "done", "done"]
    assert state.modules[2].reason == "Finish the lessons of Module 2 to unlock"
    assert [i.state for i in state.modules[2].items] == ["in_progress", "locked", "locked"]
    assert state.modules[2].items[1].reason == "Finish the lessons of Module 2 to unlock"
    assert state.final.locked
    assert state.next_item.slug == "lesson-2-1"                                      # Continue goes back there
