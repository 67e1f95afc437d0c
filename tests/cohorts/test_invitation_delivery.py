"""The mail worker as it runs in production (`flask --app wsgi mail work`, a separate process),
against a local SMTP server: a 2,000-row CSV upload only fills the outbox, and every invitation
arrives exactly once even when the worker is killed in the middle of a batch and restarted."""
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from lms.core.models import OutboxMessage
from lms.extensions import db
from tests.cohorts.test_upload import upload

ROOT = Path(__file__).resolve().parents[2]
ROWS = 2000


class Inbox:
    """A local SMTP server that keeps what it receives."""

    def __init__(self):
        self.raw = []

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.content)   # parsed afterwards: the server stays quick
        return "250 OK"

    @property
    def messages(self):
        return [message_from_bytes(raw, policy=policy.default) for raw in self.raw]


@pytest.fixture
def inbox():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the server's log of every command
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    controller.stop()


def worker(database_url: str, port: int, mail_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port),
           "MAIL_LEASE_SECONDS": "2", "MAIL_DIR": str(mail_dir), "SECRET_KEY": "worker-test"}
    env.pop("TEST_DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "mail", "work", "--poll", "0.2"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_until(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_2000_row_upload_fills_the_outbox_and_a_killed_worker_loses_and_doubles_nothing(
        client, login, make, make_cohort, inbox, database_url, tmp_path):
    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator, courses=[make.course()])
    login(facilitator)
    roster = "name,email\n" + "".join(f"Learner {n},learner{n}@example.org\n" for n in range(ROWS))
    started = time.monotonic()
    page = upload(client, cohort, roster).get_data(as_text=True)
    answered_in = time.monotonic() - started
    assert f"{ROWS:,} people invited".replace(",", "") in page.replace(",", "")
    assert inbox.raw == []                             # nothing is sent inside the request
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == ROWS
    db.session.rollback()

    t0 = time.monotonic()
    first = worker(database_url, inbox.port, tmp_path)
    assert wait_until(lambda: len(inbox.raw) >= ROWS // 4), first.stderr.read1().decode()
    first.send_signal(signal.SIGKILL)                   # mid-batch: some claimed, not yet sent
    first.wait(10)
    at_kill = len(inbox.raw)
    t1 = time.monotonic()
    assert at_kill < ROWS

    second = worker(database_url, inbox.port, tmp_path)
    try:
        assert wait_until(lambda: len(inbox.raw) >= ROWS, seconds=120)
        t2 = time.monotonic()
        time.sleep(3)                                   # past the lease: anything left would go now
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)

    received = inbox.messages
    recipients = Counter(m["To"] for m in received)
    assert set(recipients) == {f"learner{n}@example.org" for n in range(ROWS)}
    ids = Counter(m["Message-ID"] for m in received)
    doubled = [i for i, n in ids.items() if n > 1]
    # Only a message accepted by the server in the instant before the kill, before its "sent"
    # was committed, can go twice, and then with the same Message-ID, which a server drops.
    assert len(doubled) <= 1 and len(ids) == ROWS
    assert sum(recipients.values()) - ROWS == len(doubled)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.state != "sent")) == 0
    print(f"upload of {ROWS} rows answered in {answered_in:.1f} s; {at_kill} delivered before the kill"
          f" ({t1 - t0:.1f} s), the rest in {t2 - t1:.1f} s")
