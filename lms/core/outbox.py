"""The mail worker: claims due messages from the outbox, delivers them over one connection per
batch, and retries with back-off. Several workers may run at once: on PostgreSQL a claim skips
rows another worker has locked (FOR UPDATE SKIP LOCKED); on SQLite the claim is a short write
transaction, which the database runs one at a time. A claim is a lease: a worker killed in the
middle of a batch leaves its rows to be claimed again when the lease ends."""
import logging
import smtplib
import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update

from lms.core.db import mark_write_transaction, utcnow
from lms.core.mail import Transport
from lms.core.models import OutboxMessage
from lms.extensions import db

log = logging.getLogger("lms.mail")

BATCH = 50
LEASE = timedelta(minutes=5)   # MAIL_LEASE_SECONDS overrides it
MAX_ATTEMPTS = 8


def lease() -> timedelta:
    seconds = current_app.config.get("MAIL_LEASE_SECONDS")
    return timedelta(seconds=seconds) if seconds else LEASE


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes after each failure, at most 4 hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 240))


def claim(now: datetime, limit: int = BATCH) -> list[int]:
    """Lease up to `limit` due messages to this worker; their ids, oldest first. Commits."""
    db.session.rollback()
    mark_write_transaction()
    query = (select(OutboxMessage.id)
             .where(OutboxMessage.state == "pending", OutboxMessage.send_after <= now,
                    or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
             .order_by(OutboxMessage.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                           .values(claimed_until=now + lease()))
    db.session.commit()
    return ids


def _record(row_id: int, *, now: datetime, error: str | None) -> None:
    """Mark one message sent, or failed with its next try; committed at once, so a worker
    killed later never sends this one again."""
    mark_write_transaction()
    if error is None:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id)
                           .values(state="sent", sent_at=now, claimed_until=None))
    else:
        row = db.session.get(OutboxMessage, row_id)
        row.attempts += 1
        row.last_error = error[:2000]
        row.claimed_until = None
        row.send_after = now + backoff(row.attempts)
        if row.attempts >= MAX_ATTEMPTS:
            row.state = "failed"
    db.session.commit()


def deliver(ids: list[int], *, now: datetime | None = None) -> tuple[int, int]:
    """Send the claimed messages over one connection: (sent, failed). `now` fixes the clock
    for the records (tests); by default each record takes the time it is made."""
    def clock() -> datetime:
        return now or utcnow()

    sent = failed = 0
    rows = {r.id: r for r in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)))}
    db.session.expunge_all()
    try:
        with Transport() as transport:
            for row_id in ids:
                try:
                    transport.send(rows[row_id])
                except (smtplib.SMTPException, OSError) as error:
                    _record(row_id, now=clock(), error=f"{type(error).__name__}: {error}")
                    failed += 1
                    if isinstance(error, smtplib.SMTPServerDisconnected) or not isinstance(error, smtplib.SMTPException):
                        raise  # the connection is gone: the rest wait for the next batch
                    continue
                _record(row_id, now=clock(), error=None)
                sent += 1
    except (smtplib.SMTPException, OSError) as error:
        log.warning("mail server unavailable: %s", error)
        for row_id in ids[sent + failed:]:
            _record(row_id, now=clock(), error=f"not tried: {error}")
            failed += 1
    return sent, failed


def deliver_due(*, now: datetime | None = None) -> tuple[int, int]:
    """Deliver everything due now, batch after batch: (sent, failed)."""
    total_sent = total_failed = 0
    while ids := claim(now or utcnow()):
        sent, failed = deliver(ids, now=now)
        total_sent, total_failed = total_sent + sent, total_failed + failed
    return total_sent, total_failed


def counts() -> dict[str, int]:
    return dict(db.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())


def retry(row_id: int, *, now: datetime) -> bool:
    """Give a failed message a fresh start (admin page)."""
    row = db.session.get(OutboxMessage, row_id)
    if row is None or row.state != "failed":
        return False
    row.state, row.attempts, row.send_after, row.claimed_until = "pending", 0, now, None
    return True


def work(*, once: bool = False, poll: float = 2.0, jobs: list | None = None) -> None:
    """Deliver mail and run the scheduled jobs until stopped (or one round with `once`)."""
    schedule = {job: 0.0 for job in (jobs or [])}
    while True:
        for job, due in schedule.items():
            if time.monotonic() >= due:
                job.run()
                schedule[job] = time.monotonic() + job.every
        sent, failed = deliver_due()
        if sent or failed:
            log.info("mail: %s sent, %s failed", sent, failed)
        if once:
            return
        time.sleep(poll)
