"""`flask mail ...`: the worker that delivers the outbox and runs the scheduled jobs."""
import logging
from collections.abc import Callable
from dataclasses import dataclass

import click
from flask import Blueprint

from lms.core import outbox
from lms.core.db import mark_write_transaction, utcnow
from lms.extensions import db

bp = Blueprint("mail_cli", __name__, cli_group="mail")
log = logging.getLogger("lms.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    every: float          # seconds
    task: Callable[[], str]

    def run(self) -> None:
        try:
            said = self.task()
            if said:
                log.info("%s: %s", self.name, said)
        except Exception:  # a failing job must not stop mail delivery
            db.session.rollback()
            log.exception("scheduled job %s failed", self.name)


def _close_overdue() -> str:
    from lms.quizzes import services

    db.session.rollback()
    mark_write_transaction()
    closed = services.close_overdue(now=utcnow())
    db.session.commit()
    return f"closed {closed} overdue attempts" if closed else ""


JOBS = [Job("close-overdue", 60, _close_overdue)]


@bp.cli.command("work")
@click.option("--once", is_flag=True, help="Deliver what is due and run each job once, then stop.")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between looks at the outbox.")
def work(once: bool, poll: float):
    """Deliver the mail outbox and run the scheduled jobs (overdue quiz attempts) until stopped."""
    if not once:
        click.echo(f"Mail worker started (every {poll:g} s; jobs: {', '.join(j.name for j in JOBS)}).")
    outbox.work(once=once, poll=poll, jobs=JOBS)
    if once:
        click.echo("Outbox: " + ", ".join(f"{n} {state}" for state, n in sorted(outbox.counts().items())))


@bp.cli.command("status")
def status():
    """How many messages are pending, sent and failed."""
    found = outbox.counts()
    click.echo(", ".join(f"{found.get(state, 0)} {state}" for state in ("pending", "sent", "failed")))
