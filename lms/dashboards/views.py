"""Facilitator dashboards: overview, progress matrix, at-risk list and reminders, learner
drill-down, quiz item analysis, weekly chart and exports. Every route checks can_view_cohort."""

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    stream_with_context,
)
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.models import User
from lms.cohorts.models import Cohort
from lms.cohorts.permissions import can_view_cohort, can_view_learner, cohort_for
from lms.core.db import utcnow
from lms.core.errors import abort_with
from lms.core.htmx import render_page_or_fragment
from lms.dashboards import charts, exports, funnel, items, matrix, queries, risks
from lms.dashboards.forms import override_forms
from lms.dashboards.learner import learner_page
from lms.extensions import db

bp = Blueprint("dashboards", __name__)


def _cohort(cohort_id: int) -> Cohort:
    return cohort_for(current_user, cohort_id, can_view_cohort)


def _context(cohort: Cohort, *, need_course: bool = False) -> queries.Context:
    ctx = queries.context(cohort, request.args.get("course", type=int))
    if ctx is None or (need_course and ctx.structure is None):
        abort_with(404, _("This cohort has no such course."))
    return ctx


def _learners(ctx: queries.Context, now, inactive_days=risks.DEFAULT_INACTIVE_DAYS):
    learners = queries.learner_rows(ctx.cohort, ctx.structure)
    risks.mark_risks(learners, due_on=ctx.due_on, now=now, inactive_days=inactive_days, cohort=ctx.cohort)
    return learners


@bp.get("/cohorts/<int:cohort_id>/dashboard")
def cohort(cohort_id: int):
    ctx = _context(_cohort(cohort_id))
    if ctx.structure is None:
        return render_template("dashboards/cohort.html", ctx=ctx, headline=None)
    now = utcnow()
    learners = _learners(ctx, now)
    headline = risks.headline(ctx.cohort, ctx.structure, learners, due_on=ctx.due_on, now=now)
    series = charts.weekly_series(ctx.cohort, ctx.structure, today=now.date())
    steps = funnel.build(ctx.cohort, ctx.structure, learners)
    return render_template("dashboards/cohort.html", ctx=ctx, headline=headline, chart=charts.geometry(series),
                           chart_narrow=charts.geometry(series, charts.NARROW),
                           at_risk=headline.attention, funnel=steps,
                           funnel_bars=funnel.geometry(steps), funnel_narrow=funnel.geometry(steps, funnel.NARROW))


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
                                   options=grid.options, module=ctx.structure.module(module_slug or ""),
                                   states=matrix.STATES, per_page_choices=matrix.PER_PAGE_CHOICES)


@bp.get("/cohorts/<int:cohort_id>/learners/<int:user_id>")
def learner(cohort_id: int, user_id: int):
    cohort = _cohort(cohort_id)
    person = db.session.get(User, user_id)
    if person is None or not can_view_learner(current_user, person, cohort):
        abort(404)
    page = learner_page(cohort, person, queries.assigned_courses(cohort))
    return render_template("dashboards/learner.html", cohort=cohort, person=person, page=page,
                           override_forms=override_forms(page.overrides))


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


from lms.dashboards import override_views, risk_views  # noqa: E402,F401  (routes on bp)
