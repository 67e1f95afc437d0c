"""Submissions survive a gunicorn worker killed under load: nothing lost, nothing doubled.

Two gunicorn workers serve a throwaway database (SQLite, or a fresh PostgreSQL database when
TEST_DATABASE_URL points at one). Learners submit their attempts at once from many threads;
one worker is killed with SIGKILL part-way. Every request that got no answer is sent again
with the same submit key, as the browser's retry would, and some that did get an answer are
sent again too, as after a response lost on the way back. Afterwards every attempt is graded
exactly once, with every answer stored once, and each course completion and badge happened once.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from lms import create_app
from lms.badges.models import BadgeAward
from lms.core.audit import AuditEvent
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.quizzes import queries, services
from lms.quizzes.demo import answer_fields
from lms.quizzes.models import FINISHED, QuestionResponse, QuizAttempt
from lms.quizzes.types import TYPES
from tests import factories
from tests.databases import fresh_database_url

ROOT = Path(__file__).resolve().parents[2]
LEARNERS = 200
QUESTIONS = 6
SECRET = "worker-kill-secret"
FAILURES = (OSError, ConnectionError)  # a reset, a refused or half-closed connection


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """One learner's cookies over plain HTTP; redirects are returned, not followed."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, form=None) -> tuple[int, dict, str]:
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), text
        finally:
            conn.close()


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)


@pytest.fixture
def seeded(tmp_path):
    url = fresh_database_url(tmp_path / "kill.db", "workerkill")
    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url,
                      "MAIL_SERVER": None, "REDIS_URL": None})
    with app.app_context():
        db.create_all()
        course = factories.course(modules=1, lessons=0, questions=0, final=False, navigation="free")
        quiz = factories.quiz(course, None, slug="final", questions=QUESTIONS)
        learners = [factories.user(email=f"kill{n}@example.org") for n in range(LEARNERS)]
        db.session.add_all(Enrollment(user_id=u.id, course_id=course.id, source="self") for u in learners)
        db.session.commit()
        attempts = {}
        for user in learners:
            attempt = services.start_attempt(user, quiz, now=utcnow())
            db.session.commit()
            questions = queries.questions_by_id(attempt.question_ids).values()
            fields = [f for q in questions for f in answer_fields(q, TYPES[q.type].correct_response(q.data))]
            attempts[user.email] = (attempt.id, fields)
        db.session.remove()
    yield app, url, attempts
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def gunicorn(seeded, tmp_path):
    _app, url, _attempts = seeded
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "LMS_ENV": "development",
           "BASE_URL": f"http://127.0.0.1:{port}", "PYTHONPATH": str(ROOT)}
    env.pop("MAIL_SERVER", None)
    env.pop("REDIS_URL", None)
    binary = Path(sys.executable).with_name("gunicorn")
    with log.open("wb") as out:
        master = subprocess.Popen([str(binary), "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "60",
                                   "wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if Browser(port).request("GET", "/healthz")[0] == 200 and len(_workers(master.pid)) == 2:
                    break
            except FAILURES:
                pass
            assert master.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
        yield port, master, log
    finally:
        master.send_signal(signal.SIGTERM)
        try:
            master.wait(15)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait(5)


def _workers(master_pid: int) -> list[int]:
    path = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _log_in(port: int, email: str, attempt_id: int) -> tuple[Browser, dict]:
    browser = Browser(port)
    _status, _headers, html = browser.request("GET", "/login")
    status, _headers, _body = browser.request("POST", "/login", {
        "csrf_token": _hidden(html, "csrf_token"), "email": email, "password": factories.PASSWORD})
    assert status == 302, status
    status, _headers, html = browser.request("GET", f"/attempts/{attempt_id}")
    assert status == 200, status
    form = {name: _hidden(html, name) for name in ("csrf_token", "sequence", "submit_key")}
    return browser, form


def _submit(browser: Browser, attempt_id: int, form: dict, fields: list) -> int:
    status, headers, body = browser.request("POST", f"/attempts/{attempt_id}/submit",
                                            [*form.items(), *fields])
    message = re.search(r"<main.*?</main>", body, re.S)
    assert status == 303 and headers["Location"].endswith(f"/attempts/{attempt_id}/result"), \
        (status, re.sub(r"<[^>]+>|\s+", " ", message.group(0) if message else body)[:300])
    return status


def test_a_worker_killed_during_submissions_loses_and_doubles_nothing(seeded, gunicorn):
    app, _url, attempts = seeded
    port, master, log = gunicorn
    with ThreadPoolExecutor(32) as pool:
        sessions = dict(zip(attempts, pool.map(lambda e: _log_in(port, e, attempts[e][0]), attempts), strict=True))

    done, failed, lock = [], [], threading.Lock()

    def submit(email):
        (browser, form), (attempt_id, fields) = sessions[email], attempts[email]
        try:
            _submit(browser, attempt_id, form, fields)
        except FAILURES:
            with lock:
                failed.append(email)
            return
        with lock:
            done.append(email)

    victim = _workers(master.pid)[0]
    with ThreadPoolExecutor(24) as pool:
        futures = [pool.submit(submit, email) for email in attempts]
        while len(done) + len(failed) < LEARNERS // 3:
            time.sleep(0.005)
        os.kill(victim, signal.SIGKILL)
        for future in futures:
            future.result()
    assert len(done) + len(failed) == LEARNERS

    deadline = time.monotonic() + 20  # the master starts a new worker in the victim's place
    while len(_workers(master.pid)) < 2 or victim in _workers(master.pid):
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.1)
    replays = failed + done[:: max(1, len(done) // 20)]  # failed ones, and some that were answered
    for email in replays:
        (browser, form), (attempt_id, fields) = sessions[email], attempts[email]
        _submit(browser, attempt_id, form, fields)
    _status, _headers, page = sessions[done[0]][0].request("GET", f"/attempts/{attempts[done[0]][0]}/result")
    assert "100%" in page

    with app.app_context():
        rows = db.session.scalars(select(QuizAttempt)).all()
        assert len(rows) == LEARNERS
        assert all(a.state == FINISHED and a.score == 100.0 for a in rows)
        # Grading bumps the sequence once; a second grading would bump it again.
        assert sorted({a.sequence for a in rows}) == [1]
        keys = {email: sessions[email][1]["submit_key"] for email in attempts}
        assert {a.id: a.submit_key for a in rows} == {attempts[e][0]: keys[e] for e in attempts}
        responses = db.session.execute(select(QuestionResponse.attempt_id, func.count(), func.min(QuestionResponse.mark))
                                       .group_by(QuestionResponse.attempt_id)).all()
        assert len(responses) == LEARNERS and {(n, low) for _id, n, low in responses} == {(QUESTIONS, 1.0)}
        assert db.session.scalar(select(func.count()).select_from(QuestionResponse)) == QUESTIONS * LEARNERS
        assert db.session.scalar(select(func.count()).select_from(Enrollment)
                                 .where(Enrollment.completed_at.is_not(None))) == LEARNERS
        assert db.session.scalar(select(func.count()).select_from(BadgeAward)) == LEARNERS
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "badge.awarded")) == LEARNERS
        db.session.remove()
    print(f"\n{len(failed)} submissions got no answer when the worker was killed; {len(replays)} sent again")
