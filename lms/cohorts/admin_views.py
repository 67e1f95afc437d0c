"""Admin pages: platform overview, organisations, users, all cohorts."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.auth.models import ROLES, User
from lms.cohorts import admin_queries, admin_services, queries
from lms.cohorts.countries import country_name
from lms.cohorts.forms import (
    KIND_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    ActiveForm,
    OrganisationForm,
    RoleForm,
)
from lms.cohorts.models import COHORT_STATUSES, Organisation
from lms.cohorts.services import CohortError
from lms.cohorts.views import bp, me
from lms.core.db import utcnow
from lms.core.htmx import render_page_or_fragment
from lms.core.security import require_role
from lms.extensions import db


@bp.get("/admin")
@require_role("admin")
def admin_home():
    return render_template("admin/home.html", totals=admin_queries.totals(),
                           by_country=admin_queries.learners_by_country(),
                           by_kind=admin_queries.learners_by_kind(),
                           courses=admin_queries.completions_per_course(),
                           country_name=country_name, kind_labels=KIND_LABELS)


def render_organisations(form, status=200):
    return render_template("admin/organisations.html", form=form, kind_labels=KIND_LABELS,
                           country_name=country_name,
                           rows=admin_queries.organisations_with_counts()), status


def _save_organisation(organisation, form) -> bool:
    try:
        admin_services.save_organisation(organisation, user=me(), now=utcnow(), name=form.name.data,
                                         kind=form.kind.data, country=form.country.data)
    except CohortError as error:
        form.name.errors.append(str(error))
        return False
    db.session.commit()
    return True


@bp.route("/admin/organisations", methods=["GET", "POST"])
@require_role("admin")
def admin_organisations():
    form = OrganisationForm()
    if form.validate_on_submit() and _save_organisation(None, form):
        flash(_("Organisation %(name)s created.", name=form.name.data.strip()), "success")
        return redirect(url_for("cohorts.admin_organisations"))
    return render_organisations(form, 400 if form.errors else 200)


@bp.route("/admin/organisations/<int:organisation_id>", methods=["GET", "POST"])
@require_role("admin")
def admin_organisation(organisation_id):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit() and _save_organisation(organisation, form):
        flash(_("Organisation saved."), "success")
        return redirect(url_for("cohorts.admin_organisations"))
    return render_template("admin/organisation.html", form=form, organisation=organisation), \
        400 if form.errors else 200


def render_users(status=200):
    search = request.args.get("q", "")[:100]
    role = request.args.get("role", "")
    role = role if role in ROLES else ""
    page = request.args.get("page", "1")
    users = admin_queries.users_page(search=search, role=role, page=int(page) if page.isdigit() else 1)
    return render_page_or_fragment("admin/users.html", "admin/_users.html", users=users, search=search,
                                   role=role, roles=ROLES, role_labels=ROLE_LABELS,
                                   role_form=RoleForm(), active_form=ActiveForm()), status


@bp.get("/admin/users")
@require_role("admin")
def admin_users():
    return render_users()


def _change_user(user_id: int, form, change) -> object:
    target = db.session.get(User, user_id) or abort(404)
    if not form.validate_on_submit():
        abort(400)
    try:
        change(target)
    except CohortError as error:
        flash(str(error), "error")
        return render_users(error.status)
    db.session.commit()
    flash(_("Saved: %(email)s.", email=target.email), "success")
    return redirect(url_for("cohorts.admin_users", q=request.args.get("q") or None))


@bp.post("/admin/users/<int:user_id>/role")
@require_role("admin")
def admin_user_role(user_id):
    form = RoleForm()
    return _change_user(user_id, form, lambda target: admin_services.change_role(target, form.role.data, user=me()))


@bp.post("/admin/users/<int:user_id>/active")
@require_role("admin")
def admin_user_active(user_id):
    form = ActiveForm()
    return _change_user(user_id, form,
                        lambda target: admin_services.set_active(target, form.active.data == "1", user=me()))


@bp.get("/admin/cohorts")
@require_role("admin")
def admin_cohorts():
    status = request.args.get("status", "")
    status = status if status in COHORT_STATUSES else ""
    rows = queries.cohort_rows(me(), status=status or None)
    return render_template("admin/cohorts.html", rows=rows, status=status, statuses=COHORT_STATUSES,
                           status_labels=STATUS_LABELS,
                           facilitators=queries.facilitators_by_cohort(row.Cohort.id for row in rows))
