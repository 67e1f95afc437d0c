"""No page scrolls sideways at 320 px: the glossary's long source URLs wrap, the dashboard's
charts re-flow to a phone layout whose text stays at least 12 px tall, and the item analysis
page (its dropdowns 44 px tall) fits."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.catalog.models import Course, Lesson, Question, Quiz
from lms.core.db import utcnow
from lms.extensions import db
from tests.dashboards.conftest import Dash
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= innerWidth"
# The smallest text of each chart on show, in CSS pixels: its font size times the SVG's scale.
CHART_TEXT = """() => Array.from(document.querySelectorAll("svg.chart"))
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .map(svg => Math.min(...Array.from(svg.querySelectorAll("text"),
                                     t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)))"""


def _facilitator_page(browser, live_server, facilitator, width=320):
    context = browser.new_context(viewport={"width": width, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/login")
    page.get_by_label("E-mail address").fill(facilitator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def test_the_glossary_fits_a_320_px_screen(browser, live_server, runner, app):
    assert runner.invoke(args=["courses", "sync", app.config["COURSES_DIR"]]).exit_code == 0
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    page.goto(live_server.url + "/glossary")
    assert page.locator("dl.glossary a").count() > 5
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    context.close()


def test_the_dashboard_charts_reflow_on_a_phone(browser, live_server, make):
    dash, now = Dash(make), utcnow()
    course = make.course(modules=3, lessons=2, questions=2, final=True)
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, starts_on=now.date() - timedelta(weeks=60))
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).all()
    for k in range(12):                              # a year of weeks, some with activity
        dash.lesson(dash.learner(cohort), lessons[k % len(lessons)], at=now - timedelta(weeks=4 * k, days=1))
    context, page = _facilitator_page(browser, live_server, facilitator)
    for width in (320, 360, 390, 1280):
        page.set_viewport_size({"width": width, "height": 740})
        page.goto(f"{live_server.url}/cohorts/{cohort.id}/dashboard")
        assert page.evaluate(FITS), width
        sizes = page.evaluate(CHART_TEXT)
        assert len(sizes) == 2 and min(sizes) >= 12, (width, sizes)    # the funnel and the weekly chart
        # One of each layout is on show, and so named for screen readers.
        weekly = page.get_by_role("img", name=re.compile("^Completions and active learners per week"))
        assert weekly.count() == 1 and weekly.locator("g.week").count() == 52
        assert page.get_by_role("img", name="How far the learners got, module by module").count() == 1
    context.close()


def test_item_analysis_fits_a_320_px_screen(browser, live_server, make, runner, app):
    assert runner.invoke(args=["courses", "sync", app.config["COURSES_DIR"]]).exit_code == 0
    dash = Dash(make)
    course = db.session.scalar(select(Course).where(Course.slug == "upr-essentials"))
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    quiz = db.session.scalars(select(Quiz).where(Quiz.course_id == course.id, Quiz.archived.is_(False))
                              .order_by(Quiz.id)).first()
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
    for mark, language in ((1.0, "en"), (0.0, "fr")):           # two languages: per-language tables too
        attempt = dash.attempt(dash.learner(cohort), quiz, dict.fromkeys(questions, mark))
        attempt.language = language
    db.session.commit()
    context, page = _facilitator_page(browser, live_server, facilitator)
    page.goto(f"{live_server.url}/cohorts/{cohort.id}/items")
    assert page.locator("table.options").count() > 0
    by_language = page.get_by_role("region", name="By language of the attempt")
    assert by_language.count() == len(questions)                   # each scrolls in its own region
    assert by_language.first.get_attribute("tabindex") == "0"
    assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
    dropdowns = page.locator("main form select")
    assert dropdowns.count() == 2
    assert all(dropdowns.nth(n).bounding_box()["height"] >= 44 for n in range(2))
    context.close()


STAYS = """region => { const first = region.querySelector("tbody tr > :first-child");
  const before = first.getBoundingClientRect().left; region.scrollLeft = region.scrollWidth;
  return [region.scrollLeft > 0, Math.abs(first.getBoundingClientRect().left - before) < 1]; }"""


def test_a_wide_table_keeps_its_first_column_in_view_when_scrolled(browser, live_server, make, runner, app):
    assert runner.invoke(args=["courses", "sync", app.config["COURSES_DIR"]]).exit_code == 0
    dash = Dash(make)
    course = db.session.scalar(select(Course).where(Course.slug == "upr-essentials"))
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    learner = dash.learner(cohort, joined_at=utcnow() - timedelta(days=3))
    quiz = db.session.scalars(select(Quiz).where(Quiz.course_id == course.id, Quiz.archived.is_(False))
                              .order_by(Quiz.id)).first()
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
    dash.attempt(learner, quiz, dict.fromkeys(questions, 1.0), at=utcnow() - timedelta(days=1))
    context, page = _facilitator_page(browser, live_server, facilitator, width=360)
    page.goto(f"{live_server.url}/cohorts/{cohort.id}/learners/{learner.id}")
    page.locator("details summary").first.click()
    region = page.get_by_role("region", name="Answers").first
    scrolled, stayed = region.evaluate(STAYS)
    assert scrolled and stayed
    context.close()
