"""The members page's bulk actions: on the learners ticked (or on every learner the search
matches) remind, move, remove and export; on invitations send again and withdraw.

Without JavaScript each list is one form: tick rows, choose an action, submit. Ids posted for
anyone outside this cohort's list are dropped before anything happens. Removing and withdrawing
first show what will happen (templates/_confirm.html). Registered on the cohorts blueprint by
member_views.py.
"""
from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from lms.auth.models import User
from lms.cohorts import bulk, consent, queries, services
from lms.cohorts.forms import INVITATION_ACTIONS, LEARNER_ACTIONS, BulkForm
from lms.cohorts.member_views import render_members
from lms.cohorts.models import Cohort
from lms.cohorts.permissions import can_move_learner
from lms.cohorts.views import bp, managed_cohort, me
from lms.core.db import utcnow
from lms.core.errors import abort_with
from lms.dashboards import exports
from lms.dashboards import queries as dashboard_queries
from lms.extensions import db

MAX_IDS = 10_000  # ticked ids read from one post; "all that match" has no such limit
NAMES_SHOWN = 10  # on a confirmation page, the first few people by name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ids() -> list[int]:
    """The ticked ids: one `ids` field per box, or comma-separated (a confirmation page's)."""
    values = ",".join(request.form.getlist("ids")).split(",")
    return [int(v) for v in values if v.strip().isdigit()][:MAX_IDS]


def _valid_form(actions: dict) -> BulkForm:
    form = BulkForm(actions=actions)
    if not form.validate_on_submit():
        abort_with(400, _("This form could not be read. Go back to the list and try again."))
    return form


def _search(form: BulkForm) -> str:
    return (form.q.data or "").strip()


def _back(cohort: Cohort, form: BulkForm, state: str | None = None):
    return redirect(url_for("cohorts.members", cohort_id=cohort.id, state=state, q=_search(form) or None), 303)


def _confirmed(form: BulkForm, chosen: list) -> bool:
    """The second post of a confirmation, for the same number of people (when the search chose
    them, someone may have joined or left since the question was asked)."""
    return request.form.get("confirmed") == "1" and (not form.all_matching.data or form.count.data == len(chosen))


def _confirm_page(cohort: Cohort, form: BulkForm, ids: list[int], names: list[str], *, title: str, button: str,
                  consequences: list[str], endpoint: str, state: str | None = None, field=None):
    hidden = {"action": form.action.data, "q": _search(form), "count": len(ids),
              "all_matching": "1" if form.all_matching.data else "",
              "ids": "" if form.all_matching.data else ",".join(map(str, ids))}
    if form.course.data is not None:
        hidden["course"] = form.course.data
    return render_template("cohorts/bulk_confirm.html", cohort=cohort, title=title, button=button,
                           consequences=consequences, field=field, hidden=hidden, names=names[:NAMES_SHOWN],
                           more=max(len(ids) - len(names[:NAMES_SHOWN]), 0), changed=request.form.get("confirmed") == "1",
                           action=url_for(endpoint, cohort_id=cohort.id),
                           cancel_url=url_for("cohorts.members", cohort_id=cohort.id, state=state,
                                              q=_search(form) or None))


def _learner_names(ids: list[int]) -> list[str]:
    """The names of the first few, for the confirmation page. One query."""
    shown = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids[:NAMES_SHOWN]))).all())
    return [shown[i] for i in ids[:NAMES_SHOWN] if i in shown]


# ---- learners ------------------------------------------------------------------------------

@bp.post("/cohorts/<int:cohort_id>/members/bulk")
def bulk_members(cohort_id):
    cohort = managed_cohort(cohort_id)
    form = _valid_form(LEARNER_ACTIONS)
    chosen = queries.learner_selection(cohort, search=_search(form), ids=None if form.all_matching.data else _ids())
    if not chosen:
        flash(_("Tick at least one learner, or choose all the learners that match."), "error")
        return render_members(cohort, 400, state="active", search=_search(form))
    handler = {"remind": _remind, "move": _move, "remove": _remove}.get(form.action.data, _export)
    return handler(cohort, form, chosen)


def _course(cohort: Cohort, form: BulkForm) -> dashboard_queries.Context:
    ctx = dashboard_queries.context(cohort, form.course.data)
    if ctx is None:
        abort_with(404, _("This cohort has no such course."))
    if ctx.structure is None:
        abort_with(409, _("Assign a course to the cohort first: reminders and exports are about a course."))
    return ctx


def _remind(cohort: Cohort, form: BulkForm, chosen: list[int]):
    outcome = bulk.remind_learners(_course(cohort, form), chosen, user=me(), now=utcnow())
    db.session.commit()
    if outcome.sent:
        flash(ngettext("Reminder sent to %(num)d learner.", "Reminders sent to %(num)d learners.",
                       len(outcome.sent)), "success")
    if outcome.skipped:
        flash(ngettext("%(num)d learner was not sent it again (reminded in the last 24 hours, or the "
                       "account is deactivated).",
                       "%(num)d learners were not sent it again (reminded in the last 24 hours, or the "
                       "account is deactivated).", len(outcome.skipped)), "warning")
    return _back(cohort, form)


