"""Tap targets on a phone (WCAG 2.5.8): every link, button and form control on the facilitator's
pages is at least 24 px tall (links in running text included: their padding widens the target),
and the pages' own buttons, outside table rows, are 44 px tall."""
import pytest
from sqlalchemy import select

from lms.catalog.models import Module, Question, Quiz
from lms.extensions import db
from tests.dashboards.conftest import Dash
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# [what, height] of each visible target below the size asked of it.
SMALL = """() => {
  const out = [];
  const name = el => (el.textContent || el.name || el.type || "").replace(/\\s+/g, " ").trim().slice(0, 40);
  document.querySelectorAll("main a[href], main button, main select, main summary, main textarea,"
                            + " main input:not([type=hidden])").forEach(el => {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || el.closest(".visually-hidden")) { return; }
    const primary = el.matches("button:not(.link-button), .button") && !el.closest("table");
    if (box.height < (primary ? 44 : 24)) { out.push([el.tagName + " " + name(el), Math.round(box.height)]); }
  });
  return out;
}"""


def test_facilitator_pages_have_large_enough_targets_on_a_phone(browser, live_server, make):
    dash = Dash(make)
    course = make.course(modules=2, lessons=2, questions=2, final=False)
    first = db.session.scalar(select(Module).where(Module.course_id == course.id).order_by(Module.position))
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == first.id))
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
    facilitator = make.user(role="facilitator", name="Fatou Facilitator")
    organisation = dash.organisation()
    cohort = dash.cohort(course, facilitator=facilitator)
    amina = dash.learner(cohort, name="Amina Diallo", organisation_id=organisation.id)
    dash.learner(cohort, name="Carlos Pérez")
    dash.module_lessons(amina, first)
    dash.attempt(amina, quiz, dict.fromkeys(questions, 1.0))

    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + "/login")
    page.get_by_label("E-mail address").fill(facilitator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    base = f"{live_server.url}/cohorts/{cohort.id}"
    small = {}
    for path in ("/dashboard", "/matrix", f"/matrix?course={course.id}&module={first.slug}", "/at-risk", "/items",
                 f"/learners/{amina.id}", "/members", "/messages/new", "/settings"):
        page.goto(base + path)
        assert page.locator("main").get_by_role("link").count() > 0, path
        found = page.evaluate(SMALL)
        if found:
            small[path] = found
    assert small == {}, small
    context.close()
