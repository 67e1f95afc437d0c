"""Learner badge pages and the PDF certificate. The public Open Badges routes are in
openbadge_views.py, the verify page in verify_views.py and badge administration in
admin_views.py, on the same blueprint."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.badges import completion, queries, services
from lms.badges.certificate import certificate_pdf
from lms.badges.codes import display
from lms.badges.display import award_links
from lms.badges.forms import PrivacyForm
from lms.badges.permissions import can_download_certificate, owns_award
from lms.catalog.models import Course
from lms.catalog.queries import course_text
from lms.core.errors import abort_with
from lms.core.htmx import is_htmx
from lms.extensions import db

bp = Blueprint("badges", __name__)
bp.add_app_template_filter(display, "short_code")


@bp.app_template_global("course_completion")
def _course_completion(course):
    """The current learner's completion card for `course`, or None (templates/badges/_completion.html)."""
    return completion.completion_card(current_user, course)


@bp.app_template_global("course_completions")
def _course_completions(courses):
    """{course id: card} for many courses in two queries (My learning)."""
    return completion.completion_cards(current_user, courses)


@bp.app_template_global("badge_names")
def badge_names(badge_classes) -> dict[int, str]:
    """{badge class id: its name in the reader's language}, one query for a page of awards."""
    ids = {bc.course_id for bc in badge_classes}
    courses = {c.id: c for c in db.session.scalars(select(Course).where(Course.id.in_(ids)))} if ids else {}
    language = str(get_locale() or "en")
    return {bc.id: (course_text(courses[bc.course_id], language).badge_name if bc.course_id in courses else "")
            or bc.name for bc in badge_classes}


def card(row, courses: dict | None = None) -> dict:
    """courses: {id: Course} of the badge classes, for the badge's name in the learner's language."""
    course = (courses or {}).get(row.badge_class.course_id) if courses is not None else \
        db.session.get(Course, row.badge_class.course_id)
    name = course_text(course, str(get_locale() or "en")).badge_name if course else ""
    name = name or row.badge_class.name
    return {"row": row, "status": row.award.status(), "name": name, "links": award_links(row.award, name)}


@bp.get("/badges")
def mine():
    rows = queries.awards_for_user(current_user.id)
    ids = {row.badge_class.course_id for row in rows}
    courses = {c.id: c for c in db.session.scalars(select(Course).where(Course.id.in_(ids)))} if ids else {}
    cards = [card(row, courses) for row in rows]
    return render_template("badges/mine.html", cards=cards)


@bp.post("/badges/<uuid:uuid>/privacy")
def privacy(uuid):
    row = queries.award_by_uuid(str(uuid))
    if row is None or not owns_award(current_user, row.award):
        abort(404)
    form = PrivacyForm()
    if not form.validate_on_submit() or form.show_name.data not in ("0", "1"):
        abort(400)
    services.set_show_name(current_user, row.award, form.show_name.data == "1")
    db.session.commit()
    if is_htmx():
        return render_template("badges/_badge_card.html", c=card(row))
    flash(_("Your choice is saved."), "success")
    return redirect(url_for("badges.mine"))


@bp.get("/badges/assertions/<uuid:uuid>/certificate.pdf")
def certificate(uuid):
    row = queries.award_by_uuid(str(uuid))
    if row is None or not can_download_certificate(current_user, row.award):
        abort(404)
    if row.award.status() == "revoked":
        abort_with(410, _("This badge was revoked on %(date)s, so its certificate is no longer valid.",
                          date=format_date(row.award.revoked_at, "long")))
    pdf = certificate_pdf(row, queries.course_by_slug(row.badge_class.slug))
    filename = f"certificate-{display(row.award.short_code)}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


from lms.badges import admin_views, openbadge_views, verify_views  # noqa: E402,F401  (routes on bp)
