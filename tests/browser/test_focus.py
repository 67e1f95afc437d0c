"""Keyboard users keep their place through htmx swaps: after Mark as complete / not done, the
badge privacy toggle and the matrix sort and pager, focus is on the control they used or inside
the region that changed (never on <body>), the next Tab goes where it went before the swap, and
the polite live region names what changed."""
import pytest

from lms.core.db import utcnow
from lms.extensions import db
from lms.learning import services as learning
from tests.browser.test_badges import _completed_course
from tests.browser.test_dashboards import cohort_with_progress  # noqa: F401 (fixture)
from tests.dashboards.conftest import Dash
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# Where focus is: a short description that survives the swap (tag, accessible text, region).
DESCRIBE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return "body"; }
  const region = el.closest("[id]");
  return [el.tagName, el.textContent.replace(/\\s+/g, " ").trim().slice(0, 60),
          region ? region.id : ""].join(" | ");
}"""


def _log_in(page, base, user):
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _watch(page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text)
            if "Refused" in msg.text or "Security Policy" in msg.text else None)
    return errors


def _next_stop(page, control) -> str:
    """What one Tab from the control reaches (focus is put back on the control afterwards)."""
    control.focus()
    page.keyboard.press("Tab")
    reached = page.evaluate(DESCRIBE)
    control.focus()
    return reached


def _press_enter(page, control, region_id) -> str:
    """Enter on the focused control, wait for the swap to be announced; return the announcement."""
    control.focus()
    page.evaluate("document.getElementById('swap-announcer').textContent = ''")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('swap-announcer').textContent !== ''")
    inside = page.evaluate("(id) => { const r = document.getElementById(id); const a = document.activeElement;"
                           " return a !== document.body && !!r && r.contains(a); }", region_id)
    assert inside, page.evaluate(DESCRIBE)
    return page.locator("#swap-announcer").inner_text()


def _focused_name(page) -> str:
    return page.evaluate("document.activeElement.textContent.replace(/\\s+/g, ' ').trim()")


def test_lesson_toggle_keeps_focus_and_tab_order(page, live_server, make):
    errors = _watch(page)
    user = make.user(name="Kofi Keyboard")
    course = make.course(modules=1, lessons=3, questions=0, final=False)
    learning.enrol(user, course, now=utcnow())
    db.session.commit()
    _log_in(page, live_server.url, user)
    page.goto(f"{live_server.url}/courses/{course.slug}/lessons/lesson-1-2")

    button = page.get_by_role("button", name="Mark as complete")
    after = _next_stop(page, button)
    assert "Previous: Lesson 1.1" in after
    said = _press_enter(page, button, "lesson-status")
    assert _focused_name(page) == "Mark as not done"                  # the toggle that replaced it
    assert said == "Your progress. ✓ You completed this lesson."
    page.keyboard.press("Tab")
    assert page.evaluate(DESCRIBE) == after                             # not the footer
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.rel") == "next"        # then the Next link

    said = _press_enter(page, page.get_by_role("button", name="Mark as not done"), "lesson-status")
    assert _focused_name(page) == "Mark as complete" and said == "Your progress"
    assert errors == [], errors


def test_badge_privacy_toggle_keeps_focus(page, live_server, make):
    errors = _watch(page)
    learner, _course = _completed_course(make)
    _log_in(page, live_server.url, learner)
    page.goto(live_server.url + "/badges")
    card_id = page.locator("article.badge-card").get_attribute("id")
    toggle = page.get_by_role("button", name="Show my name on the verify page")
    after = _next_stop(page, toggle)
    said = _press_enter(page, toggle, card_id)
    assert _focused_name(page) == "Hide my name on the verify page"
    assert said == "UPR Essentials"
    page.keyboard.press("Tab")
    assert page.evaluate(DESCRIBE) == after
    assert errors == [], errors


def test_matrix_sort_keeps_focus_on_the_sort_link(page, live_server, cohort_with_progress):  # noqa: F811
    cohort, facilitator = cohort_with_progress
    errors = _watch(page)
    _log_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/cohorts/{cohort.id}/matrix")
    learner = page.locator("#matrix thead").get_by_role("link", name="Learner")
    after = _next_stop(page, learner)
    assert "Organisation" in after
    said = _press_enter(page, learner, "matrix")
    page.wait_for_url("**sort=name**")
    assert _focused_name(page).startswith("Learner")                     # now with its sort arrow
    assert page.locator("#matrix th[aria-sort]").count() == 1
    assert said == "Learners 1–2 of 2"
    page.keyboard.press("Tab")
    assert page.evaluate(DESCRIBE) == after
    assert errors == [], errors


def test_matrix_pager_moves_focus_into_the_matrix(page, live_server, make):
    errors = _watch(page)
    dash = Dash(make)
    course = make.course(modules=1, lessons=1, questions=0, final=False)
    facilitator = make.user(role="facilitator", name="Fatou Facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, learners=51)
    _log_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/cohorts/{cohort.id}/matrix")
    said = _press_enter(page, page.locator("#matrix").get_by_role("link", name="Next"), "matrix")
    page.wait_for_url("**page=2**")
    assert said == "Learners 51–51 of 51"
    # The last page has no Next link: focus is on the matrix itself, and Tab enters it.
    assert page.evaluate("document.activeElement.id") == "matrix"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "matrix-q"
    assert errors == [], errors
