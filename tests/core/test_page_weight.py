"""Budgets for learners on a weak connection: every learner page is at most 30 KB of compressed
HTML, and a first visit (the page plus every stylesheet and script it loads) at most 60 KB, in
each language, on the shipped courses' longest lessons."""
import re

import brotli
import pytest
from sqlalchemy import func, select

from lms.catalog.models import Course, Lesson, Quiz
from lms.extensions import db
from lms.learning.models import Enrollment

HTML_BUDGET, FIRST_VISIT_BUDGET = 30_000, 60_000
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}


def _compressed(client, url: str) -> tuple[int, str]:
    response = client.get(url, headers=BROWSER)
    assert response.status_code == 200, url
    body = response.data
    if response.headers.get("Content-Encoding") == "br":
        return len(body), brotli.decompress(body).decode()
    assert len(body) < 500, f"{url} is not compressed"   # below the compression threshold
    return len(body), body.decode()


def _assets(html: str) -> set[str]:
    return set(re.findall(r'<link rel="stylesheet" href="(/static/[^"]+)"', html)
               + re.findall(r'<script src="(/static/[^"]+)"', html))


@pytest.fixture
def shipped(runner, app, make, login, client):
    synced = runner.invoke(args=["courses", "sync", app.config["COURSES_DIR"]])
    assert synced.exit_code == 0, synced.output
    learner = make.user()
    db.session.rollback()
    courses = db.session.scalars(select(Course).where(Course.archived.is_(False))).all()
    for course in courses:
        course.navigation = "free"
        db.session.add(Enrollment(user_id=learner.id, course_id=course.id, source="self"))
    db.session.commit()
    login(learner)
    return learner, courses


def _learner_pages(courses) -> list[str]:
    longest = db.session.execute(
        select(Lesson.slug, Course.slug).join(Course, Course.id == Lesson.course_id)
        .where(Lesson.archived.is_(False)).order_by(func.length(Lesson.body_html).desc()).limit(3)).all()
    quiz = db.session.execute(select(Quiz.slug, Course.slug).join(Course, Course.id == Quiz.course_id)
                              .where(Quiz.archived.is_(False))).first()
    return (["/", "/learning", "/badges", "/glossary", f"/courses/{courses[0].slug}",
             f"/courses/{quiz[1]}/quizzes/{quiz[0]}"]
            + [f"/courses/{course}/lessons/{lesson}" for lesson, course in longest])


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_learner_pages_fit_the_budgets(client, shipped, language):
    client.post("/language", data={"locale": language})
    over = []
    for url in _learner_pages(shipped[1]):
        size, html = _compressed(client, url)
        first_visit = size + sum(_compressed(client, asset)[0] for asset in _assets(html))
        if size > HTML_BUDGET or first_visit > FIRST_VISIT_BUDGET:
            over.append(f"{url}: {size} B of HTML, {first_visit} B in all")
    assert over == []
