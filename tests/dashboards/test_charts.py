"""The weekly progress chart: valid SVG, one group per week, the right counts."""
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from lms.catalog.models import Lesson, Question, Quiz
from lms.dashboards.charts import week_range
from lms.extensions import db

SVG = "{http://www.w3.org/2000/svg}"


def _at(day: int, month: int = 1, year: int = 2026) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


def test_the_chart_counts_completions_and_active_learners_per_week(client, login, make, dash, frozen):
    course = make.course(modules=1, lessons=2, questions=2, final=False)
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)).all()
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id))
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, starts_on=date(2026, 1, 5))   # a Monday; NOW is 2 March
    ana, ben = dash.learner(cohort), dash.learner(cohort)
    dash.lesson(ana, lessons[0], at=_at(6))                  # week 0
    dash.lesson(ana, lessons[1], at=_at(20))                 # week 2
    dash.attempt(ana, quiz, dict.fromkeys(questions, 1.0), at=_at(28))   # week 3
    dash.complete(ana, course, cohort, at=_at(28))           # week 3
    dash.lesson(ben, lessons[0], at=_at(27))                 # week 3
    dash.lesson(ben, lessons[1], at=_at(20, 12, 2025))       # before the cohort: not drawn
    outsider = make.user()
    dash.lesson(outsider, lessons[0], at=_at(13))            # not in the cohort
    login(facilitator)
    response = client.get(f"/cohorts/{cohort.id}/chart.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text.startswith("Completions and active learners per week")
    assert "Jan 5, 2026" in root.find(f"{SVG}desc").text
    weeks = [g for g in root.iter(f"{SVG}g") if g.get("class") == "week"]
    assert len(weeks) == 9                                   # 5 January to the week of 2 March
    titles = [g.find(f"{SVG}title").text for g in weeks]
    counts = [tuple(map(int, re.search(r": (\d+) completed, (\d+) active", t).groups())) for t in titles]
    assert counts == [(0, 1), (0, 0), (0, 1), (1, 2), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0)]
    assert titles[3].startswith("Week of Jan 26, 2026")
    bars = [g.find(f"{SVG}rect") for g in weeks]
    assert float(bars[3].get("height")) > 0 and float(bars[0].get("height")) == 0


def test_the_dashboard_embeds_the_same_chart_as_well_formed_svg(client, login, make, dash, frozen):
    course = make.course()
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, starts_on=date(2026, 2, 2))
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    svg = ET.fromstring(re.search(r'<svg[^>]*aria-labelledby="chart-title chart-desc".*?</svg>', html, re.S).group(0))
    assert len([g for g in svg.iter(f"{SVG}g") if g.get("class") == "week"]) == 5
    assert svg.get("aria-labelledby") == "chart-title chart-desc"


def test_week_range_follows_the_cohort_dates_and_stops_at_52_weeks():
    cohort = SimpleNamespace(starts_on=date(2026, 1, 7), ends_on=date(2026, 1, 25), created_at=None)
    assert week_range(cohort, date(2026, 6, 1)) == [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)]
    planned = SimpleNamespace(starts_on=date(2026, 9, 1), ends_on=None, created_at=None)
    assert week_range(planned, date(2026, 6, 1)) == [date(2026, 8, 31)]
    old = SimpleNamespace(starts_on=None, ends_on=None, created_at=_at(1, 1, 2020))
    weeks = week_range(old, date(2026, 6, 3))
    assert len(weeks) == 52 and weeks[-1] == date(2026, 6, 1)



def test_completions_have_their_own_scale_so_a_few_show_beside_many_active(app):
    from lms.dashboards.charts import DONE_PANEL, Series, geometry

    weeks = [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)]
    with app.test_request_context():
        chart = geometry(Series(weeks, completions=[0, 3, 1], active=[900, 850, 400]))
    panel_height = DONE_PANEL[1] - DONE_PANEL[0]
    heights = [week["bar"][3] for week in chart.weeks]
    assert heights[0] == 0 and heights[1] >= panel_height * 0.9 and 0 < heights[2] < heights[1]
    assert chart.done.y_max == 3 and chart.active.y_max == 1000
    assert chart.done.ticks[-1][0] == 3 and [value for value, _ in chart.active.ticks][-1] == 1000
    # the two panels do not overlap: the line stays above the bars
    assert max(week["point"][1] for week in chart.weeks) <= chart.active.bottom < chart.done.top


def test_both_panels_are_labelled_and_the_table_stays(client, login, make, dash, frozen):
    course = make.course()
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, starts_on=date(2026, 2, 2))
    login(facilitator)
    root = ET.fromstring(client.get(f"/cohorts/{cohort.id}/chart.svg").data)
    titles = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "axis-title"]
    assert titles == ["Active learners per week", "Course completions per week (own scale)", "Week starting on Monday"]
    assert "on its own scale" in root.find(f"{SVG}desc").text
    html = client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    assert "The same figures as a table" in html and "<th scope=\"col\">Week of</th>" in html


def test_the_phone_layout_wraps_its_headings_and_labels_fewer_weeks(app):
    from lms.dashboards.charts import NARROW, WIDE, Series, geometry

    weeks = [date(2026, 1, 5) + timedelta(weeks=k) for k in range(52)]
    series = Series(weeks, completions=[k % 4 for k in range(52)], active=[900 + k for k in range(52)])
    with app.test_request_context():
        wide, narrow = geometry(series), geometry(series, NARROW)
    assert (wide.width, wide.height, wide.active.top, wide.done.top) == (640, 316, 28, 200)   # as it was
    assert (narrow.width, narrow.font) == (300, 13)
    done = narrow.titles["done"]
    assert done.lines == ["Course completions per week (own", "scale)"]
    assert all(len(line) <= NARROW.title_chars for title in narrow.titles.values() for line in title.lines)
    assert narrow.done.top >= done.y + done.line_h * (len(done.lines) - 1) + 8   # the plot starts below its heading
    assert narrow.titles["weeks"].y < narrow.height
    labelled = [week for week in narrow.weeks if week["label"]]
    assert 2 <= len(labelled) <= NARROW.labels < len([week for week in wide.weeks if week["label"]])
    assert all(NARROW.left <= week["x"] <= NARROW.width - NARROW.right for week in narrow.weeks)
    assert max(week["point"][1] for week in narrow.weeks) <= narrow.active.bottom < narrow.done.top
    assert WIDE.font * 288 / WIDE.width < 12 <= NARROW.font * 288 / NARROW.width   # text px at a 320 px screen


def test_the_dashboard_carries_both_layouts_with_their_own_ids(client, login, make, dash, frozen):
    course = make.course()
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, starts_on=date(2026, 2, 2))
    dash.learner(cohort)
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    for ids, css in (("chart", "chart-wide"), ("chart-narrow", "chart-narrow"), ("funnel", "funnel-chart"),
                     ("funnel-narrow", "funnel-narrow")):
        svg = ET.fromstring(re.search(rf'<svg[^>]*class="chart {css}".*?</svg>', html, re.S).group(0))
        assert svg.get("aria-labelledby") == f"{ids}-title {ids}-desc"
        assert svg.find(f"{SVG}title").get("id") == f"{ids}-title"
    found = re.findall(r'\sid="([^"]+)"', html)
    assert len(found) == len(set(found))                                  # no id twice in the page
