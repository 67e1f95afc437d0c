"""Practice mode on a phone in Chromium: one question answered wrong shows the verdict, the
feedback and a link to the lesson that teaches it; the same with JavaScript switched off."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from lms.catalog.models import Lesson, Module, Question
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.quizzes.models import QuizAttempt
from tests.browser.test_quizzes import log_in, watch_errors

pytestmark = pytest.mark.browser


@pytest.fixture
def module_quiz(make):
    course = make.course(modules=1, lessons=1, questions=0, final=False, navigation="free")
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    quiz = make.quiz(course, module, questions=2, types=["single"], shuffle_options=False)
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    for question in db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)):
        question.lesson_id = lesson.id
    learner = make.user(name="Phone Learner")
    db.session.add(Enrollment(user_id=learner.id, course_id=course.id, source="self"))
    db.session.commit()
    return course, quiz, lesson, learner


@pytest.mark.parametrize("browser_page", ["page", "nojs_page"])
def test_practise_one_question_wrong_on_a_phone(request, browser_page, live_server, module_quiz):
    page = request.getfixturevalue(browser_page)
    course, quiz, lesson, learner = module_quiz
    errors = watch_errors(page)
    log_in(page, live_server.url, learner)
    page.goto(f"{live_server.url}/courses/{course.slug}/quizzes/{quiz.slug}")
    page.get_by_role("link", name="Practise these questions").click()
    expect(page).to_have_url(re.compile(r"/practice$"))
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()

    page.get_by_label(re.compile(r"Wrong \da")).check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page).to_have_url(re.compile(r"/practice#practice$"))
    expect(page.get_by_role("status").filter(has_text="Wrong")).to_be_visible()
    expect(page.locator(".quiz-general-feedback")).to_contain_text(re.compile(r"Because \d\."))
    expect(page.get_by_text("If an answer is not right, try again.")).to_be_visible()
    read_again = page.get_by_role("link", name=lesson.title)
    expect(read_again).to_be_visible()
    expect(page.locator(".quiz-lesson-link")).to_contain_text("Read again:")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows
    expect(page.get_by_role("button", name="Try again")).to_be_visible()

    read_again.click()
    expect(page).to_have_url(re.compile(rf"/lessons/{lesson.slug}$"))
    expect(page.get_by_role("heading", name=lesson.title)).to_be_visible()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0
    assert errors == [], errors
