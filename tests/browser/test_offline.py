"""Offline in Chromium (network cut with CDP emulation): a course saved for offline reading,
its next lesson opened from the cache with the banner, Mark as complete queued and sent once
on reconnect (also when sent twice), and our own page for what was never saved."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.core.db import utcnow
from lms.extensions import db
from lms.learning.models import LessonProgress
from tests.factories import PASSWORD
from tests.learning import helpers as h

pytestmark = pytest.mark.browser

QUEUED_KEYS = """() => new Promise((resolve) => {
  const open = indexedDB.open("upr-offline", 1);
  open.onsuccess = () => {
    const all = open.result.transaction("queue").objectStore("queue").getAll();
    all.onsuccess = () => resolve(all.result);
  };
})"""

REPLAY = """async ([url, key, doneAt]) => {
  const session = await (await fetch("/offline/session")).json();
  const body = new URLSearchParams({csrf_token: session.csrf_token, key: key, done_at: doneAt});
  const response = await fetch(url, {method: "POST", body: body,
                                     headers: {"X-CSRFToken": session.csrf_token, "HX-Request": "true"}});
  return response.status;
}"""


def _rows(user):
    db.session.rollback()
    return list(db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user.id)))


def test_a_lesson_read_and_completed_offline_is_recorded_once_on_reconnect(live_server, page, make):
    user = make.user()
    course = make.course(modules=1, lessons=3, questions=0, final=False, navigation="free")
    h.enrol(user, course)
    base, errors = live_server.url, []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Security Policy" in msg.text else None)
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/courses/{course.slug}")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()                                            # now controlled by the worker
    button = page.get_by_role("button", name="Make available offline")
    assert " kB)" in button.inner_text()
    button.click()
    page.get_by_text("Saved on this device: the lessons open without a connection.").wait_for()

    page.goto(f"{base}/courses/{course.slug}/lessons/lesson-1-1")
    assert page.locator("#offline-banner").is_hidden()
    page.context.set_offline(True)
    page.locator("a[rel=next]").click()                     # never opened online: from the saved copy
    page.wait_for_url("**/lessons/lesson-1-2")
    assert "Body of lesson" in page.locator(".lesson-body").inner_text()
    assert page.locator("#offline-banner").inner_text() == "Offline — saved copy"
    before = utcnow()
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_text("Saved on this phone; it will be sent when you are back online.").first.wait_for()
    queued = page.evaluate(QUEUED_KEYS)
    assert len(queued) == 1 and not [r for r in _rows(user) if r.completed_at]

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.get_by_text("Sent: your progress made offline is recorded.").first.wait_for()
    synced = utcnow()
    assert page.evaluate(QUEUED_KEYS) == []
    item = queued[0]
    assert page.evaluate(REPLAY, [item["url"], item["key"], item["done_at"]]) == 200   # sent twice
    rows = [r for r in _rows(user) if r.completed_at]
    assert len(rows) == 1 and rows[0].lesson_id == h.lessons(course)[1].id
    assert before - timedelta(seconds=1) <= rows[0].completed_at <= synced            # its real time
    assert rows[0].completion_key == item["key"]

    page.context.set_offline(True)
    page.goto(base + "/badges")                              # never saved
    assert "You are offline" in page.locator("h1").inner_text()
    assert errors == []


def test_without_javascript_nothing_offline_shows_and_complete_still_works(live_server, nojs_page, make):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    h.enrol(user, course)
    page, base = nojs_page, live_server.url
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/courses/{course.slug}")
    assert page.locator("#offline-copy").is_hidden()
    page.goto(f"{base}/courses/{course.slug}/lessons/lesson-1-1")
    assert page.locator("#offline-banner").is_hidden()
    page.get_by_role("button", name="Mark as complete").click()
    assert "Lesson marked as complete." in page.content()
    assert len([r for r in _rows(user) if r.completed_at]) == 1
