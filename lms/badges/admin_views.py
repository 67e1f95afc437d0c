"""Badge administration: award by hand, the awards list (search, pages), and revoke or reinstate
an award from the list, each after a confirmation page. Routes on the badges blueprint."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.services import find_user
from lms.badges import queries, services
from lms.badges.codes import display
from lms.badges.forms import AwardForm, ReinstateForm, RevokeForm
from lms.badges.views import bp
from lms.core.db import utcnow
from lms.core.errors import abort_with
from lms.core.htmx import render_page_or_fragment
from lms.core.i18n import translated
from lms.core.security import require_role
from lms.extensions import db

CHANGES = {"revoke": (RevokeForm, services.revoke_badge), "reinstate": (ReinstateForm, services.reinstate_badge)}


def listing() -> dict:
    """The awards list's search, status and page from the query string (kept through a change)."""
    status, page = request.args.get("status", ""), request.args.get("page", "")
    return {"q": request.args.get("q", "").strip()[:100] or None,
            "status": status if status in queries.STATUSES else None,
            "page": int(page) if page.isdigit() and 1 < int(page) < 10**6 else None}


def award_form() -> AwardForm:
    form = AwardForm(prefix="award")
    form.course.choices = [("", _("Choose a course"))] + [(c.slug, translated(c)) for c in queries.awardable_courses()]
    return form


def render_admin(form: AwardForm, status: int = 200):
    shown = listing()
    awards = queries.awards_page(search=shown["q"] or "", status=shown["status"] or "", page=shown["page"] or 1)
    return render_page_or_fragment("badges/admin.html", "badges/_admin_awards.html", award_form=form,
                                   awards=awards, listing=shown), status


@bp.route("/admin/badges", methods=["GET", "POST"])
@require_role("admin")
def admin():
    form = award_form()
    if request.method == "GET":
        return render_admin(form)
    status = _award(form)
    return redirect(url_for("badges.admin")) if status is None else render_admin(form, status)


def _award(form: AwardForm) -> int | None:
    """None when the award is made (and committed), else the status of the page with the error."""
    if not form.validate_on_submit():
        return 400
    user, course = find_user(form.email.data), queries.course_by_slug(form.course.data)
    try:
        if user is None:
            raise services.BadgeError(_("No account uses that e-mail address."), 404)
        if course is None:
            raise services.BadgeError(_("Unknown course."), 404)
        award = services.award_manually(current_user, user, course, reason=form.reason.data, now=utcnow())
    except services.BadgeError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return error.status
    db.session.commit()
    flash(_("Badge awarded to %(name)s (code %(code)s).", name=user.name, code=display(award.short_code)), "success")
    return None


@bp.post("/admin/badges/<uuid:uuid>/revoke")
@require_role("admin")
def admin_revoke(uuid):
    return _change(str(uuid), "revoke")


@bp.post("/admin/badges/<uuid:uuid>/reinstate")
@require_role("admin")
def admin_reinstate(uuid):
    return _change(str(uuid), "reinstate")


def _change(uuid: str, change: str):
    """The first POST shows what will happen and asks for the reason; the one with confirmed=1 acts."""
    form_class, service = CHANGES[change]
    row = queries.award_by_uuid(uuid) or abort(404)
    if (row.award.revoked_at is None) != (change == "revoke"):
        abort_with(409, _("This badge was already revoked.") if change == "revoke" else _("This badge is not revoked."))
    form = form_class()
    if request.form.get("confirmed") != "1":
        return _confirm_page(row, form, change)
    if not form.validate_on_submit():
        return _confirm_page(row, form, change, 400)
    try:
        service(current_user, row.award, reason=form.reason.data, now=utcnow())
    except services.BadgeError as error:
        db.session.rollback()
        form.reason.errors = [str(error)]
        return _confirm_page(row, form, change, error.status)
    db.session.commit()
    code = display(row.award.short_code)
    flash(_("Badge %(code)s revoked. %(name)s has been told by e-mail.", code=code, name=row.user.name)
          if change == "revoke" else
          _("Badge %(code)s reinstated. %(name)s has been told by e-mail.", code=code, name=row.user.name), "success")
    return redirect(url_for("badges.admin", **listing()), 303)


def _confirm_page(row, form, change: str, status: int = 200):
    return render_template("badges/admin_confirm.html", row=row, form=form, change=change, listing=listing(),
                           code=display(row.award.short_code), admin_tab="badges.admin"), status
