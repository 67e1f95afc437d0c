"""The learner's course state: item states, gating reasons, percentages, next item, time left,
and time on task."""
from datetime import timedelta

from flask import g
from sqlalchemy import update

from lms.catalog.models import Lesson, Module
from lms.core import content_cache
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning import queries, services
from lms.learning.queries import course_state, course_states, quiz_lock_reason
from lms.quizzes.models import QuizAttempt
from tests.learning import helpers as h


def test_a_new_learner_sees_module_one_open_and_the_rest_locked_with_reasons(make):
    user, course = make.user(), make.course(modules=3, lessons=2)
    h.enrol(user, course)
    state = course_state(user, course)
    assert [m.state for m in state.modules] == ["available", "locked", "locked"]
    assert state.modules[1].reason == "Finish Module 1 and pass its quiz to unlock"
    assert state.modules[2].reason == "Finish Module 2 and pass its quiz to unlock"
    assert {i.state for i in state.modules[1].items} == {"locked"}
    assert state.final.locked and state.final.reason == "Finish every module to unlock the final assessment"
    assert (state.percent, state.total, state.done_count) == (0, 3 * 3 + 1, 0)
    assert state.next_item.slug == "lesson-1-1" and not state.started
    # Lessons of 5 minutes, 6-question module quizzes, a final that draws 5 (lms.catalog.estimates).
    assert state.minutes_left == 6 * 5 + 3 * 6 + 5


def test_progress_moves_item_states_percent_and_next_item(make):
    user, course = make.user(), make.course(modules=2, lessons=2)
    h.enrol(user, course)
    first, second = h.lessons(course, 0)
    services.record_view(user, second, now=utcnow())
    h.complete(user, first)
    state = course_state(user, course)
    assert [i.state for i in state.modules[0].items] == ["done", "in_progress", "available"]
    assert state.modules[0].state == "in_progress" and state.started
    assert state.next_item.slug == second.slug
    assert state.percent == int(100 * 1 / 7) and state.minutes_left == 3 * 5 + 2 * 6 + 5

    h.complete(user, second)
    state = course_state(user, course)
    assert state.next_item.kind == "quiz" and state.next_item.slug == "module-1"
    assert state.modules[1].reason == "Pass the Module 1 quiz to unlock"


def test_quiz_states_follow_results_and_open_attempts(make):
    user, course = make.user(), make.course(modules=2, lessons=1)
    h.enrol(user, course)
    quiz = h.module_quiz(course, 0)
    db.session.add(QuizAttempt(user_id=user.id, quiz_id=quiz.id, course_id=course.id, number=1))
    db.session.commit()
    assert course_state(user, course).quiz(quiz.id).state == "in_progress"
    db.session.query(QuizAttempt).delete()
    h.finish_attempt(user, quiz, 40)
    item = course_state(user, course).quiz(quiz.id)
    assert (item.state, item.score, item.attempts, item.passed) == ("in_progress", 40, 1, False)
    h.finish_attempt(user, quiz, 85)
    item = course_state(user, course).quiz(quiz.id)
    assert (item.state, item.score, item.passed) == ("done", 85, True)


def test_when_every_module_is_done_the_final_opens(make):
    user, course = make.user(), make.course(modules=2, lessons=1)
    h.enrol(user, course)
    h.finish_module(user, course, 0)
    h.finish_module(user, course, 1)
    state = course_state(user, course)
    assert [m.state for m in state.modules] == ["done", "done"]
    assert state.final.state == "available" and state.next_item is state.final
    assert state.minutes_left == 5  # the final's 5 drawn questions


def test_free_navigation_locks_nothing(make):
    user, course = make.user(), make.course(modules=3, lessons=1, navigation="free")
    h.enrol(user, course)
    state = course_state(user, course)
    assert not any(item.locked for item in state.items)
    assert state.final.state == "available"


