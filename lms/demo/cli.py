"""`flask demo seed`: demo accounts (and, as features land, their activity). Idempotent."""
import click
from flask import Blueprint, current_app

from lms.core.db import mark_write_transaction
from lms.dashboards.synth import synth
from lms.demo import services
from lms.extensions import db

bp = Blueprint("demo", __name__, cli_group="demo")
bp.cli.add_command(synth)


@bp.cli.command("seed")
def seed():
    """Create the demo accounts and activity (safe to run again)."""
    mark_write_transaction()
    password = current_app.config["DEMO_PASSWORD"]
    accounts = services.seed(password)
    db.session.commit()
    click.echo(f"Demo logins (password: {password}):")
    for user in accounts:
        click.echo(f"  {user.role:<12} {user.email}")
