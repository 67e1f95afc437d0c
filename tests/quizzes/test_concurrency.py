"""Concurrent requests from threads, each with its own client and database session, as
separate browser tabs or a double click would send them. Run on SQLite and PostgreSQL."""
import threading

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from lms.core.signals import quiz_submitted
from lms.extensions import db
from lms.quizzes.models import IN_PROGRESS, QuestionResponse, QuizAttempt
from tests.quizzes import helpers as h

THREADS = 10


def clients_like(app, client, n):
    """n clients sharing the logged-in session of `client`."""
    cookie = client.get_cookie("session")
    made = []
    for _ in range(n):
        other = app.test_client()
        other.set_cookie(cookie.key, cookie.value)
        made.append(other)
    return made


def together(calls):
    """Run the calls in threads released at the same moment; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(n, call):
        barrier.wait()
        try:
            results[n] = call()
        except Exception as error:  # pragma: no cover - reported below
            results[n] = error

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_ten_concurrent_submits_grade_once(world, app):
    w = world(rich=True)
    attempt_id = h.start(w.client, w)
    html = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    data = MultiDict([("sequence", h.hidden(html, "sequence")), ("submit_key", h.hidden(html, "submit_key")),
                      *h.answers_for(attempt_id)])
    graded = []

    def count(sender, attempt, **_):
        graded.append(attempt.id)

    quiz_submitted.connect(count)
    try:
        responses = together([lambda c=c: c.post(f"/attempts/{attempt_id}/submit", data=data)
                              for c in clients_like(app, w.client, THREADS)])
    finally:
        quiz_submitted.disconnect(count)
    assert [r.status_code for r in responses] == [303] * THREADS, responses
    assert {r.headers["Location"] for r in responses} == {f"/attempts/{attempt_id}/result"}
    assert graded == [attempt_id]
    attempt = h.attempt(attempt_id)
    assert attempt.score == 100.0 and attempt.sequence == 1
    assert db.session.scalar(select(func.count()).select_from(QuestionResponse)
                             .where(QuestionResponse.attempt_id == attempt_id)) == 6


def test_concurrent_submits_from_two_pages_grade_once(world, app):
    """Different idempotency keys (two tabs): one submit wins, the others are told so."""
    w = world(questions=6)
    attempt_id = h.start(w.client, w)
    html = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    answers = h.answers_for(attempt_id)
    calls = []
    for n, c in enumerate(clients_like(app, w.client, THREADS)):
        data = MultiDict([("sequence", h.hidden(html, "sequence")), ("submit_key", f"tab-{n:02d}-" + "k" * 20),
                          *answers])
        calls.append(lambda c=c, data=data: c.post(f"/attempts/{attempt_id}/submit", data=data))
    statuses = sorted(r.status_code for r in together(calls))
    assert statuses == [303] + [409] * (THREADS - 1)
    attempt = h.attempt(attempt_id)
    assert attempt.score == 100.0 and attempt.submit_key.startswith("tab-")
    assert db.session.scalar(select(func.count()).select_from(QuestionResponse)
                             .where(QuestionResponse.attempt_id == attempt_id)) == 6


def test_ten_concurrent_starts_make_one_open_attempt(world, app):
    w = world(questions=4)
    responses = together([lambda c=c: c.post(w.quiz_url + "/start")
                          for c in clients_like(app, w.client, THREADS)])
    assert [r.status_code for r in responses] == [303] * THREADS, [r.status_code for r in responses]
    assert len({r.headers["Location"] for r in responses}) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
    assert db.session.scalar(select(QuizAttempt.state)) == IN_PROGRESS


def test_concurrent_autosaves_keep_one_row_and_refuse_stale_ones(world, app):
    w = world(types=["short"], questions=2)
    attempt_id = h.start(w.client, w)
    qid = h.attempt(attempt_id).question_ids[0]
    calls = [lambda c=c, n=n: c.post(f"/attempts/{attempt_id}/answer", headers={"HX-Request": "true"},
                                     data={"question_id": qid, "sequence": 0, f"q{qid}": f"answer {n}"})
             for n, c in enumerate(clients_like(app, w.client, THREADS))]
    statuses = sorted(r.status_code for r in together(calls))
    assert statuses == [200] + [409] * (THREADS - 1)
    rows = h.responses(attempt_id)
    assert len(rows) == 1 and h.attempt(attempt_id).sequence == 1
