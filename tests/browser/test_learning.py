"""The learner journey on a phone, with and without JavaScript: enrol, read and complete two
lessons, watch the progress bar move, log out and in, and Continue to the next lesson."""
import pytest

from tests.browser.menu import open_menu
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _watch_for_errors(page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text)
            if "Refused" in msg.text or "Security Policy" in msg.text else None)
    return errors


def _log_in(page, user):
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _progress(page) -> str:
    return page.locator("#lesson-status progress").get_attribute("value")


def _journey(page, base, user, course, *, javascript: bool):
    page.goto(base + "/")
    page.get_by_label("For").select_option("cso")                      # a course for everyone stays listed
    if javascript:
        page.wait_for_url("**audience=cso**")                          # htmx swapped the results in place
    else:
        page.get_by_role("button", name="Show courses").click()
        assert "audience=cso" in page.url
    page.get_by_role("link", name=course.title).click()
    page.get_by_role("link", name="Log in to enrol").click()
    _log_in(page, user)
    assert page.url.endswith(f"/courses/{course.slug}")
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_role("link", name="Start the course").click()
    assert page.url.endswith(f"/courses/{course.slug}/lessons/lesson-1-1")

    seen = []
    for lesson in ("lesson-1-1", "lesson-1-2"):
        assert page.url.endswith(f"/lessons/{lesson}")
        assert "Body of lesson" in page.locator(".lesson-body").inner_text()
        seen.append(_progress(page))
        if javascript:
            page.evaluate("window.stillHere = true")
        page.get_by_role("button", name="Mark as complete").click()
        page.get_by_text("You completed this lesson.").wait_for()
        if javascript:
            assert page.evaluate("window.stillHere") is True        # swapped in place, no reload
        else:
            assert page.get_by_text("Lesson marked as complete.").is_visible()
        assert page.get_by_role("button", name="Mark as complete").count() == 0
        seen.append(_progress(page))
        page.locator("#lesson-status a[rel=next]").click()
    assert seen == ["0", "1", "1", "2"]                               # the bar moved twice

    open_menu(page)
    page.get_by_role("button", name="Log out").click()
    page.goto(base + "/login")
    _log_in(page, user)
    open_menu(page)
    page.get_by_role("link", name="My learning").first.click()
    assert page.locator(".learning-card progress").get_attribute("value") == "2"
    page.get_by_role("link", name="Continue").click()
    assert page.url.endswith(f"/courses/{course.slug}/lessons/lesson-1-3")
    assert page.get_by_role("heading", name="Lesson 1.3").is_visible()


def test_learner_journey_with_javascript(page, live_server, make):
    errors = _watch_for_errors(page)
    user = make.user(name="Lena Phone")
    course = make.course(modules=2, lessons=3, questions=0, final=False)
    _journey(page, live_server.url, user, course, javascript=True)
    assert errors == [], errors


def test_learner_journey_without_javascript(nojs_page, live_server, make):
    user = make.user(name="Nadia NoScript")
    course = make.course(modules=2, lessons=3, questions=0, final=False)
    _journey(nojs_page, live_server.url, user, course, javascript=False)


def _outline_journey(page, base, user, course, *, javascript: bool):
    """Open the outline drawer, move with it and with Next into the module quiz, then mark a
    lesson not done."""
    page.goto(base + "/login")
    _log_in(page, user)
    page.goto(f"{base}/courses/{course.slug}/lessons/lesson-1-1")
    outline = page.get_by_role("navigation", name="Course outline")
    drawer = outline.locator("details")
    assert drawer.get_attribute("open") is None                       # closed on a phone
    assert not outline.get_by_role("link", name="Lesson 1.2").is_visible()
    outline.get_by_text("Course outline").click()
    assert outline.locator("[aria-current=page]").inner_text() == "Lesson 1.1"
    assert outline.get_by_text("Finish Module 1 and pass its quiz to unlock").is_visible()
    outline.get_by_role("link", name="Lesson 1.2").click()
    assert page.url.endswith("/lessons/lesson-1-2")

    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_text("You completed this lesson.").wait_for()
    if javascript:                                                    # the outline followed the swap
        page.get_by_role("navigation", name="Course outline").get_by_text("Course outline").click()
        assert "Done" in outline.locator(".item-current").inner_text()
    page.locator("#lesson-status a[rel=next]").click()
    assert page.url.endswith(f"/courses/{course.slug}/quizzes/module-1")

    page.goto(f"{base}/courses/{course.slug}/lessons/lesson-1-1")
    assert _progress(page) == "2"
    page.get_by_role("button", name="Mark as not done").click()
    page.get_by_role("button", name="Mark as complete").wait_for()
    if not javascript:
        assert page.get_by_text("Lesson marked as not done.").is_visible()
    assert _progress(page) == "1"
    assert page.get_by_role("button", name="Mark as not done").count() == 0


def _outline_course(make):
    from tests.learning import helpers as h

    user = make.user(name="Olga Outline")
    course = make.course(modules=2, lessons=2, questions=2, final=False)
    h.enrol(user, course)
    h.complete(user, h.lessons(course, 0)[0])
    return user, course


def test_outline_next_and_not_done_on_a_phone(page, live_server, make):
    errors = _watch_for_errors(page)
    user, course = _outline_course(make)
    _outline_journey(page, live_server.url, user, course, javascript=True)
    assert errors == [], errors


def test_outline_next_and_not_done_without_javascript(nojs_page, live_server, make):
    user, course = _outline_course(make)
    _outline_journey(nojs_page, live_server.url, user, course, javascript=False)


def test_the_outline_is_an_open_sidebar_on_a_wide_screen(browser, live_server, make):
    user, course = _outline_course(make)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/login")
        _log_in(page, user)
        page.goto(f"{live_server.url}/courses/{course.slug}/lessons/lesson-1-2")
        outline = page.get_by_role("navigation", name="Course outline")
        assert outline.locator("[aria-current=page]").is_visible()
        outline.get_by_text("Course outline").click()                 # a heading here: stays open
        assert outline.get_by_role("link", name="Lesson 1.1").is_visible()
        lesson, sidebar = page.locator("article.lesson").bounding_box(), outline.bounding_box()
        assert sidebar["x"] + sidebar["width"] <= lesson["x"]          # beside the lesson, not above it
    finally:
        context.close()
