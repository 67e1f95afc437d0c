"""The mail outbox: written with the change that causes it, delivered by the worker over one
connection, retried with back-off, never lost and never sent twice, tokens kept out of the log."""
import logging
import smtplib
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import func, select

from lms.core import outbox
from lms.core.db import utcnow
from lms.core.mail import mask_tokens, queue_mail
from lms.core.models import OutboxMessage
from lms.extensions import db

TOKEN = "eyJpZCI6MSwiZnAiOiJhYmMifQ.Z1abcd.Qm9ndXMtc2lnbmF0dXJlLWZvci10ZXN0cw"


def queued(app, n=1, **fields):
    with app.test_request_context():
        rows = [queue_mail(f"person{i}@example.org", f"Subject {i}", f"Body {i}", **fields) for i in range(n)]
        db.session.commit()
    return rows


def count(state=None):
    db.session.rollback()
    query = select(func.count()).select_from(OutboxMessage)
    return db.session.scalar(query.where(OutboxMessage.state == state) if state else query)


def test_a_rolled_back_change_leaves_no_mail(app):
    with app.test_request_context():
        queue_mail("a@example.org", "Hello", "Body")
        db.session.rollback()
    assert count() == 0


def test_the_worker_delivers_a_batch_over_one_connection_with_a_stable_message_id(app, smtp_server, monkeypatch):
    rows = queued(app, 3)
    connections = []
    real = smtplib.SMTP.__init__

    def counting(self, *args, **kwargs):
        connections.append(args)
        real(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "__init__", counting)
    with app.app_context():
        assert outbox.deliver_due() == (3, 0)
    assert len(connections) == 1
    received = smtp_server.received
    assert sorted(m["To"] for m in received) == ["person0@example.org", "person1@example.org", "person2@example.org"]
    assert {m["Message-ID"] for m in received} == {r.message_id for r in rows}
    assert count("sent") == 3
    with app.app_context():
        assert outbox.deliver_due() == (0, 0)   # nothing is sent twice


def test_a_server_that_is_down_is_retried_with_back_off_then_marked_failed(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)    # nothing listens there
    queued(app, 2)
    start = utcnow()
    with app.app_context():
        assert outbox.deliver_due(now=start) == (0, 2)
        assert outbox.deliver_due(now=start + timedelta(seconds=30)) == (0, 0)   # backing off
        assert outbox.deliver_due(now=start + timedelta(minutes=2)) == (0, 2)
    db.session.rollback()
    row = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id))
    assert row.attempts == 2 and row.state == "pending" and "Connection" in row.last_error
    row.attempts = outbox.MAX_ATTEMPTS - 1
    db.session.commit()
    with app.app_context():
        outbox.deliver_due(now=start + timedelta(days=1))
    assert count("failed") == 1


def test_a_worker_killed_mid_batch_leaves_its_claim_to_expire(app, smtp_server):
    queued(app, 4)
    with app.app_context():
        claimed = outbox.claim(utcnow())          # ... and the worker dies before sending
        assert len(claimed) == 4
        assert outbox.claim(utcnow()) == []       # another worker does not take them meanwhile
        later = utcnow() + outbox.lease() + timedelta(seconds=1)
        assert outbox.deliver_due(now=later) == (4, 0)
    assert len(smtp_server.received) == 4


def test_without_a_mail_server_messages_become_eml_files_and_the_log_masks_tokens(app, caplog):
    app.config["MAIL_SERVER"] = None
    link = f"http://localhost/welcome/{TOKEN}"
    with app.test_request_context():
        queue_mail("ana@example.org", "Bienvenue", f"Ouvrez ce lien : {link}\n")
        db.session.commit()
    with app.app_context(), caplog.at_level(logging.INFO, logger="lms.mail"):
        outbox.deliver_due()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "To: ana@example.org" in logged and "Subject: Bienvenue" in logged
    assert TOKEN not in logged and "http://localhost/welcome/eyJpZC…" in logged
    files = list(Path(app.config["MAIL_DIR"]).glob("*.eml"))
    contents = [message_from_bytes(f.read_bytes(), policy=policy.default).get_content() for f in files]
    assert any(link in content for content in contents)


def test_masking_keeps_ordinary_links_whole():
    assert mask_tokens("http://127.0.0.1:5000/courses/upr-essentials") == "http://127.0.0.1:5000/courses/upr-essentials"
    assert TOKEN not in mask_tokens(f"/reset/{TOKEN}")


def test_the_admin_sees_pending_and_failed_mail_and_may_retry(client, login, make, app):
    rows = queued(app, 2)
    db.session.rollback()
    failed = db.session.get(OutboxMessage, rows[0].id)
    failed.state, failed.attempts, failed.last_error = "failed", 8, "SMTPRecipientsRefused: no such user"
    db.session.commit()
    login(make.user(role="facilitator"))
    assert client.get("/admin/mail").status_code == 403
    client.post("/logout")
    login(make.user(role="admin"))
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "no such user" in page and "person0@example.org" in page and "Pending: 1" in page
    assert client.post(f"/admin/mail/{failed.id}/retry").status_code == 303
    assert count("failed") == 0 and count("pending") == 2
