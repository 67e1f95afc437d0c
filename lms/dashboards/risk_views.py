"""The at-risk work list and reminders (routes on the dashboards blueprint)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from lms.auth.models import User
from lms.core.db import utcnow
from lms.core.errors import abort_with
from lms.dashboards import queries, risks, services, worklist
from lms.dashboards.forms import RemindForm
from lms.dashboards.statuses import Rules, status_label
from lms.dashboards.views import _cohort, _context, _learners, bp
from lms.extensions import db


def _inactive_days() -> int:
    days = request.values.get("days", type=int)
    return days if days and 1 <= days <= 365 else risks.DEFAULT_INACTIVE_DAYS


def _shown() -> str:
    shown = request.values.get("status") or "attention"
    return shown if shown in worklist.FILTERS else "attention"


def _at_risk_page(ctx: queries.Context, form: RemindForm, status: int = 200):
    now, days = utcnow(), _inactive_days()
    rules = Rules.of(ctx.cohort, due_on=ctx.due_on, now=now, inactive_days=days)
    work = worklist.build(ctx, _learners(ctx, now, days), rules, shown=_shown(),
                          page=request.values.get("page", 1, type=int) or 1)
    return render_template("dashboards/at_risk.html", ctx=ctx, work=work, days=days, form=form, rules=rules,
                           label=status_label, risk_codes=risks.RISKS, statuses=risks.STATUSES), status


@bp.get("/cohorts/<int:cohort_id>/at-risk")
def at_risk(cohort_id: int):
    return _at_risk_page(_context(_cohort(cohort_id), need_course=True), RemindForm())


@bp.post("/cohorts/<int:cohort_id>/remind")
def remind(cohort_id: int):
    cohort = _cohort(cohort_id)
    ctx = queries.context(cohort, request.form.get("course", type=int))
    if ctx is None or ctx.structure is None:
        abort_with(404, _("This cohort has no such course."))
    now = utcnow()
    learners = {x.id: x for x in _learners(ctx, now, _inactive_days())}
    invitations = {i.id: i for i, _email in worklist.pending_invitations(cohort)}
    form = RemindForm()
    form.learners.choices = [(uid, x.name) for uid, x in learners.items()]
    form.invitations.choices = [(iid, i.name) for iid, i in invitations.items()]
    if not form.validate():
        return _at_risk_page(ctx, form, 400)
    chosen = db.session.scalars(select(User).where(User.id.in_(form.learners.data))).all()
    outcome = services.send_reminders(
        cohort, chosen, course=ctx.course, due_on=ctx.due_on, user=current_user, now=now,
        reasons={uid: learners[uid].risks for uid in form.learners.data},
        invitations=[invitations[iid] for iid in form.invitations.data])
    db.session.commit()
    _flash_outcome(outcome)
    return redirect(url_for(".at_risk", cohort_id=cohort.id, course=ctx.course.id, days=_inactive_days(),
                            status=_shown(), page=request.form.get("page", type=int)))


def _flash_outcome(outcome: services.ReminderOutcome) -> None:
    if outcome.sent:
        flash(ngettext("Reminder sent to %(num)d learner.", "Reminders sent to %(num)d learners.",
                       len(outcome.sent)), "success")
    if outcome.invited:
        flash(ngettext("Invitation sent again to %(num)d person.", "Invitation sent again to %(num)d people.",
                       len(outcome.invited)), "success")
    if outcome.skipped:
        flash(_("Not sent again (reminded in the last 24 hours): %(names)s",
                names=", ".join(x.name for x in outcome.skipped)), "warning")
