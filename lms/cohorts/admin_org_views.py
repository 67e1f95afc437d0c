"""Admin pages for organisations: the list (with how each was created), create, edit, merge,
delete (or delete and detach)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from lms.cohorts import admin_org_services, admin_queries
from lms.cohorts.admin_forms import MergeForm, OrganisationForm
from lms.cohorts.admin_views import confirm_page, confirm_then
from lms.cohorts.countries import country_name, is_country
from lms.cohorts.forms import KIND_LABELS, ActionForm
from lms.cohorts.models import Organisation
from lms.cohorts.services import CohortError
from lms.cohorts.views import bp, me
from lms.core.db import utcnow
from lms.core.security import require_role
from lms.extensions import db


def render_organisations(form, status=200):
    return render_template("admin/organisations.html", form=form, kind_labels=KIND_LABELS,
                           country_name=country_name,
                           rows=admin_queries.organisations_with_counts()), status


def _save_organisation(organisation, form) -> bool:
    try:
        admin_org_services.save_organisation(organisation, user=me(), now=utcnow(), name=form.name.data,
                                             kind=form.kind.data, country=form.country.data)
    except CohortError as error:
        db.session.rollback()
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


def _organisation(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


def _others(organisation: Organisation) -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.id != organisation.id)
                                   .order_by(Organisation.name)))


@bp.route("/admin/organisations/<int:organisation_id>", methods=["GET", "POST"])
@require_role("admin")
def admin_organisation(organisation_id):
    organisation = _organisation(organisation_id)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit() and _save_organisation(organisation, form):
        flash(_("Organisation saved."), "success")
        return redirect(url_for("cohorts.admin_organisations"))
    return render_template("admin/organisation.html", form=form, organisation=organisation,
                           references=reference_lines(admin_org_services.reference_counts(organisation)),
                           country_ok=not organisation.country or is_country(organisation.country),
                           merge_form=MergeForm(organisation=organisation, others=_others(organisation),
                                                formdata=None), action_form=ActionForm()), \
        400 if form.errors else 200


def reference_lines(counts: dict[str, int]) -> list[str]:
    """What refers to an organisation, in words: people, cohorts, anything else."""
    lines = []
    if counts.get("user"):
        lines.append(ngettext("%(num)d person", "%(num)d people", counts["user"]))
    if counts.get("cohort"):
        lines.append(ngettext("%(num)d cohort", "%(num)d cohorts", counts["cohort"]))
    others = sum(n for name, n in counts.items() if name not in ("user", "cohort"))
    if others:
        lines.append(ngettext("%(num)d other record", "%(num)d other records", others))
    return lines


def merge_consequences(gone: Organisation, kept: Organisation) -> list[str]:
    counts = admin_org_services.reference_counts(gone)
    moving = reference_lines(counts)
    return [_("%(kept)s stays, with its own name, kind and country.", kept=kept.name),
            (_("Moving from %(gone)s to %(kept)s: %(what)s.", what=", ".join(moving), gone=gone.name, kept=kept.name)
             if moving else _("Nothing refers to %(gone)s: nothing moves.", gone=gone.name)),
            _("%(gone)s is deleted. This cannot be undone.", gone=gone.name)]


@bp.post("/admin/organisations/<int:organisation_id>/merge")
@require_role("admin")
def admin_organisation_merge(organisation_id):
    organisation = _organisation(organisation_id)
    form = MergeForm(organisation=organisation, others=_others(organisation))
    if not form.validate_on_submit():
        abort(400)
    other = _organisation(form.other_id.data)
    gone, kept = (organisation, other) if form.keep.data == "other" else (other, organisation)
    return confirm_then(
        lambda: None,
        lambda: confirm_page(title=_("Merge %(gone)s into %(kept)s?", gone=gone.name, kept=kept.name),
                             button=_("Merge the organisations"), consequences=merge_consequences(gone, kept),
                             hidden={"other_id": other.id, "keep": form.keep.data},
                             cancel_url=url_for("cohorts.admin_organisation", organisation_id=organisation.id),
                             tab="cohorts.admin_organisations"),
        lambda: admin_org_services.merge_organisations(gone, kept, user=me()),
        done=_("%(gone)s has been merged into %(kept)s.", gone=gone.name, kept=kept.name),
        back=url_for("cohorts.admin_organisation", organisation_id=kept.id))


def detach_consequences(organisation: Organisation, counts: dict[str, int]) -> list[str]:
    lines = []
    if counts.get("user"):
        lines.append(ngettext(
            "%(num)d person is detached from it; \"%(name)s\" stays written as their organisation "
            "(unless they wrote one themselves).",
            "%(num)d people are detached from it; \"%(name)s\" stays written as their organisation "
            "(unless they wrote one themselves).", counts["user"], name=organisation.name))
    if counts.get("cohort"):
        lines.append(ngettext("%(num)d cohort will name no organisation.",
                              "%(num)d cohorts will name no organisation.", counts["cohort"]))
    lines.append(_("%(name)s is deleted. This cannot be undone.", name=organisation.name))
    return lines


@bp.post("/admin/organisations/<int:organisation_id>/delete")
@require_role("admin")
def admin_organisation_delete(organisation_id):
    organisation = _organisation(organisation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    counts, detach, name = admin_org_services.reference_counts(organisation), request.form.get("detach") == "1", \
        organisation.name
    if counts and not detach:  # first say who refers to it, and offer a merge or detaching them
        status = 409 if request.form.get("confirmed") == "1" else 200
        return render_template("admin/organisation_delete.html", organisation=organisation,
                               references=reference_lines(counts), consequences=detach_consequences(organisation, counts),
                               merge_form=MergeForm(organisation=organisation, others=_others(organisation),
                                                    formdata=None)), status
    return confirm_then(
        lambda: None,
        lambda: confirm_page(title=_("Delete %(name)s?", name=name), button=_("Delete the organisation"),
                             consequences=detach_consequences(organisation, counts),
                             hidden={"detach": "1"} if detach else {},
                             cancel_url=url_for("cohorts.admin_organisation", organisation_id=organisation_id),
                             tab="cohorts.admin_organisations"),
        lambda: admin_org_services.delete_organisation(organisation, user=me(), detach=detach),
        done=_("%(name)s has been deleted.", name=name), back=url_for("cohorts.admin_organisations"))
