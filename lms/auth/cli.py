import sys

import click
from flask import Blueprint

from lms.auth import services
from lms.auth.models import ROLES
from lms.auth.passwords import password_problem
from lms.core.db import mark_write_transaction
from lms.extensions import db

bp = Blueprint("users", __name__, cli_group="users")


@bp.cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
@click.option("--locale", type=click.Choice(["en", "fr", "es"]), default="en")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(email, name, role, locale, password_stdin):
    """Create a user account."""
    mark_write_transaction()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise click.ClickException(problem)
    try:
        user = services.create_user(email=email, name=name, password=password, role=role, locale=locale)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id})")
