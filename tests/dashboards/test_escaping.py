"""What learners type reaches the facilitator's pages as text, never as markup: a learner's
name, organisation and short answers on the drill-down, the matrix (page and htmx fragment),
the at-risk list with its reminder notice, the overview and the item analysis."""
from datetime import date

import pytest

from lms.extensions import db
from tests.quizzes.helpers import add_questions

NAME = "<img src=x onerror=alert(1)>"
ANSWER = "<script>alert(1)</script>"
ORG = '"><svg onload=alert(2)>'
COHORT = "Cohort <iframe src=javascript:alert(3)>"
# Course text that reads like markup: Markdown shows it literally, and so must every page.
OPTION = "<img src=y onerror=alert(4)>"
RAW = ["<img src=x", "<img src=y", "<script>alert", "<svg onload", "<iframe src"]


@pytest.fixture
def hostile(make, dash, login, client):
    course = make.course(modules=1, lessons=1, questions=0, final=False)
    quiz = make.quiz(course, None, slug="final", questions=0)
    single, short = add_questions(quiz, course, [
        {"id": "single", "type": "single", "text": "Which one?", "feedback": "Because.",
         "options": [{"text": OPTION, "correct": True}, {"text": "Plain"}]},
        {"id": "short", "type": "short", "text": "Say it.", "feedback": "Because.", "answers": ["it"]}])
    facilitator = make.user("facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, name=COHORT, due_on=date(2026, 1, 1))
    learner = dash.learner(cohort, name=NAME, organisation_text=ORG)
    dash.attempt(learner, quiz, {single: 1.0, short: 0.0}, responses={short: {"text": ANSWER}})
    login(facilitator)
    db.session.rollback()
    return cohort, learner, course, quiz


def _clean(html: str, *, name: bool = True) -> None:
    for raw in RAW:
        assert raw not in html, raw
    assert "&lt;iframe src=javascript:alert(3)&gt;" in html  # the cohort's name, as text
    if name:
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_drill_down_shows_the_name_organisation_and_answers_as_text(client, hostile):
    cohort, learner, _course, _quiz = hostile
    page = client.get(f"/cohorts/{cohort.id}/learners/{learner.id}").get_data(as_text=True)
    _clean(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;svg onload=alert(2)&gt;" in page
    assert "&lt;img src=y onerror=alert(4)&gt;" in page  # the chosen option, as the key shows it


def test_the_matrix_page_and_fragment_show_the_name_as_text(client, hostile):
    cohort, _learner, _course, _quiz = hostile
    _clean(client.get(f"/cohorts/{cohort.id}/matrix").get_data(as_text=True))
    fragment = client.get(f"/cohorts/{cohort.id}/matrix?q=img", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    html = fragment.get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert not [raw for raw in RAW if raw in html]


def test_the_at_risk_list_and_its_reminder_notice_show_the_name_as_text(client, hostile, smtp_server):
    cohort, learner, course, _quiz = hostile
    page = client.get(f"/cohorts/{cohort.id}/at-risk").get_data(as_text=True)
    _clean(page)
    for _ in range(2):  # the second is refused, and the notice names who was skipped
        answer = client.post(f"/cohorts/{cohort.id}/remind", data={"learners": [learner.id], "course": course.id},
                             follow_redirects=True)
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "Not sent again" in page
    _clean(page)


def test_the_overview_and_item_analysis_show_names_and_options_as_text(client, hostile):
    cohort, _learner, _course, quiz = hostile
    _clean(client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True), name=False)
    items = client.get(f"/cohorts/{cohort.id}/items?quiz={quiz.id}").get_data(as_text=True)
    _clean(items, name=False)
    assert "&lt;img src=y onerror=alert(4)&gt;" in items

