"""A facilitator opens the cohort dashboard in Chromium, finds a learner's finished module in
the matrix (with and without JavaScript) and downloads the CSV export."""
import csv
import io
import re

import pytest
from sqlalchemy import select

from lms.catalog.models import Module, Question, Quiz
from lms.extensions import db
from tests.dashboards.conftest import Dash
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def cohort_with_progress(make):
    dash = Dash(make)
    course = make.course(modules=2, lessons=2, questions=2, final=False)
    first = db.session.scalar(select(Module).where(Module.course_id == course.id).order_by(Module.position))
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == first.id))
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
    facilitator = make.user(role="facilitator", email="fatou@example.org", name="Fatou Facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, name="Ministry of Justice, spring")
    amina = dash.learner(cohort, name="Amina Diallo", email="amina@example.org")
    dash.learner(cohort, name="Carlos Pérez", email="carlos@example.org")
    dash.module_lessons(amina, first)
    dash.attempt(amina, quiz, dict.fromkeys(questions, 1.0))
    return cohort, facilitator


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


def test_facilitator_sees_a_finished_module_and_exports_it(page, live_server, cohort_with_progress):
    cohort, facilitator = cohort_with_progress
    errors = _watch(page)
    _log_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/cohorts/{cohort.id}/dashboard")
    assert page.get_by_role("heading", name="Dashboard: Ministry of Justice, spring").is_visible()
    learners = page.locator(".headline div", has_text="Learners").locator("dd")
    assert learners.inner_text() == "2"
    assert page.get_by_role("img", name="Completions and active learners per week").is_visible()

    page.get_by_role("link", name="Progress matrix").click()
    amina = page.get_by_role("row", name="Amina Diallo")
    module_1 = amina.locator("td.cell").first
    assert "cell-passed" in module_1.get_attribute("class") and "Passed" in module_1.inner_text()
    carlos = page.get_by_role("row", name="Carlos Pérez")
    assert "Not started" in carlos.locator("td.cell").first.inner_text()

    # The search updates the table in place (htmx) and keeps the address shareable.
    page.get_by_label("Name or e-mail").fill("carlos")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**q=carlos**")
    assert page.get_by_role("row", name="Carlos Pérez").is_visible()
    assert page.get_by_role("row", name="Amina Diallo").count() == 0
    assert page.get_by_role("heading", name="Progress matrix: Ministry of Justice, spring").count() == 1

    page.get_by_role("link", name="Overview").click()
    with page.expect_download() as info:
        page.locator("li", has_text="Progress of every learner").get_by_role("link", name="CSV").click()
    download = info.value
    assert re.fullmatch(rf"cohort-{cohort.id}-course-\d+-matrix-\d{{8}}\.csv", download.suggested_filename)
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    by_name = {row["Name"]: row for row in rows}
    assert by_name["Amina Diallo"]["Module 1"] == "Passed" and by_name["Carlos Pérez"]["Module 1"] == "Not started"
    assert errors == [], errors


def test_the_matrix_filters_work_without_javascript(nojs_page, live_server, cohort_with_progress):
    cohort, facilitator = cohort_with_progress
    page = nojs_page
    _log_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/cohorts/{cohort.id}/matrix")
    page.get_by_label("Name or e-mail").fill("amina")
    page.get_by_role("button", name="Apply").click()
    assert "q=amina" in page.url
    assert page.get_by_role("row", name="Amina Diallo").is_visible()
    assert page.get_by_role("row", name="Carlos Pérez").count() == 0
    page.get_by_role("link", name="Lessons: Module 1").click()      # the title itself sorts the column
    assert page.get_by_role("heading", name="Module: Module 1").is_visible()
    assert page.get_by_role("row", name="Amina Diallo").locator("td.cell-done").count() == 2


def test_facilitator_reminds_every_learner_at_risk(page, live_server, smtp_server, cohort_with_progress):
    cohort, facilitator = cohort_with_progress
    errors = _watch(page)
    _log_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/cohorts/{cohort.id}/at-risk")
    # Amina's activity is dated long before today's real clock: stuck; Carlos joined long ago
    # and has not started.
    assert page.get_by_role("row", name="Carlos Pérez").get_by_text("not started", exact=True).is_visible()
    assert page.get_by_role("row", name="Amina Diallo").get_by_text("stuck", exact=True).is_visible()
    page.get_by_label("all", exact=True).check()          # the script ticks every learner on the page
    assert page.get_by_label("Carlos Pérez").is_checked() and page.get_by_label("Amina Diallo").is_checked()
    page.get_by_role("button", name="Remind the chosen people").click()
    assert page.get_by_text("Reminders sent to 2 learners.").is_visible()
    assert sorted(m["To"] for m in smtp_server.messages) == ["amina@example.org", "carlos@example.org"]
    assert errors == [], errors