def test_done_items_stay_done_when_an_earlier_module_grows(make):
    user, course = make.user(), make.course(modules=2, lessons=1, final=False)
    h.enrol(user, course)
    h.finish_module(user, course, 0)
    h.complete(user, *h.lessons(course, 1))
    module = db.session.get(Module, h.lessons(course, 0)[0].module_id)
    db.session.add(Lesson(course_id=course.id, module_id=module.id, slug="new", position=5, title="New"))
    db.session.commit()
    state = course_state(user, course)
    assert state.modules[1].reason == "Finish the lessons of Module 1 to unlock"
    assert state.modules[1].lessons[0].state == "done"       # still readable, still counted
    assert state.modules[1].quiz.state == "locked"


def test_visitors_get_the_syllabus_without_progress(make):
    from flask_login import AnonymousUserMixin

    course = make.course(modules=2, lessons=2)
    state = course_state(AnonymousUserMixin(), course)
    assert state.enrollment is None and not state.enrolled
    assert [m.state for m in state.modules] == ["available", "locked"]
    assert state.percent == 0


def test_completion_rule_variants(make):
    user, course = make.user(), make.course(modules=1, lessons=2, final=False)
    h.enrol(user, course)
    course.completion = {"lessons": "all", "module_quizzes": "attempted", "final": "none"}
    db.session.commit()
    h.complete(user, *h.lessons(course))
    assert not course_state(user, course).rule_met()
    h.finish_attempt(user, h.module_quiz(course, 0), 10)
    assert course_state(user, course).rule_met()
    course.completion = {"lessons": "none", "module_quizzes": "passed", "final": "passed"}
    db.session.commit()
    assert not course_state(user, course).rule_met()


def test_titles_come_in_the_learners_language(make):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    lesson = h.lessons(course)[0]
    lesson.translations = {"fr": {"title": "Leçon traduite", "body_html": "<p>Corps</p>"}}
    db.session.get(Module, lesson.module_id).translations = {"fr": {"title": "Module traduit"}}
    db.session.commit()
    state = course_state(user, course, locale="fr")
    assert state.modules[0].title == "Module traduit"
    assert [i.title for i in state.lessons] == ["Leçon traduite", "Lesson 1.2"]
    assert course_state(user, course, locale="en").lessons[0].title == "Lesson 1.1"


def test_quiz_lock_reason_checks_enrolment_and_gating(make):
    user, course = make.user(), make.course(modules=2, lessons=1)
    first, second = h.module_quiz(course, 0), h.module_quiz(course, 1)
    assert quiz_lock_reason(user, first) == "Enrol in this course to take its quizzes."
    h.enrol(user, course)
    assert quiz_lock_reason(user, first) is None
    assert quiz_lock_reason(user, second) == "Finish Module 1 and pass its quiz to unlock"
    assert quiz_lock_reason(user, h.final_quiz(course)) == "Finish every module to unlock the final assessment"
    first.archived = True
    db.session.commit()
    assert quiz_lock_reason(user, first) == "This quiz is no longer part of the course."


def test_course_states_cost_a_fixed_number_of_queries_for_any_number_of_courses(make, count_queries):
    """Cold: the content version, the syllabi (outline and quizzes) and the learner's rows.
    Warm (a later request, same process): the version and the learner's rows only."""
    user = make.user()
    small = [make.course(modules=1, lessons=1)]
    large = [make.course(modules=5, lessons=4) for _ in range(4)]
    for course in small + large:
        h.enrol(user, course)
        h.complete(user, h.lessons(course)[0])
        h.finish_attempt(user, h.module_quiz(course, 0), 90)
    counts = []
    for courses in (small, large):
        assert user.id and all(c.navigation for c in courses)   # loaded before counting
        for _request in ("cold", "warm"):
            g.pop("content_version", None)
            with count_queries() as counter:
                states = course_states(user, courses)
            counts.append(counter.count)
            assert all(s.done_count == 2 for s in states.values())
    assert counts == [4, 2, 4, 2]


