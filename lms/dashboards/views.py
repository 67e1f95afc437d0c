"""Facilitator dashboards: overview, progress matrix, at-risk list and reminders, learner
drill-down, quiz item analysis, weekly chart and exports. Every route checks can_view_cohort."""
import math

from flask import (
    Blueprint,
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
from lms.cohorts.models import Cohort
from lms.cohorts.permissions import can_view_cohort, can_view_learner, cohort_for
from lms.core.db import utcnow
from lms.core.errors import abort_with
from lms.core.htmx import render_page_or_fragment
from lms.dashboards import charts, exports, items, matrix, queries, risks, services
from lms.dashboards.forms import RemindForm
from lms.dashboards.learner import learner_page
from lms.extensions import db

bp = Blueprint("dashboards", __name__)
AT_RISK_PER_PAGE = 100


def _cohort(cohort_id: int) -> Cohort:
    return cohort_for(current_user, cohort_id, can_view_cohort)


def _context(cohort: Cohort, *, need_course: bool = False) -> queries.Context:
    ctx = queries.context(cohort, request.args.get("course", type=int))
    if ctx is None or (need_course and ctx.structure is None):
        abort_with(404, _("This cohort has no such course."))
    return ctx


def _learners(ctx: queries.Context, now, inactive_days=risks.DEFAULT_INACTIVE_DAYS):
    learners = queries.learner_rows(ctx.cohort, ctx.structure)
    risks.mark_risks(learners, due_on=ctx.due_on, now=now, inactive_days=inactive_days)
    return learners


@bp.get("/cohorts/<int:cohort_id>/dashboard")
def cohort(cohort_id: int):
    ctx = _context(_cohort(cohort_id))
    if ctx.structure is None:
        return render_template("dashboards/cohort.html", ctx=ctx, headline=None)
    now = utcnow()
    learners = _learners(ctx, now)
    headline = risks.headline(ctx.cohort, ctx.structure, learners, due_on=ctx.due_on, now=now)
    chart = charts.geometry(charts.weekly_series(ctx.cohort, ctx.structure, today=now.date()))
    return render_template("dashboards/cohort.html", ctx=ctx, headline=headline, chart=chart,
                           at_risk=sum(1 for x in learners if x.risks))


@bp.get("/cohorts/<int:cohort_id>/matrix", endpoint="matrix")
def matrix_page(cohort_id: int):
    ctx = _context(_cohort(cohort_id), need_course=True)
    module_slug = request.args.get("module") or None
    if module_slug and ctx.structure.module(module_slug) is None:
        abort_with(404, _("This course has no such module."))
    now = utcnow()
    learners = _learners(ctx, now)
    options = matrix.Options.from_args(request.args)
    overdue = {x.id for x in learners if risks.is_overdue(x, ctx.due_on, now)}
    grid = matrix.build(ctx.cohort, ctx.structure, learners, options, module_slug=module_slug, overdue_ids=overdue)
    return render_page_or_fragment("dashboards/matrix.html", "dashboards/_matrix.html", ctx=ctx, grid=grid,
                                   options=options, module=ctx.structure.module(module_slug or ""),
                                   states=matrix.STATES)


def _inactive_days() -> int:
    days = request.values.get("days", type=int)
    return days if days and 1 <= days <= 365 else risks.DEFAULT_INACTIVE_DAYS


def _at_risk_page(ctx: queries.Context, form: RemindForm, status: int = 200):
    now, days = utcnow(), _inactive_days()
    learners = [x for x in _learners(ctx, now, days) if x.risks]
    learners.sort(key=lambda x: (-len(x.risks), x.name.casefold(), x.id))
    pages = max(1, math.ceil(len(learners) / AT_RISK_PER_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    reminded = risks.last_reminders(ctx.cohort)
    return render_template("dashboards/at_risk.html", ctx=ctx, total=len(learners), page=page, pages=pages,
                           learners=learners[(page - 1) * AT_RISK_PER_PAGE: page * AT_RISK_PER_PAGE], days=days,
                           form=form, reminded=reminded, risk_label=risks.risk_label), status


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
    form = RemindForm()
    form.learners.choices = [(uid, x.name) for uid, x in learners.items()]
    if not form.validate():
        return _at_risk_page(ctx, form, 400)
    chosen = db.session.scalars(select(User).where(User.id.in_(form.learners.data))).all()
    outcome = services.send_reminders(cohort, chosen, course=ctx.course, due_on=ctx.due_on, user=current_user,
                                      now=now, reasons={uid: learners[uid].risks for uid in form.learners.data})
    db.session.commit()
    _flash_outcome(outcome)
    return redirect(url_for(".at_risk", cohort_id=cohort.id, course=ctx.course.id, days=_inactive_days()))


def _flash_outcome(outcome: services.ReminderOutcome) -> None:
    if outcome.sent:
        flash(ngettext("Reminder sent to %(num)d learner.", "Reminders sent to %(num)d learners.",
                       len(outcome.sent)), "success")
    if outcome.skipped:
        flash(_("Not sent again (reminded in the last 24 hours): %(names)s",
                names=", ".join(x.name for x in outcome.skipped)), "warning")


@bp.get("/cohorts/<int:cohort_id>/learners/<int:user_id>")
def learner(cohort_id: int, user_id: int):
    cohort = _cohort(cohort_id)
    person = db.session.get(User, user_id)
    if person is None or not can_view_learner(current_user, person, cohort):
        abort(404)
    assigned = queries.assigned_courses(cohort)
    return render_template("dashboards/learner.html", cohort=cohort, person=person,
                           page=learner_page(cohort, person, assigned))


@bp.get("/cohorts/<int:cohort_id>/items", endpoint="items")
def items_page(cohort_id: int):
    ctx = _context(_cohort(cohort_id))
    content = queries.structures([a.course for a in ctx.assigned])
    quizzes = {qid: q for s in content.values() for qid, q in s.quizzes.items()}
    quiz_id = request.args.get("quiz", type=int)
    if quiz_id is None and ctx.structure and ctx.structure.quizzes:
        quiz_id = next(iter(ctx.structure.quizzes))
    if quiz_id is not None and quiz_id not in quizzes:
        abort_with(404, _("This cohort has no such quiz."))
    mode = request.args.get("attempts") if request.args.get("attempts") in items.ATTEMPT_CHOICES else "first"
    analysis = items.analyse_quiz(ctx.cohort, quizzes[quiz_id], mode) if quiz_id else None
    return render_template("dashboards/items.html", ctx=ctx, content=content, analysis=analysis, mode=mode,
                           choices=items.ATTEMPT_CHOICES)


@bp.get("/cohorts/<int:cohort_id>/chart.svg")
def chart(cohort_id: int):
    ctx = _context(_cohort(cohort_id), need_course=True)
    series = charts.weekly_series(ctx.cohort, ctx.structure, today=utcnow().date())
    svg = render_template("dashboards/chart.svg", chart=charts.geometry(series), ctx=ctx, standalone=True)
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/cohorts/<int:cohort_id>/export.<fmt>")
def export(cohort_id: int, fmt: str):
    ctx = _context(_cohort(cohort_id), need_course=True)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    what = request.args.get("what", "matrix")
    if what not in exports.KINDS:
        abort_with(400, _("Choose what to export: matrix or quiz."))
    now = utcnow()
    if what == "matrix":
        rows = exports.matrix_rows(ctx.cohort, ctx.structure, _learners(ctx, now), due_on=ctx.due_on, now=now)
    else:
        rows = exports.quiz_rows(ctx.cohort, ctx.structure)
    name = f"cohort-{ctx.cohort.id}-{ctx.course.slug}-{what}-{now:%Y%m%d}.{fmt}"
    body = exports.csv_stream(rows) if fmt == "csv" else exports.xlsx_stream(rows, what)
    mimetype = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(stream_with_context(body), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
