"""`flask quizzes ...`: close overdue attempts, export a quiz in GIFT."""
import click
from flask import Blueprint
from sqlalchemy import select

from lms.catalog.export import raw_question
from lms.catalog.gift import GiftExportError, question_to_gift, to_gift
from lms.catalog.models import Lesson
from lms.core.db import mark_write_transaction, utcnow
from lms.extensions import db
from lms.quizzes import queries, services

bp = Blueprint("quizzes_cli", __name__, cli_group="quizzes")


@bp.cli.command("close-overdue")
def close_overdue():
    """Close every open attempt whose time limit has passed (safe to run again)."""
    mark_write_transaction()
    closed = services.close_overdue(now=utcnow())
    db.session.commit()
    click.echo(f"Closed {closed} overdue attempt{'s' if closed != 1 else ''}.")


@bp.cli.command("export-gift")
@click.argument("target", metavar="COURSE/QUIZ")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
def export_gift(target: str, output: str | None):
    """Write a quiz in Moodle's GIFT format, e.g. `upr-essentials/final`."""
    course_slug, _, quiz_slug = target.partition("/")
    found = queries.quiz_by_slugs(course_slug, quiz_slug) if quiz_slug else None
    if found is None:
        raise click.ClickException(f"no quiz '{target}' (write it as <course slug>/<quiz slug>)")
    quiz, course = found
    lessons = dict(db.session.execute(select(Lesson.id, Lesson.slug).where(Lesson.course_id == course.id)).all())
    kept = []
    for question in queries.pool(quiz.id):
        try:
            question_to_gift(raw_question(question))
        except GiftExportError as error:
            click.echo(f"skipped: {error}", err=True)
            continue
        kept.append(question)
    text = to_gift(kept, title=quiz.title, settings=quiz.settings, lessons=lessons)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"Wrote {len(kept)} questions to {output}.", err=True)
    else:
        click.echo(text, nl=False)