def test_a_sync_elsewhere_retires_this_process_s_cached_syllabus(make):
    """Another host's `courses sync` only bumps the version; this process must see the change."""
    user, course = make.user(), make.course(modules=1, lessons=2)
    assert len(course_state(user, course).lessons) == 2
    lesson = h.lessons(course)[1]
    db.session.execute(update(Lesson).where(Lesson.id == lesson.id).values(archived=True))  # no ORM flush
    g.pop("content_version", None)
    assert len(course_state(user, course).lessons) == 2     # same version: the cached syllabus
    content_cache.bump(utcnow())   # what a sync on another host leaves here: a new number
    g.pop("content_version", None)
    assert len(course_state(user, course).lessons) == 1


def test_an_attempted_final_stays_open_when_a_module_becomes_unfinished(make):
    user, course = make.user(), make.course(modules=1, lessons=2)
    h.enrol(user, course)
    h.finish_module(user, course, 0)
    h.finish_attempt(user, h.final_quiz(course), 40)
    h.enrol(other := make.user(), course)
    h.finish_module(other, course, 0)
    lesson = h.lessons(course)[0]
    for learner in (user, other):
        services.uncomplete_lesson(learner, lesson, now=utcnow())
    db.session.commit()
    assert course_state(user, course).final.state == "in_progress"       # started: stays open
    assert quiz_lock_reason(user, h.final_quiz(course)) is None
    assert course_state(other, course).final.reason == "Finish every module to unlock the final assessment"


def _attempt(user, quiz, started, minutes, *, limit=None, state="finished"):
    db.session.add(QuizAttempt(
        user_id=user.id, quiz_id=quiz.id, course_id=quiz.course_id, state=state, started_at=started,
        number=db.session.query(QuizAttempt).filter_by(user_id=user.id, quiz_id=quiz.id).count() + 1,
        finished_at=started + timedelta(minutes=minutes) if state == "finished" else None,
        deadline=started + timedelta(minutes=limit) if limit else None))
    db.session.commit()


def test_time_on_task_adds_reading_and_capped_quiz_time(make):
    reader, idle, stranger = make.user(), make.user(), make.user()
    course, other = make.course(modules=2, lessons=2), make.course(modules=1, lessons=1)
    for user in (reader, idle, stranger):
        h.enrol(user, course)
    h.complete(reader, *h.lessons(course, 0))
    for row, seconds in zip(h.progress_rows(reader), (300, 420), strict=True):
        row.seconds = seconds
    db.session.commit()
    quiz, t0 = h.module_quiz(course, 0), utcnow() - timedelta(days=1)
    _attempt(reader, quiz, t0, 12)                                  # 12 min
    _attempt(reader, quiz, t0 + timedelta(hours=1), 45, limit=20)   # closed late: counts its 20-min limit
    _attempt(reader, quiz, t0 + timedelta(hours=2), 300)            # no limit, left open: capped at 2 h
    _attempt(reader, h.module_quiz(course, 1), t0, 0, state="in_progress")   # not finished: not counted
    _attempt(reader, h.module_quiz(other, 0), t0, 30)               # another course
    _attempt(stranger, quiz, t0, 10)
    expected = 300 + 420 + 12 * 60 + 20 * 60 + 2 * 3600
    assert queries.time_on_task([reader.id, idle.id], course.id) == {reader.id: expected}
    assert queries.time_on_task_by_course([reader.id], [course.id, other.id]) == {
        (reader.id, course.id): expected, (reader.id, other.id): 30 * 60}


def test_time_on_task_costs_two_queries_for_any_number_of_learners(make, count_queries):
    course = make.course(modules=1, lessons=2)
    learners = [make.user() for _ in range(6)]
    for user in learners:
        h.enrol(user, course)
        h.complete(user, *h.lessons(course))
        h.finish_attempt(user, h.module_quiz(course, 0), 80)
    counts, course_id = [], course.id
    for group in (learners[:1], learners):
        ids = [u.id for u in group]
        with count_queries() as counter:
            found = queries.time_on_task(ids, course_id)
        assert set(found) == set(ids) and set(found.values()) == {300}   # the helper's 5-minute attempts
        counts.append(counter.count)
    assert counts == [2, 2]
