"""`flask courses check [DIR]` and `flask courses sync [DIR]`: validate and import course files."""
import os
import time
from pathlib import Path

import click
from flask import Blueprint, current_app

from lms.catalog import importer, loader, validate, validate_translation
from lms.core.db import mark_write_transaction
from lms.extensions import db

bp = Blueprint("courses", __name__, cli_group="courses")


def _display(directory: str | None) -> str:
    """The directory as given, or the configured one shown relative to the working directory."""
    if directory:
        return directory
    configured = Path(current_app.config["COURSES_DIR"]).resolve()
    if configured.is_relative_to(Path.cwd()):
        return os.path.relpath(configured) if configured != Path.cwd() else "."
    return str(configured)


def load_checked(directory: str | None) -> tuple[loader.Tree, list]:
    tree = loader.load(_display(directory))
    return tree, validate.check(tree)


def ok_line(tree: loader.Tree) -> str:
    n = validate.counts(tree)
    return (f"OK: {n['courses']} courses, {n['modules']} modules, {n['lessons']} lessons, "
            f"{n['quizzes']} quizzes, {n['questions']} questions")


def _report(problems) -> None:
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.")


@bp.cli.command("check")
@click.argument("directory", required=False)
def check(directory):
    """Validate every course file; print each problem as path:line: message."""
    tree, problems = load_checked(directory)
    if problems:
        _report(problems)
        raise SystemExit(1)
    for line in validate_translation.coverage(tree):
        click.echo(line)
    click.echo(ok_line(tree))


def _summary(counter) -> str:
    parts = [f"{counter[kind]} {kind}" for kind in importer.KINDS if counter[kind]]
    return ", ".join(parts) or "none"


@bp.cli.command("sync")
@click.argument("directory", required=False)
def sync(directory):
    """Check, then import the courses in one transaction (upsert by slug, archive what is gone)."""
    mark_write_transaction()
    started = time.perf_counter()
    tree, problems = load_checked(directory)
    if problems:
        _report(problems)
        click.echo("Nothing was imported: fix the problems above first.")
        raise SystemExit(1)
    try:
        counts = importer.sync(tree)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(ok_line(tree))
    for label, counter in (("created", counts.created), ("updated", counts.updated),
                           ("archived", counts.archived), ("unchanged", counts.unchanged)):
        click.echo(f"  {label + ':':<10} {_summary(counter)}")
    totals = [sum(c.values()) for c in (counts.created, counts.updated, counts.archived)]
    note = "" if counts.changes else " (no changes)"
    click.echo(f"Synced in {time.perf_counter() - started:.2f} s: {totals[0]} created, "
               f"{totals[1]} updated, {totals[2]} archived{note}.")
