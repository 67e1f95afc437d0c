"""Progress over time: completions and active learners per week, drawn as SVG on the server.

"Active in a week" means the learner did something we record that week: opened a lesson (its
first or latest view) or started a quiz attempt. (Completing a lesson or finishing an attempt
almost always falls in the same week as one of those; leaving them out halves the rows read.)
Weeks start on Monday (UTC); the chart covers the cohort from its start to today (or its end),
at most 52 weeks. One grouped query, whatever the cohort size.
"""
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import format_date
from sqlalchemy import Date, Integer, bindparam, cast, func, literal, select, union

from lms.core.db import UTCDateTime
from lms.dashboards.queries import Structure, learner_ids
from lms.extensions import db
from lms.learning.models import Enrollment, LessonProgress
from lms.quizzes.models import QuizAttempt

MAX_WEEKS = 52
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 48


@dataclass
class Series:
    weeks: list[date]            # the Monday of each week
    completions: list[int]
    active: list[int]


def week_range(cohort, today: date) -> list[date]:
    start = cohort.starts_on or cohort.created_at.date()
    end = min(today, cohort.ends_on) if cohort.ends_on else today
    end = max(end, start)
    first, last = start - timedelta(days=start.weekday()), end - timedelta(days=end.weekday())
    count = (last - first).days // 7 + 1
    if count > MAX_WEEKS:
        first, count = last - timedelta(weeks=MAX_WEEKS - 1), MAX_WEEKS
    return [first + timedelta(weeks=n) for n in range(count)]


def _week_of(column, start: datetime):
    """The whole number of weeks between `start` (a Monday, 00:00 UTC) and the column's moment."""
    if db.session.get_bind().dialect.name == "sqlite":
        origin = bindparam(None, start, type_=UTCDateTime())
        return cast((func.julianday(column) - func.julianday(origin)) / 7, Integer)
    # Whole days between two dates, then whole weeks: integer arithmetic (epoch seconds would
    # be numeric on PostgreSQL, several times slower over tens of thousands of rows).
    days = cast(func.timezone("UTC", column), Date) - bindparam(None, start.date(), type_=Date())
    return days // 7


def weekly_series(cohort, structure: Structure, *, today: date) -> Series:
    """One grouped query: learners per (kind, week), kind "active" or "done". UNION (not UNION
    ALL) already makes each (kind, learner, week) distinct, so a plain count(*) follows."""
    weeks = week_range(cohort, today)
    start = datetime.combine(weeks[0], time(), tzinfo=UTC)
    who, course_id = learner_ids(cohort.id), structure.course.id
    moments = [(LessonProgress, LessonProgress.first_viewed_at), (LessonProgress, LessonProgress.last_viewed_at),
               (QuizAttempt, QuizAttempt.started_at), (Enrollment, Enrollment.completed_at)]
    events = union(*[
        select(literal("done" if model is Enrollment else "active").label("kind"), model.user_id.label("user_id"),
               _week_of(column, start).label("week"))
        .where(model.course_id == course_id, model.user_id.in_(who), column >= start)
        for model, column in moments]).subquery()
    counts = {(kind, week): n for kind, week, n in db.session.execute(
        select(events.c.kind, events.c.week, func.count())
        .group_by(events.c.kind, events.c.week))}
    return Series(weeks, [counts.get(("done", n), 0) for n in range(len(weeks))],
                  [counts.get(("active", n), 0) for n in range(len(weeks))])


def _nice_step(top: int) -> int:
    """A round tick step giving at most five ticks up to `top`."""
    raw = max(1, math.ceil(top / 5))
    magnitude = 10 ** (len(str(raw)) - 1)
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return raw


@dataclass
class Geometry:
    width: int
    height: int
    weeks: list[dict]            # per week: label, x, bar (x, y, w, h), point (x, y), values
    ticks: list[tuple[int, float]]
    line: str                    # polyline points of active learners
    plot: dict                   # left, right, top, bottom


def geometry(series: Series) -> Geometry:
    n = len(series.weeks)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max([1, *series.active, *series.completions])
    step = _nice_step(top)
    y_max = step * math.ceil(top / step)
    slot = plot_w / n
    label_every = max(1, math.ceil(n / 8))

    def y(value: float) -> float:
        return round(TOP + plot_h - plot_h * value / y_max, 1)

    weeks = []
    for k, (monday, done, active) in enumerate(zip(series.weeks, series.completions, series.active, strict=True)):
        centre = LEFT + slot * (k + 0.5)
        bar_w = max(1.0, slot * 0.55)
        weeks.append({
            "monday": monday, "completions": done, "active": active,
            "label": format_date(monday, "d MMM") if k % label_every == 0 else "",
            "x": round(centre, 1),
            "bar": (round(centre - bar_w / 2, 1), y(done), round(bar_w, 1), round(TOP + plot_h - y(done), 1)),
            "point": (round(centre, 1), y(active)),
        })
    ticks = [(value, y(value)) for value in range(0, y_max + 1, step)]
    line = " ".join(f"{w['point'][0]},{w['point'][1]}" for w in weeks)
    return Geometry(WIDTH, HEIGHT, weeks, ticks, line,
                    {"left": LEFT, "right": WIDTH - RIGHT, "top": TOP, "bottom": TOP + plot_h})
