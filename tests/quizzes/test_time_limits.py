"""Time limits are enforced on the server, with a frozen clock: answers after the deadline
are not marked, overdue attempts close at their deadline when the learner returns or when
the sweeper runs."""
from datetime import timedelta

import time_machine

from lms.core.db import utcnow
from lms.quizzes.models import FINISHED, IN_PROGRESS
from tests.quizzes import helpers as h

HX = {"HX-Request": "true"}


def timed(world, minutes=10):
    return world(types=["short"], questions=2, time_limit_minutes=minutes)


def test_submit_after_the_deadline_marks_only_what_was_saved_before(world):
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        w = timed(world)
        attempt_id = h.start(w.client, w)
        first, second = h.attempt(attempt_id).question_ids
        page = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
        assert 'data-remaining="600"' in page and "10:00" in page
        clock.move_to(start + timedelta(minutes=9))
        saved = w.client.post(f"/attempts/{attempt_id}/answer", headers=HX,
                              data={"question_id": first, "sequence": 0, f"q{first}": "forty-seven"})
        assert saved.status_code == 200
        page = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
        clock.move_to(start + timedelta(minutes=12))
        # The learner (or a tampered page) posts every answer after time is up.
        late = h.submit(w.client, attempt_id, [(f"q{first}", "47"), (f"q{second}", "47")], html=page,
                        time_left="999")
        assert late.status_code == 303 and late.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
        result = w.client.get(late.headers["Location"]).get_data(as_text=True)
    attempt = h.attempt(attempt_id)
    assert attempt.state == FINISHED and attempt.finished_at == attempt.deadline == start + timedelta(minutes=10)
    assert attempt.score == 50.0
    stored = {r.question_id: r.response for r in h.responses(attempt_id)}
    assert stored == {first: {"text": "forty-seven"}, second: {}}
    assert "Time was up" in result and "Time ran out" in result


def test_saves_after_the_deadline_are_refused_and_close_the_attempt_after_the_grace_period(world):
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        w = timed(world, minutes=5)
        attempt_id = h.start(w.client, w)
        first = h.attempt(attempt_id).question_ids[0]
        clock.move_to(start + timedelta(minutes=5, seconds=1))
        late = w.client.post(f"/attempts/{attempt_id}/answer", headers=HX,
                             data={"question_id": first, "sequence": 0, f"q{first}": "47"})
        assert late.status_code == 409 and "Submit your answers now" in late.get_data(as_text=True)
        assert h.attempt(attempt_id).state == IN_PROGRESS       # still open: a submit is marked
        clock.move_to(start + timedelta(minutes=7, seconds=1))
        later = w.client.post(f"/attempts/{attempt_id}/answer", headers=HX,
                              data={"question_id": first, "sequence": 0, f"q{first}": "47"})
        assert later.headers["HX-Redirect"].endswith(f"/attempts/{attempt_id}/result")
    attempt = h.attempt(attempt_id)
    assert attempt.state == FINISHED and attempt.score == 0.0
    assert {r.question_id: r.response for r in h.responses(attempt_id)}[first] == {}


def test_a_sheet_submitted_without_javascript_inside_the_grace_period_is_marked_on_what_was_posted(world):
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        w = timed(world, minutes=10)
        attempt_id = h.start(w.client, w)
        first, second = h.attempt(attempt_id).question_ids
        page = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)   # no autosave at all
        assert "2 minutes after the deadline are still marked" in page
        clock.move_to(start + timedelta(minutes=11))
        reloaded = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
        assert "Time is up. Submit your answers now" in reloaded
        late = h.submit(w.client, attempt_id, [(f"q{first}", "47"), (f"q{second}", "47")], html=page)
        assert late.status_code == 303
        result = w.client.get(late.headers["Location"]).get_data(as_text=True)
    attempt = h.attempt(attempt_id)
    assert attempt.state == FINISHED and attempt.score == 100.0
    assert attempt.finished_at == start + timedelta(minutes=11)
    assert "within the grace period" in result and "Time ran out" not in result


def test_the_grace_period_is_a_quiz_setting(world):
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        w = world(types=["short"], questions=2, time_limit_minutes=10, grace_minutes=0)
        attempt_id = h.start(w.client, w)
        first, second = h.attempt(attempt_id).question_ids
        page = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
        clock.move_to(start + timedelta(minutes=10, seconds=5))
        h.submit(w.client, attempt_id, [(f"q{first}", "47"), (f"q{second}", "47")], html=page)
    assert h.attempt(attempt_id).score == 0.0


def test_deadline_is_shown_in_the_learners_time_zone(world, make):
    start = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        w = timed(world, minutes=10)
        w.learner.timezone = "America/Bogota"
        from lms.extensions import db
        db.session.commit()
        attempt_id = h.start(w.client, w)
        page = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "07:10 (America/Bogota)" in page and "10:00" in page


def test_returning_after_the_deadline_closes_the_attempt_lazily(world):
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        w = timed(world, minutes=5)
        attempt_id = h.start(w.client, w)
        clock.move_to(start + timedelta(hours=2))
        back = w.client.get(f"/attempts/{attempt_id}")
        assert back.status_code == 303 and back.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
        assert h.attempt(attempt_id).finished_at == start + timedelta(minutes=5)
        overview = w.client.get(w.quiz_url).get_data(as_text=True)
        assert "Attempts: 1 used, 2 left." in overview and "Continue your attempt" not in overview


def test_overview_and_start_close_an_overdue_attempt_first(world):
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        w = timed(world, minutes=5)
        attempt_id = h.start(w.client, w)
        clock.move_to(start + timedelta(minutes=30))
        overview = w.client.get(w.quiz_url)
        assert overview.status_code == 303 and overview.headers["Location"].endswith("/result")
        assert h.attempt(attempt_id).state == FINISHED
        second = h.start(w.client, w)
        assert second != attempt_id and h.attempt(second).state == IN_PROGRESS
        clock.move_to(start + timedelta(hours=1))
        again = w.client.post(w.quiz_url + "/start")
        assert again.status_code == 303 and again.headers["Location"].endswith(f"/attempts/{second}/result")
    assert h.attempt(second).finished_at == start + timedelta(minutes=35)


def test_untimed_attempts_never_expire(world, login):
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        w = world(types=["short"], questions=2)
        attempt_id = h.start(w.client, w)
        clock.move_to(start + timedelta(days=30))
        login(w.learner)  # the session itself has ended by now (lms/auth/sessions.py)
        assert w.client.get(f"/attempts/{attempt_id}").status_code == 200
        assert 'id="quiz-timer"' not in w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert h.attempt(attempt_id).state == IN_PROGRESS
