"""`flask badges list|award|revoke`."""
import click
from flask import Blueprint

from lms.auth.services import find_user
from lms.badges import queries, services
from lms.badges.codes import display, normalise
from lms.badges.openbadges import verify_url
from lms.core.db import mark_write_transaction, utcnow
from lms.extensions import db

bp = Blueprint("badges_cli", __name__, cli_group="badges")


@bp.cli.command("list")
@click.option("--search", default=None, help="Only awards whose learner, e-mail, badge or code matches.")
@click.option("--limit", default=100, show_default=True)
def list_awards(search, limit):
    """List badge awards, newest first."""
    rows = queries.recent_awards(search, limit=limit)
    for row in rows:
        award = row.award
        click.echo(f"{display(award.short_code)}  {award.status():<8} {award.issued_on:%Y-%m-%d}  "
                   f"{row.user.email:<32} {row.badge_class.slug}  {verify_url(award.short_code)}")
    click.echo(f"{len(rows)} award(s)")


@bp.cli.command("award")
@click.option("--email", required=True, help="The learner's e-mail address.")
@click.option("--course", "course_slug", required=True, help="The course slug.")
@click.option("--reason", required=True, help="Why the badge is awarded by hand (audit log).")
def award(email, course_slug, reason):
    """Award a course badge by hand."""
    mark_write_transaction()
    user, course = find_user(email), queries.course_by_slug(course_slug)
    if user is None:
        raise click.ClickException(f"no account uses {email}")
    if course is None:
        raise click.ClickException(f"no course has the slug {course_slug}")
    try:
        awarded = services.award_manually(None, user, course, reason=reason, now=utcnow())
    except services.BadgeError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Awarded {course.slug} to {user.email}: code {display(awarded.short_code)}, "
               f"{verify_url(awarded.short_code)}")


@bp.cli.command("revoke")
@click.option("--code", required=True, help="The award's verification code.")
@click.option("--reason", required=True, help="Shown on the verify page and in the assertion.")
def revoke(code, reason):
    """Revoke an award."""
    mark_write_transaction()
    normalised = normalise(code)
    row = queries.award_by_code(normalised) if normalised else None
    if row is None:
        raise click.ClickException(f"no badge has the code {code}")
    try:
        services.revoke_badge(None, row.award, reason=reason, now=utcnow())
    except services.BadgeError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Revoked {display(row.award.short_code)} ({row.user.email}, {row.badge_class.slug})")
