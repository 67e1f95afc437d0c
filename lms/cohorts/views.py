"""Cohort pages for facilitators and admins: list, create, settings, courses, facilitators.

Members, CSV upload and join codes are in member_views.py; joining in join_views.py; an invited
learner's first visit in welcome_views.py; the admin pages in admin_views.py. All register on
this blueprint.
"""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.services import find_user
from lms.catalog.models import Course
from lms.cohorts import queries, services
from lms.cohorts.forms import (
    STATUS_LABELS,
    ActionForm,
    AssignCourseForm,
    CohortForm,
    FacilitatorForm,
)
from lms.cohorts.models import Cohort
from lms.cohorts.permissions import can_create_cohort, can_manage_cohort, cohort_for
from lms.core.db import utcnow
from lms.core.i18n import translated
from lms.extensions import db

bp = Blueprint("cohorts", __name__)


@bp.app_context_processor
def _cohort_links():
    def cohort_dashboard_url(cohort) -> str:
        return url_for("dashboards.cohort", cohort_id=cohort.id)

    def my_invitations():
        """The current user's unanswered invitations, with their cohorts (My learning)."""
        from lms.cohorts.consent import pending_for_user

        return pending_for_user(current_user.id) if current_user.is_authenticated else []

    return {"cohort_dashboard_url": cohort_dashboard_url, "my_invitations": my_invitations}


def me():
    return current_user._get_current_object()


def managed_cohort(cohort_id: int) -> Cohort:
    """The cohort, if the current user may manage it: 404 when it does not exist, else 403."""
    return cohort_for(current_user, cohort_id, can_manage_cohort)


def cohort_fields(form: CohortForm) -> dict:
    return {"name": form.name.data, "organisation_id": form.organisation_id.data,
            "status": form.status.data, "starts_on": form.starts_on.data, "ends_on": form.ends_on.data,
            "capacity": form.capacity.data, "description": form.description.data or "",
            "grace_days": form.grace_days.data}


@bp.get("/cohorts")
def index():
    if not can_create_cohort(current_user):
        abort(403)
    rows = queries.cohort_rows(current_user)
    return render_template("cohorts/index.html", rows=rows, status_labels=STATUS_LABELS)


@bp.route("/cohorts/new", methods=["GET", "POST"])
def new():
    if not can_create_cohort(current_user):
        abort(403)
    form = CohortForm(organisations=queries.organisations())
    if form.validate_on_submit():
        cohort = services.create_cohort(user=me(), now=utcnow(), **cohort_fields(form))
        db.session.commit()
        flash(_("Cohort created. Assign courses, then invite learners."), "success")
        return redirect(url_for("cohorts.manage", cohort_id=cohort.id))
    return render_template("cohorts/new.html", form=form), 400 if form.errors else 200


def render_settings(cohort: Cohort, status: int = 200, **forms):
    forms.setdefault("form", CohortForm(obj=cohort, organisations=queries.organisations()))
    forms.setdefault("course_form", AssignCourseForm(courses=queries.assignable_courses()))
    forms.setdefault("facilitator_form", FacilitatorForm())
    return render_template("cohorts/settings.html", cohort=cohort, action_form=ActionForm(),
                           assigned=queries.assigned_courses(cohort),
                           facilitators=queries.facilitators(cohort), **forms), status


@bp.route("/cohorts/<int:cohort_id>/settings", methods=["GET", "POST"])
def manage(cohort_id):
    cohort = managed_cohort(cohort_id)
    form = CohortForm(obj=cohort, organisations=queries.organisations())
    if form.validate_on_submit():
        try:
            services.update_cohort(cohort, user=me(), **cohort_fields(form))
        except services.CohortError as error:
            form.capacity.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("cohorts.manage", cohort_id=cohort.id))
    return render_settings(cohort, 400 if form.errors else 200, form=form)


@bp.post("/cohorts/<int:cohort_id>/courses")
def assign_course(cohort_id):
    cohort = managed_cohort(cohort_id)
    form = AssignCourseForm(courses=queries.assignable_courses())
    if not form.validate_on_submit():
        return render_settings(cohort, 400, course_form=form)
    course = db.session.get(Course, form.course_id.data)
    services.assign_course(cohort, course, user=me(), now=utcnow(), due_on=form.due_on.data)
    db.session.commit()
    flash(_("%(title)s is assigned; every learner in the cohort is enrolled.", title=translated(course)), "success")
    return redirect(url_for("cohorts.manage", cohort_id=cohort.id, _anchor="courses"))


@bp.post("/cohorts/<int:cohort_id>/courses/<int:course_id>/remove")
def unassign_course(cohort_id, course_id):
    cohort = managed_cohort(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.unassign_course(cohort, course_id, user=me())
    except services.CohortError as error:
        abort(error.status)
    db.session.commit()
    flash(_("The course is no longer assigned. Learners keep their progress."), "success")
    return redirect(url_for("cohorts.manage", cohort_id=cohort.id, _anchor="courses"))


@bp.post("/cohorts/<int:cohort_id>/facilitators")
def add_facilitator(cohort_id):
    cohort = managed_cohort(cohort_id)
    form = FacilitatorForm()
    if form.validate_on_submit():
        person = find_user(form.email.data)
        try:
            if person is None:
                raise services.CohortError(_("No account uses this address. An administrator can "
                                             "create a facilitator account first."), 400)
            services.add_facilitator(cohort, person, user=me(), now=utcnow())
        except services.CohortError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("%(name)s now facilitates this cohort.", name=person.name), "success")
            return redirect(url_for("cohorts.manage", cohort_id=cohort.id, _anchor="facilitators"))
    return render_settings(cohort, 400, facilitator_form=form)


@bp.post("/cohorts/<int:cohort_id>/facilitators/<int:user_id>/remove")
def remove_facilitator(cohort_id, user_id):
    cohort = managed_cohort(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.remove_facilitator(cohort, user_id, user=me(), now=utcnow())
    except services.CohortError as error:
        flash(str(error), "error")
        return render_settings(cohort, error.status)
    db.session.commit()
    flash(_("The facilitator was removed from this cohort."), "success")
    if not can_manage_cohort(current_user, cohort):
        return redirect(url_for("cohorts.index"))
    return redirect(url_for("cohorts.manage", cohort_id=cohort.id, _anchor="facilitators"))


from lms.cohorts import (  # noqa: E402,F401  (routes on bp)
    admin_views,
    invitation_views,
    join_views,
    member_views,
    message_views,
    welcome_views,
)
