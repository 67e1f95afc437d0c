"""Answers sent again after a lost connection, or from the offline queue after the deadline."""
from datetime import timedelta

import time_machine

from lms.core.db import utcnow
from lms.quizzes.models import FINISHED
from tests.quizzes import helpers as h

HX = {"HX-Request": "true"}
QUEUED = {"X-Offline-Sync": "1"}


def _save(w, attempt_id, qid, text, sequence):
    return w.client.post(f"/attempts/{attempt_id}/answer", headers=HX,
                         data={"question_id": qid, "sequence": sequence, f"q{qid}": text})


def test_a_replayed_autosave_is_a_no_op(world):
    w = world(types=["short"], questions=2)
    attempt_id = h.start(w.client, w)
    first, second = h.attempt(attempt_id).question_ids
    assert _save(w, attempt_id, first, "forty-seven", 0).status_code == 200
    again = _save(w, attempt_id, first, "forty-seven", 0)      # the same request, sent twice
    assert again.status_code == 200 and "Saved" in again.get_data(as_text=True)
    assert 'value="1"' in again.get_data(as_text=True)           # the page catches up with its own save
    assert h.attempt(attempt_id).sequence == 1
    assert [r.response for r in h.responses(attempt_id)] == [{"text": "forty-seven"}]
    assert _save(w, attempt_id, second, "47", 1).status_code == 200
    stale = _save(w, attempt_id, first, "something else", 0)   # a changed answer from an old page
    assert stale.status_code == 409 and "out of date" in stale.get_data(as_text=True)
    replay = _save(w, attempt_id, first, "forty-seven", 0)     # an old replay: no-op, page stays old
    assert replay.status_code == 200 and 'value="0"' in replay.get_data(as_text=True)
    assert h.attempt(attempt_id).sequence == 2


def test_a_submission_sent_twice_is_graded_once(world):
    w = world(types=["short"], questions=2)
    attempt_id = h.start(w.client, w)
    page = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    first, second = h.attempt(attempt_id).question_ids
    fields = [(f"q{first}", "47"), (f"q{second}", "47")]
    assert h.submit(w.client, attempt_id, fields, html=page).status_code == 303
    finished = h.attempt(attempt_id).finished_at
    again = h.submit(w.client, attempt_id, [(f"q{first}", "no")], html=page)
    assert again.status_code == 303 and again.headers["Location"].endswith("/result")
    attempt = h.attempt(attempt_id)
    assert attempt.finished_at == finished and attempt.score == 100.0 and len(h.responses(attempt_id)) == 2


def test_a_queued_submission_after_the_deadline_and_grace_is_refused_with_a_message(world):
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        w = world(types=["short"], questions=2, time_limit_minutes=10)
        attempt_id = h.start(w.client, w)
        first, second = h.attempt(attempt_id).question_ids
        page = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
        assert _save(w, attempt_id, first, "47", 0).status_code == 200
        clock.move_to(start + timedelta(minutes=13))      # offline past the deadline and its grace
        data = dict([("sequence", "1"), ("submit_key", h.hidden(page, "submit_key")),
                (f"q{first}", "47"), (f"q{second}", "47")])
        late = w.client.post(f"/attempts/{attempt_id}/submit", data=data, headers=QUEUED)
        again = w.client.post(f"/attempts/{attempt_id}/submit", data=data, headers=QUEUED)
    body = late.get_data(as_text=True)
    assert late.status_code == 409 and "arrived after the deadline" in body and "<html" not in body
    assert again.status_code == 409 and "already finished" in again.get_data(as_text=True)
    attempt = h.attempt(attempt_id)
    assert attempt.state == FINISHED and attempt.finished_at == start + timedelta(minutes=10)
    assert attempt.score == 50.0    # only the answer saved before the deadline


def test_a_queued_submission_inside_the_grace_period_is_marked(world):
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        w = world(types=["short"], questions=2, time_limit_minutes=10)
        attempt_id = h.start(w.client, w)
        first, second = h.attempt(attempt_id).question_ids
        page = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
        clock.move_to(start + timedelta(minutes=11))
        data = dict([("sequence", "0"), ("submit_key", h.hidden(page, "submit_key")),
                (f"q{first}", "47"), (f"q{second}", "47")])
        response = w.client.post(f"/attempts/{attempt_id}/submit", data=data, headers=QUEUED)
    assert response.status_code == 303 and response.headers["Location"].endswith("/result")
    assert h.attempt(attempt_id).score == 100.0


def test_another_learner_cannot_send_answers_to_an_attempt(world, make, login):
    w = world(types=["short"], questions=1)
    attempt_id = h.start(w.client, w)
    qid = h.attempt(attempt_id).question_ids[0]
    login(make.user())
    assert _save(w, attempt_id, qid, "47", 0).status_code == 404
    assert h.responses(attempt_id) == []
