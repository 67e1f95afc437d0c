"""The progress matrix on a 1366 px screen with a course too wide for it: rows are one line, the
learner column stays in view while the table scrolls sideways, the header row while it scrolls
down, and a module column sorts in place."""
import pytest
from sqlalchemy import select

from lms.catalog.models import Lesson, Module
from lms.extensions import db
from tests.dashboards.conftest import Dash
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def wide_cohort(make):
    dash = Dash(make)
    course = make.course(modules=14, lessons=1, questions=0, final=False)
    facilitator = make.user(role="facilitator", name="Fatou Facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    learners = [dash.learner(cohort, name=f"Learner {n:02d} with a rather long name") for n in range(1, 41)]
    last = db.session.scalar(select(Module).where(Module.course_id == course.id).order_by(Module.position.desc()))
    dash.lesson(learners[-1], db.session.scalar(select(Lesson).where(Lesson.module_id == last.id)))
    return cohort, facilitator, last


@pytest.fixture
def laptop(browser):
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


def _box(locator):
    return locator.bounding_box()


def test_learner_column_and_header_stay_in_view_while_the_matrix_scrolls(laptop, live_server, wide_cohort):
    cohort, facilitator, last = wide_cohort
    page = laptop
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if "Refused" in msg.text else None)
    page.goto(live_server.url + "/login")
    page.get_by_label("E-mail address").fill(facilitator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/cohorts/{cohort.id}/matrix")

    region = page.get_by_role("region", name="Progress matrix")
    grid = _box(region)
    assert grid["width"] > 1250                                      # the whole width of the screen
    widths = page.evaluate("(el) => [el.scrollWidth, el.clientWidth]", region.element_handle())
    assert widths[0] > widths[1]                                     # 14 modules: it scrolls sideways

    first = page.get_by_role("row").nth(1)
    assert _box(first)["height"] <= 40                               # one line per learner
    name = page.get_by_role("rowheader").first
    before = _box(name)

    region.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    after = _box(name)
    assert abs(after["x"] - before["x"]) < 2 and after["x"] >= grid["x"] - 1   # still at the left edge
    last_header = page.get_by_role("columnheader", name="Module 14")
    assert _box(last_header)["x"] + _box(last_header)["width"] <= grid["x"] + grid["width"] + 1   # not cut

    header = page.get_by_role("columnheader", name="Learner")
    top = _box(header)["y"]
    region.evaluate("(el) => { el.scrollTop = el.scrollHeight; }")
    assert abs(_box(header)["y"] - top) < 2                          # the header row stays
    assert _box(page.get_by_role("rowheader").last)["y"] < grid["y"] + grid["height"]

    # a module column sorts in place, and again in reverse
    page.get_by_role("link", name="Module 14", exact=True).click()
    page.wait_for_url("**sort=m**")
    page.get_by_role("link", name="Module 14", exact=True).click()      # its arrow is not part of its name
    page.wait_for_url("**dir=desc**")
    assert page.get_by_role("rowheader").first.inner_text().startswith("Learner 40")
    assert errors == [], errors
