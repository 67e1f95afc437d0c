"""The installable web app: manifest, worker, offline page and a course's offline copy."""
import gzip
import re

from sqlalchemy import func, select

from lms.extensions import db
from lms.learning.models import LessonProgress
from tests.learning import helpers as h


def test_the_manifest_installs_the_app_at_my_learning(client):
    response = client.get("/manifest.webmanifest")
    body = response.get_json(force=True)
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    assert body["start_url"] == "/learning" and body["display"] == "standalone" and body["theme_color"] == "#1e3a8a"
    assert body["icons"][0]["src"].startswith("/static/favicon.svg?v=")
    assert client.get(body["icons"][0]["src"]).status_code == 200


def test_every_page_links_the_manifest_and_registers_a_versioned_worker_from_the_root(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    worker = re.search(r'data-worker="([^"]+)"', page).group(1)
    assert re.fullmatch(r"/sw\.js\?v=[0-9a-f]{10}", worker)
    response = client.get(worker)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache" and b"upr-shell-" in response.get_data()
    assert "<script>" not in page and 'id="offline-banner"' in page and "Offline — saved copy" in page


def test_the_shell_lists_current_static_files_and_the_offline_page(client):
    shell = client.get("/offline/shell.json").get_json()
    assert "/offline" in shell["urls"]
    for url in shell["urls"]:
        assert client.get(url).status_code == 200, url
    assert any(u.startswith("/static/vendor/htmx-2.0.11/htmx.min.js?v=") for u in shell["urls"])


def test_the_offline_page_is_public_and_says_what_opens_offline(client):
    response = client.get("/offline")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "You are offline" in page
    assert "made available offline" in page and "sent when you are back online" in page


def test_an_enrolled_learner_gets_the_course_copy_with_its_size(client, make, login):
    user, course = make.user(), make.course(modules=2, lessons=2, questions=0, final=False, navigation="free")
    h.enrol(user, course)
    login(user)
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert 'id="offline-copy" hidden' in page and f'data-source="/courses/{course.slug}/offline.json"' in page
    copy = client.get(f"/courses/{course.slug}/offline.json").get_json()
    lessons = [f"/courses/{course.slug}/lessons/lesson-{m}-{n}" for m in (1, 2) for n in (1, 2)]
    assert copy["urls"] == [f"/courses/{course.slug}", *lessons, "/glossary"]
    assert copy["kilobytes"] >= 1 and f"({copy['kilobytes']} kB)" in copy["label"]
    assert db.session.scalar(select(func.count(LessonProgress.id))) == 0


def test_the_estimate_is_close_to_the_real_compressed_pages(client, make, login):
    user, course = make.user(), make.course(modules=2, lessons=3, questions=0, final=False, navigation="free")
    h.enrol(user, course)
    login(user)
    copy = client.get(f"/courses/{course.slug}/offline.json").get_json()
    real = sum(len(gzip.compress(client.get(url, headers={"X-Offline-Copy": "1"}).get_data()))
               for url in copy["urls"])
    assert 0.6 * real <= copy["bytes"] <= 1.4 * real, (copy["bytes"], real)


def test_a_sequential_course_copies_only_what_is_open(client, make, login):
    user, course = make.user(), make.course(modules=2, lessons=1)
    h.enrol(user, course)
    login(user)
    copy = client.get(f"/courses/{course.slug}/offline.json").get_json()
    assert f"/courses/{course.slug}/lessons/lesson-1-1" in copy["urls"]
    assert f"/courses/{course.slug}/lessons/lesson-2-1" not in copy["urls"]


def test_fetching_a_copy_of_a_lesson_does_not_count_as_reading_it(client, make, login):
    user, course = make.user(), make.course()
    h.enrol(user, course)
    login(user)
    url = f"/courses/{course.slug}/lessons/lesson-1-1"
    assert client.get(url, headers={"X-Offline-Copy": "1"}).status_code == 200
    assert db.session.scalar(select(func.count(LessonProgress.id))) == 0
    client.get(url)
    db.session.rollback()
    assert db.session.scalar(select(func.count(LessonProgress.id))) == 1


def test_the_copy_needs_login_and_a_readable_course(client, make, login):
    course, cohort_only = make.course(), make.course(enrolment="cohort")
    response = client.get(f"/courses/{course.slug}/offline.json")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(make.user())
    assert client.get(f"/courses/{cohort_only.slug}/offline.json").status_code == 404
    assert client.get("/courses/no-such-course/offline.json").status_code == 404
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert 'id="offline-copy"' not in page          # not enrolled: nothing to save


def test_the_session_endpoint_gives_the_queue_a_fresh_token(client, make, login):
    assert client.get("/offline/session").status_code == 302
    user = make.user()
    login(user)
    body = client.get("/offline/session").get_json()
    assert body["user"] == user.id and len(body["csrf_token"]) > 20
