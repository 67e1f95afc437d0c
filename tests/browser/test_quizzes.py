"""A timed quiz on a phone in Chromium: start, answer, autosave, submit, see the result;
and the same quiz with JavaScript switched off."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.catalog.models import Question
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.quizzes.models import FINISHED, QuizAttempt
from tests.browser.menu import open_menu
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def timed_quiz(make):
    course = make.course(modules=1, lessons=1, questions=0, final=False, navigation="free")
    quiz = make.quiz(course, None, slug="timed", questions=2, types=["single", "short"], time_limit_minutes=10,
                     shuffle_options=False)
    learner = make.user(name="Phone Learner")
    db.session.add(Enrollment(user_id=learner.id, course_id=course.id, source="self"))
    db.session.commit()
    questions = {q.type: q for q in db.session.scalars(select(Question).where(Question.quiz_id == quiz.id))}
    return course, quiz, learner, questions


def log_in(page, base, learner):
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    open_menu(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def watch_errors(page) -> list:
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text)
            if "Refused" in msg.text or "Security Policy" in msg.text else None)
    return errors


def test_timed_quiz_on_a_phone(page, live_server, timed_quiz):
    course, quiz, learner, questions = timed_quiz
    errors = watch_errors(page)
    log_in(page, live_server.url, learner)
    page.goto(f"{live_server.url}/courses/{course.slug}/quizzes/{quiz.slug}")
    expect(page.get_by_text("10 minutes")).to_be_visible()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))

    countdown = page.locator("#quiz-countdown")
    expect(countdown).to_have_text(re.compile(r"^(9:5\d|10:00)$"))
    first = countdown.text_content()
    expect(countdown).not_to_have_text(first, timeout=4000)  # the display counts down

    single, short = questions["single"], questions["short"]
    page.get_by_label("Right 1").check()
    expect(page.locator(f"#saved-{single.id}")).to_have_text("Saved")
    page.locator(f"#q{short.id}-input").fill("forty-seven")
    page.locator(f"#q{short.id}-input").blur()
    expect(page.locator(f"#saved-{short.id}")).to_have_text("Saved")

    db.session.rollback()
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt.sequence >= 2  # both answers reached the server before submitting

    page.get_by_role("button", name="Submit answers").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/result$"))
    expect(page.locator(".quiz-score-number")).to_have_text("100%")
    expect(page.get_by_text("Passed", exact=False).first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing overflows the phone screen
    db.session.rollback()
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt.state == FINISHED and attempt.score == 100.0
    assert errors == [], errors


def test_timed_quiz_without_javascript(nojs_page, live_server, timed_quiz):
    course, quiz, learner, questions = timed_quiz
    page = nojs_page
    log_in(page, live_server.url, learner)
    page.goto(f"{live_server.url}/courses/{course.slug}/quizzes/{quiz.slug}")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator("#quiz-countdown")).to_have_text(re.compile(r"^(9:5\d|10:00)$"))
    page.get_by_label("Wrong 1a").check()
    page.locator(f"#q{questions['short'].id}-input").fill("47")
    page.get_by_role("button", name="Submit answers").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/result$"))
    expect(page.locator(".quiz-score-number")).to_have_text("50%")
    page.get_by_role("link", name="Review your answers").click()
    # Failed with attempts left: marks and feedback, but not the key a retake could copy.
    expect(page.get_by_text("once you pass or have used your last attempt")).to_be_visible()
    expect(page.get_by_text("Accepted answers:")).to_have_count(0)


def test_a_stale_tab_is_told_to_reload(page, live_server, timed_quiz):
    course, quiz, learner, questions = timed_quiz
    errors = watch_errors(page)
    log_in(page, live_server.url, learner)
    page.goto(f"{live_server.url}/courses/{course.slug}/quizzes/{quiz.slug}")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    other = page.context.new_page()
    other.goto(page.url)
    single = questions["single"]
    other.get_by_label("Right 1").check()
    expect(other.locator(f"#saved-{single.id}")).to_have_text("Saved")
    page.get_by_label("Wrong 1a").check()  # this tab still carries the old sequence number
    expect(page.locator(f"#saved-{single.id}")).to_contain_text("out of date")
    db.session.rollback()
    saved = db.session.scalar(select(QuizAttempt))
    assert saved.sequence == 1
    other.close()
    assert errors == [], errors


def test_not_saved_looks_different_from_saved(page, live_server, timed_quiz):
    course, quiz, learner, questions = timed_quiz
    log_in(page, live_server.url, learner)
    page.goto(f"{live_server.url}/courses/{course.slug}/quizzes/{quiz.slug}")
    page.get_by_role("button", name="Start the quiz").click()
    single, short = questions["single"], questions["short"]
    page.get_by_label("Right 1").check()
    saved = page.locator(f"#saved-{single.id} .quiz-save-ok")
    expect(saved).to_have_text("Saved")
    page.route("**/answer", lambda route: route.abort())       # the connection drops
    page.locator(f"#q{short.id}-input").fill("forty-seven")
    page.locator(f"#q{short.id}-input").blur()
    failed = page.locator(f"#saved-{short.id} .quiz-save-failed")
    expect(failed).to_contain_text("Not saved")

    def look(locator):
        return locator.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e, '::before').content]")
    (ok_colour, ok_mark), (bad_colour, bad_mark) = look(saved), look(failed)
    assert ok_colour != bad_colour and ok_mark != bad_mark      # colour and a different mark


def test_the_focus_ring_has_two_contrasting_tones(page, live_server):
    page.goto(live_server.url + "/login")
    page.keyboard.press("Tab")
    style = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow]; }""")
    assert style[0] == "solid" and float(style[1].rstrip("px")) >= 2
    assert style[2] == "rgb(0, 0, 0)" and "rgb(255, 255, 255)" in style[3]
