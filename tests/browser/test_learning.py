"""The learner journey on a phone, with and without JavaScript: enrol, read and complete two
lessons, watch the progress bar move, log out and in, and Continue to the next lesson."""
import pytest

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

    page.get_by_role("button", name="Log out").click()
    page.goto(base + "/login")
    _log_in(page, user)
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