def _export(cohort: Cohort, form: BulkForm, chosen: list[int]):
    ctx, now, fmt = _course(cohort, form), utcnow(), form.action.data
    rows = exports.matrix_rows(cohort, ctx.structure, bulk.selected_rows(ctx, chosen, now=now),
                               due_on=ctx.due_on, now=now)
    body = exports.csv_stream(rows) if fmt == "csv" else exports.xlsx_stream(rows, "matrix")
    name = f"cohort-{cohort.id}-{ctx.course.slug}-selection-{now:%Y%m%d}.{fmt}"
    return Response(stream_with_context(body), mimetype="text/csv" if fmt == "csv" else XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _move(cohort: Cohort, form: BulkForm, chosen: list[int]):
    if form.target_id.data is None:
        return _move_page(cohort, form, chosen)
    target = db.session.get(Cohort, form.target_id.data)
    if target is None:
        abort(404)
    if not can_move_learner(current_user, cohort, target):
        abort(403)
    try:
        outcome = bulk.move_learners(cohort, target, chosen, user=me(), now=utcnow())
    except services.CohortError as error:
        db.session.rollback()
        flash(str(error), "error")
        return render_members(cohort, error.status, state="active", search=_search(form))
    db.session.commit()
    if outcome.moved:
        flash(ngettext("Moved %(num)d learner to %(name)s.", "Moved %(num)d learners to %(name)s.",
                       len(outcome.moved), name=target.name), "success")
    if outcome.already:
        flash(ngettext("%(num)d learner is already in %(name)s and was not moved.",
                       "%(num)d learners are already in %(name)s and were not moved.",
                       len(outcome.already), name=target.name), "warning")
    return _back(cohort, form)


def _move_page(cohort: Cohort, form: BulkForm, chosen: list[int]):
    """Choose the cohort to move the selection to (the members page lists only a few)."""
    form.target_id.choices = [(c.id, c.name) for c in queries.move_targets(current_user, cohort)]
    if not form.target_id.choices:
        flash(_("You run no other cohort that takes learners."), "error")
        return _back(cohort, form)
    return _confirm_page(
        cohort, form, chosen, _learner_names(chosen), endpoint="cohorts.bulk_members", field=form.target_id,
        title=ngettext("Move %(num)d learner", "Move %(num)d learners", len(chosen)), button=_("Move"),
        consequences=[_("They leave %(cohort)s (their progress stays in its history) and join the cohort "
                        "you choose.", cohort=cohort.name)])


def _remove(cohort: Cohort, form: BulkForm, chosen: list[int]):
    if not _confirmed(form, chosen):
        return _confirm_page(
            cohort, form, chosen, _learner_names(chosen), endpoint="cohorts.bulk_members",
            title=ngettext("Remove %(num)d learner from %(cohort)s?", "Remove %(num)d learners from %(cohort)s?",
                           len(chosen), cohort=cohort.name),
            button=ngettext("Remove %(num)d learner", "Remove %(num)d learners", len(chosen)),
            consequences=[_("They leave the cohort and its dashboards, and get no more reminders or messages "
                            "from it."),
                          _("Their accounts, progress, quiz results and badges are kept.")])
    removed = bulk.remove_learners(cohort, chosen, user=me(), now=utcnow())
    db.session.commit()
    flash(ngettext("Removed %(num)d learner.", "Removed %(num)d learners.", removed), "success")
    return _back(cohort, form)


# ---- invitations ---------------------------------------------------------------------------

@bp.post("/cohorts/<int:cohort_id>/invitations/bulk")
def bulk_invitations(cohort_id):
    cohort = managed_cohort(cohort_id)
    form = _valid_form(INVITATION_ACTIONS)
    chosen = queries.invitation_selection(cohort, search=_search(form),
                                          ids=None if form.all_matching.data else _ids())
    if not chosen:
        flash(_("Tick at least one invitation, or choose all the invitations that match."), "error")
        return render_members(cohort, 400, state="invited", search=_search(form))
    return (_send_again if form.action.data == "send" else _withdraw)(cohort, form, chosen)


def _send_again(cohort: Cohort, form: BulkForm, chosen: list):
    declined = sum(1 for invitation in chosen if invitation.response == consent.DECLINED)
    sent = consent.resend(cohort, chosen, user=me(), now=utcnow())
    db.session.commit()
    if sent:
        flash(ngettext("The invitation was sent again to %(num)d person.",
                       "The invitation was sent again to %(num)d people.", sent), "success")
    if declined:
        flash(ngettext("%(num)d person declined and was not asked again.",
                       "%(num)d people declined and were not asked again.", declined), "info")
    return _back(cohort, form, "invited")


def _withdraw(cohort: Cohort, form: BulkForm, chosen: list):
    if not _confirmed(form, chosen):
        return _confirm_page(
            cohort, form, [i.id for i in chosen], [i.name for i in chosen], endpoint="cohorts.bulk_invitations",
            state="invited",
            title=ngettext("Withdraw %(num)d invitation?", "Withdraw %(num)d invitations?", len(chosen)),
            button=ngettext("Withdraw %(num)d invitation", "Withdraw %(num)d invitations", len(chosen)),
            consequences=[_("The links already sent stop working, and the places they held are free again."),
                          _("Nobody is told. You can invite them again later.")])
    withdrawn = bulk.withdraw_invitations(cohort, chosen, user=me(), now=utcnow())
    db.session.commit()
    flash(ngettext("Withdrew %(num)d invitation.", "Withdrew %(num)d invitations.", withdrawn), "success")
    return _back(cohort, form, "invited")
