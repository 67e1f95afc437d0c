"""Quiz item analysis through the page a facilitator opens (numbers from test_stats.py's example)."""
import re

import pytest
from sqlalchemy import select

from lms.catalog.models import Module, Question, Quiz
from lms.dashboards.items import analyse_quiz
from lms.extensions import db

from .test_stats import MARKS


@pytest.fixture
def analysed(make, dash):
    """A cohort of five learners whose first attempts give the hand-computed example."""
    course = make.course(modules=1, lessons=1, questions=0, final=False)
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    quiz = make.quiz(course, module, slug="analysis", questions=4, types=["single"])
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)).all()
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    learners = [dash.learner(cohort, name=f"Learner {n + 1}") for n in range(5)]
    for learner, row in zip(learners, MARKS, strict=True):
        responses = {q: {"choice": q.data["options"][0 if mark else 1]["id"]} for q, mark in zip(questions, row, strict=True)}
        dash.attempt(learner, quiz, dict(zip(questions, map(float, row), strict=True)), responses=responses)
    # A second, perfect attempt by L5 must not count in the default (first attempts) analysis.
    dash.attempt(learners[4], quiz, dict.fromkeys(questions, 1.0))
    # Nor may anyone outside the cohort.
    dash.attempt(make.user(), quiz, dict.fromkeys(questions, 0.0))
    return cohort, quiz, questions, facilitator


def _items(html: str) -> list[str]:
    return re.findall(r'<li class="item[^"]*">(.*?)</li>\s*(?=<li class="item|</ol>)', html, re.S)


def test_the_item_analysis_page_shows_moodles_numbers(client, login, analysed):
    cohort, quiz, questions, facilitator = analysed
    login(facilitator)
    response = client.get(f"/cohorts/{cohort.id}/items?quiz={quiz.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "5 attempts analysed" in html
    assert "Too few attempts to judge" in html
    items = _items(html)
    assert len(items) == 4
    numbers = [re.findall(r"<dd>([^<]*)</dd>", item) for item in items]
    assert numbers == [["5", "60%", "64.5%"], ["5", "60%", "0%"], ["5", "40%", "32.7%"], ["5", "100%", "—"]]
    assert "⚑" not in html  # below 10 attempts nothing is flagged


def test_the_option_distribution_counts_each_choice(client, login, analysed):
    cohort, quiz, questions, facilitator = analysed
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/items?quiz={quiz.id}").get_data(as_text=True)
    first = _items(html)[0]
    rows = re.findall(r"<tr( class=\"correct-option\")?>\s*<td>(.*?)</td>\s*<td class=\"num\">.*?</meter>\s*(\d+) \((\d+)%\)", first, re.S)
    assert [(bool(c), re.sub(r"<.*", "", label).strip(), int(n), int(p)) for c, label, n, p in rows] == [
        (True, "Right 1", 3, 60), (False, "Wrong 1a", 2, 40), (False, "Wrong 1b", 0, 0)]


def test_other_attempt_choices(analysed):
    cohort, quiz, questions, _ = analysed
    last = analyse_quiz(cohort, quiz, "last")
    assert last.attempts == 5
    assert last.rows[0].stats.facility == pytest.approx(0.8)     # L5's perfect retry replaces the first
    every = analyse_quiz(cohort, quiz, "all")
    assert every.attempts == 6
    highest = analyse_quiz(cohort, quiz, "highest")
    assert highest.rows[2].stats.facility == pytest.approx(0.6)
    first = analyse_quiz(cohort, quiz)
    assert first.average == pytest.approx(100 * (4 + 3 + 3 + 2 + 1) / 20)


def test_questions_are_flagged_from_ten_attempts(client, login, make, dash):
    course = make.course(modules=1, lessons=1, questions=0, final=False)
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    quiz = make.quiz(course, module, slug="ten", questions=2, types=["single"])
    hard, easy = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)).all()
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    for n in range(10):
        # Only the two strongest get the hard question; all but the three weakest get the easy one.
        dash.attempt(dash.learner(cohort), quiz, {hard: 1.0 if n >= 8 else 0.0, easy: 1.0 if n >= 3 else 0.0})
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/items?quiz={quiz.id}").get_data(as_text=True)
    items = _items(html)
    assert "Too few attempts to judge" not in html
    assert "Hard: facility below 30%" in items[0] and "⚑" not in items[1]


def test_the_first_quiz_of_the_course_is_shown_by_default_and_others_404(client, login, analysed, make, dash):
    cohort, quiz, questions, facilitator = analysed
    other_course = make.course()
    login(facilitator)
    assert "5 attempts analysed" in client.get(f"/cohorts/{cohort.id}/items").get_data(as_text=True)
    other_quiz = db.session.scalar(select(Quiz.id).where(Quiz.course_id == other_course.id))
    assert client.get(f"/cohorts/{cohort.id}/items?quiz={other_quiz}").status_code == 404
    assert client.get(f"/cohorts/{cohort.id}/items?quiz=abc").status_code == 200
