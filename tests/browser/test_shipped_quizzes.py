"""Every module quiz and final assessment of the shipped courses, taken in Chromium on a phone:
start, give the right answer to every drawn question, submit, and see 100%."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.catalog.models import Course, Question, Quiz
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.quizzes.demo import answer_fields
from lms.quizzes.models import QuizAttempt
from lms.quizzes.types import TYPES
from tests.browser.test_quizzes import log_in, watch_errors

pytestmark = pytest.mark.browser


def answer(page, question, lang: str | None = None):
    """Give the right answer; a short answer typed in `lang`, as a speaker of it would."""
    response = TYPES[question.type].correct_response(question.data)
    if question.type == "short" and lang:
        translated = (question.translations or {}).get(lang, {}).get("data", {}).get("answers") or []
        response = {"text": translated[0]} if translated else response
    for name, value in answer_fields(question, response):
        field = page.locator(f"[name='{name}']").first
        tag = field.evaluate("element => element.tagName.toLowerCase() + ':' + (element.type || '')")
        if tag.startswith("select"):
            page.locator(f"select[name='{name}']").select_option(value)
        elif tag in ("input:radio", "input:checkbox"):
            page.locator(f"input[name='{name}'][value='{value}']").check()
        else:
            field.fill(value)


def test_every_shipped_quiz_can_be_taken_in_chromium(page, live_server, runner, make, app):
    assert runner.invoke(args=["courses", "sync", app.config["COURSES_DIR"]]).exit_code == 0
    learner = make.user(name="Every Quiz")
    courses = db.session.scalars(select(Course).where(Course.archived.is_(False))).all()
    for course in courses:
        course.navigation = "free"  # take every quiz without first reading the lessons
        db.session.add(Enrollment(user_id=learner.id, course_id=course.id, source="self"))
    db.session.commit()
    quizzes = db.session.execute(select(Quiz.id, Quiz.slug, Course.slug).join(Course, Course.id == Quiz.course_id)
                                 .where(Quiz.archived.is_(False)).order_by(Course.slug, Quiz.id)).all()
    assert len(quizzes) >= 26
    errors = watch_errors(page)
    log_in(page, live_server.url, learner)
    for quiz_id, quiz_slug, course_slug in quizzes:
        page.goto(f"{live_server.url}/courses/{course_slug}/quizzes/{quiz_slug}")
        page.get_by_role("button", name="Start the quiz").click()
        expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
        db.session.rollback()
        attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == learner.id,
                                                              QuizAttempt.quiz_id == quiz_id))
        questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(attempt.question_ids)))}
        db.session.rollback()
        for question_id in attempt.question_ids:
            answer(page, questions[question_id])
        page.get_by_role("button", name="Submit answers").click()
        expect(page.locator(".quiz-score-number")).to_have_text("100%")
    assert errors == [], errors
