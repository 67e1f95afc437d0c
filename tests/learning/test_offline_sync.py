"""Completions made offline and sent later: an idempotency key and the time the learner did it."""
from datetime import timedelta

from sqlalchemy import func, select

from lms.core.db import utcnow
from lms.extensions import db
from lms.learning import services
from lms.learning.models import Enrollment, LessonProgress
from tests.learning import helpers as h

KEY = "offline-key-0123456789abcdef"


def _url(course, slug="lesson-1-1"):
    return f"/courses/{course.slug}/lessons/{slug}/complete"


def _enrol(user, course, at):
    enrollment = services.enrol(user, course, now=at)
    db.session.commit()
    return enrollment


def _rows(user):
    db.session.rollback()  # requests wrote in their own sessions
    return list(db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user.id)))


def test_a_replayed_completion_makes_one_row_with_the_time_it_was_done(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    enrollment = _enrol(user, course, utcnow() - timedelta(days=2))
    login(user)
    done = utcnow() - timedelta(hours=3)
    data = {"key": KEY, "done_at": done.isoformat()}
    first = client.post(_url(course), data=data, headers={"HX-Request": "true"})
    again = client.post(_url(course), data=data, headers={"HX-Request": "true"})
    assert first.status_code == again.status_code == 200
    assert "You completed this lesson." in again.get_data(as_text=True)
    rows = _rows(user)
    assert len(rows) == 1
    assert abs(rows[0].completed_at - done) < timedelta(seconds=1)
    assert rows[0].completion_key == KEY and enrollment.id


def test_a_replay_after_marking_not_done_changes_nothing(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    h.enrol(user, course)
    login(user)
    assert client.post(_url(course), data={"key": KEY}).status_code == 303
    assert client.post(f"/courses/{course.slug}/lessons/lesson-1-1/not-done").status_code == 303
    assert client.post(_url(course), data={"key": KEY}).status_code == 303   # the queue sent it again
    rows = _rows(user)
    assert len(rows) == 1 and rows[0].completed_at is None
    assert client.post(_url(course), data={"key": KEY.replace("0", "1")}).status_code == 303  # a new click
    assert _rows(user)[0].completed_at is not None


def test_a_time_in_the_future_or_before_the_enrolment_is_clamped(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=3, questions=0, final=False)
    enrolled = utcnow() - timedelta(days=1)
    _enrol(user, course, enrolled)
    login(user)
    before = utcnow()
    client.post(_url(course), data={"done_at": (utcnow() + timedelta(days=3)).isoformat()})
    client.post(_url(course, "lesson-1-2"), data={"done_at": "2001-01-01T00:00:00Z"})
    future, past = sorted(_rows(user), key=lambda r: r.lesson_id)[:2]
    assert before <= future.completed_at <= utcnow()
    assert abs(past.completed_at - enrolled) < timedelta(seconds=1)


def test_a_time_before_the_first_view_is_moved_to_the_first_view(make):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    lesson = h.lessons(course)[0]
    services.enrol(user, course, now=utcnow() - timedelta(days=5))
    viewed = utcnow() - timedelta(days=1)
    services.record_view(user, lesson, now=viewed)
    row = services.complete_lesson(user, lesson, now=utcnow(), done_at=viewed - timedelta(days=2), key=KEY)
    db.session.commit()
    assert row.completed_at == viewed and row.last_viewed_at == viewed


def test_offline_progress_completes_the_course_at_its_real_time(make, completions):
    user, course = make.user(), make.course(modules=1, lessons=1, questions=0, final=False)
    services.enrol(user, course, now=utcnow() - timedelta(days=5))
    done = utcnow() - timedelta(hours=5)
    services.complete_lesson(user, h.lessons(course)[0], now=utcnow(), done_at=done, key=KEY)
    db.session.commit()
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
    assert enrollment.completed_at == done and [c[2] for c in completions] == [done]


def test_bad_keys_and_times_are_refused_and_write_nothing(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    h.enrol(user, course)
    login(user)
    for data in ({"key": "short"}, {"key": "x" * 65}, {"key": "spaces are not allowed here!"},
                 {"done_at": "yesterday"}, {"done_at": "2026-13-40T00:00"}):
        response = client.post(_url(course), data=data)
        assert response.status_code == 400, data
        assert "could not be recorded" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(LessonProgress.id))) == 0


def test_someone_not_enrolled_cannot_send_a_queued_completion(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    login(user)
    response = client.post(_url(course), data={"key": KEY, "done_at": utcnow().isoformat()})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/courses/{course.slug}")
    assert _rows(user) == []
