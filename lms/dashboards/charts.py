"""Progress over time: completions and active learners per week, drawn as SVG on the server.

"Active in a week" means the learner did something we record that week: opened a lesson (its
first or latest view) or started a quiz attempt. (Completing a lesson or finishing an attempt
almost always falls in the same week as one of those; leaving them out halves the rows read.)
Weeks start on Monday (UTC); the chart covers the cohort from its start to today (or its end),
at most 52 weeks. One grouped query, whatever the cohort size.
"""
import math
import textwrap
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import Date, Integer, bindparam, cast, func, literal, select, union

from lms.cohorts.permissions import visible_since_joining
from lms.core.db import UTCDateTime
from lms.dashboards.queries import Structure
from lms.extensions import db
from lms.learning.models import Enrollment, LessonProgress
from lms.quizzes.models import QuizAttempt

MAX_WEEKS = 52
# Two panels over the same weeks, each with its own scale: active learners (a line) above,
# course completions (bars) below, so that 3 completions next to 900 active learners show.
WIDTH, HEIGHT = 640, 316
LEFT, RIGHT = 48, 12
ACTIVE_PANEL = (28, 168)      # top and bottom of each plot, in SVG units (the wide layout)
DONE_PANEL = (200, 270)


@dataclass(frozen=True)
class Layout:
    """The chart's proportions. The SVG scales to the width of its box, so its text is
    font * box / width pixels tall: the wide layout from 640 px up, the narrow one on phones
    (300 units in a 288-416 px box keeps 13-unit text between 12.5 and 18 px)."""
    width: int
    left: int
    right: int
    font: int                # font size, SVG units
    title_chars: int         # a panel title longer than this wraps onto more lines
    title_x: int
    labels: int              # at most this many week labels under the bars
    active_h: int
    done_h: int


WIDE = Layout(WIDTH, LEFT, RIGHT, font=12, title_chars=80, title_x=LEFT, labels=8,
              active_h=ACTIVE_PANEL[1] - ACTIVE_PANEL[0], done_h=DONE_PANEL[1] - DONE_PANEL[0])
NARROW = Layout(300, 50, 8, font=13, title_chars=34, title_x=4, labels=4, active_h=120, done_h=64)


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
    course_id = structure.course.id
    moments = [(LessonProgress, LessonProgress.first_viewed_at), (LessonProgress, LessonProgress.last_viewed_at),
               (QuizAttempt, QuizAttempt.started_at), (Enrollment, Enrollment.completed_at)]
    events = union(*[
        select(literal("done" if model is Enrollment else "active").label("kind"), model.user_id.label("user_id"),
               _week_of(column, start).label("week"))
        .where(model.course_id == course_id, visible_since_joining(cohort.id, model.user_id, column),
               column >= start)
        for model, column in moments]).subquery()
    counts = {(kind, week): n for kind, week, n in db.session.execute(
        select(events.c.kind, events.c.week, func.count())
        .group_by(events.c.kind, events.c.week))}
    return Series(weeks, [counts.get(("done", n), 0) for n in range(len(weeks))],
                  [counts.get(("active", n), 0) for n in range(len(weeks))])


def _nice_step(top: int, ticks: int = 5) -> int:
    """A round tick step giving at most `ticks` ticks above zero up to `top`."""
    raw = max(1, math.ceil(top / ticks))
    magnitude = 10 ** (len(str(raw)) - 1)
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return raw


def _at(value: float) -> float | int:
    """An SVG coordinate to a tenth, written without a trailing ".0"."""
    value = round(value, 1)
    return int(value) if value == int(value) else value


@dataclass
class Panel:
    top: float
    bottom: float
    ticks: list[tuple[int, float]]     # (value, y)
    y_max: int

    def y(self, value: float) -> float:
        return _at(self.bottom - (self.bottom - self.top) * value / self.y_max)


def panel(top: float, bottom: float, values: list[int], *, ticks: int) -> Panel:
    """A vertical scale from 0 to a round number at or above the largest value."""
    peak = max([1, *values])
    step = _nice_step(peak, ticks)
    y_max = step * math.ceil(peak / step)
    scale = Panel(top, bottom, [], y_max)
    scale.ticks = [(value, scale.y(value)) for value in range(0, y_max + 1, step)]
    return scale


@dataclass
class Title:
    lines: list[str]
    x: float
    y: float                     # the first line's baseline
    line_h: float


@dataclass
class Geometry:
    width: int
    height: int
    weeks: list[dict]            # per week: label, x, bar (x, y, w, h), point (x, y), values
    active: Panel
    done: Panel
    line: str                    # polyline points of active learners
    plot: dict                   # left, right; the x-axis labels' baseline
    show_counts: bool            # room to print each week's completions above its bar
    font: int = WIDE.font
    titles: dict[str, Title] | None = None    # "active", "done" (panel headings), "weeks" (x axis)


def _titles(layout: Layout) -> dict[str, list[str]]:
    texts = {"active": _("Active learners per week"), "done": _("Course completions per week (own scale)"),
             "weeks": _("Week starting on Monday")}
    return {key: textwrap.wrap(text, layout.title_chars, break_long_words=False) or [""]
            for key, text in texts.items()}


def geometry(series: Series, layout: Layout = WIDE) -> Geometry:
    """Where everything goes, top to bottom: each panel's heading (wrapped to the layout's width)
    above its plot, then the week labels and the x-axis title."""
    texts, font = _titles(layout), layout.font
    line_h = round(font * 1.3)
    active_title = Title(texts["active"], layout.title_x, font + 4, line_h)
    active_top = active_title.y + line_h * (len(texts["active"]) - 1) + 12
    done_title = Title(texts["done"], layout.title_x, active_top + layout.active_h + 20, line_h)
    done_top = done_title.y + line_h * (len(texts["done"]) - 1) + 12
    labels_y = done_top + layout.done_h + font + 4
    weeks_title = Title(texts["weeks"], (layout.left + layout.width - layout.right) / 2, labels_y + 2 * font, line_h)
    height = weeks_title.y + line_h * (len(texts["weeks"]) - 1) + 6

    n = len(series.weeks)
    plot_w = layout.width - layout.left - layout.right
    active = panel(active_top, active_top + layout.active_h, series.active, ticks=5)
    done_panel = panel(done_top, done_top + layout.done_h, series.completions, ticks=3)
    slot = plot_w / n
    label_every = max(1, math.ceil(n / layout.labels))
    weeks = []
    for k, (monday, done, count) in enumerate(zip(series.weeks, series.completions, series.active, strict=True)):
        centre = layout.left + slot * (k + 0.5)
        bar_w = max(1.0, slot * 0.55)
        top = done_panel.y(done)
        weeks.append({
            "monday": monday, "completions": done, "active": count,
            "label": format_date(monday, "d MMM") if k % label_every == 0 else "",
            "x": _at(centre),
            "bar": (_at(centre - bar_w / 2), top, _at(bar_w), _at(done_panel.bottom - top)),
            "point": (_at(centre), active.y(count)),
        })
    line = " ".join(f"{w['point'][0]},{w['point'][1]}" for w in weeks)
    return Geometry(layout.width, height, weeks, active, done_panel, line,
                    {"left": layout.left, "right": layout.width - layout.right, "labels": labels_y},
                    slot >= font * 1.5, font,
                    {"active": active_title, "done": done_title, "weeks": weeks_title})
