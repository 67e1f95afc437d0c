"""Moving through a course from a lesson page: the outline beside the lesson, Previous and
Next in outline order, Continue, and "Mark as not done"."""
import re

from sqlalchemy import select

from lms.catalog.models import Module
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning import services
from tests.learning import helpers as h

HX = {"HX-Request": "true"}


def _lesson_url(course, slug):
    return f"/courses/{course.slug}/lessons/{slug}"


def _quiz_url(course, slug):
    return f"/courses/{course.slug}/quizzes/{slug}"


def _outline(page: str) -> str:
    """The outline's list, nested lists included."""
    start = page.index('<ol id="course-outline-items"')
    depth, at = 0, start
    for tag in re.finditer(r"<(/?)ol[ >]", page[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            at = start + tag.end()
            break
    return page[start:at]


def _entries(outline: str) -> list[str]:
    return re.findall(r'<li class="outline-item[^"]*">(.*?)</li>', outline, re.S)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_outline_lists_every_item_in_order_with_its_state(client, make, login):
    user, course = make.user(), make.course(modules=3, lessons=2)
    h.enrol(user, course)
    h.finish_module(user, course, 0)
    login(user)
    page = client.get(_lesson_url(course, "lesson-2-1")).get_data(as_text=True)
    assert '<nav class="course-outline" aria-label="Course outline">' in page
    assert "<details class=\"outline-drawer\" data-outline>" in page           # closed: a drawer on phones
    assert "<summary>Course outline</summary>" in page
    entries = [_text(e) for e in _entries(_outline(page))]
    assert entries == [
        "Lesson 1.1 ✓ Done", "Lesson 1.2 ✓ Done", "Quiz Quiz module-1 ✓ Passed",
        "Lesson 2.1 You are here", "Lesson 2.2", "Quiz Quiz module-2",
        "Lesson 3.1 Locked", "Lesson 3.2 Locked", "Quiz Quiz module-3 Locked",
        "Quiz Quiz final Locked",
    ]
    outline = _outline(page)
    assert outline.count('aria-current="page"') == 1
    assert f'<a href="{_lesson_url(course, "lesson-2-1")}" aria-current="page">Lesson 2.1</a>' in outline
    assert f'href="{_quiz_url(course, "module-1")}"' in outline and f'href="{_quiz_url(course, "module-2")}"' in outline
    assert "lesson-3-1" not in outline and _quiz_url(course, "final") not in outline   # locked: no link
    assert '<p class="lock-reason">Finish Module 2 and pass its quiz to unlock</p>' in outline
    assert '<p class="lock-reason">Finish every module to unlock the final assessment</p>' in outline
    assert "Module 1: Module 1" in outline and "Final assessment" in outline


def test_the_outline_speaks_the_pages_language(client, make, login):
    user, course = make.user(locale="fr"), make.course(modules=1, lessons=2)
    lesson = h.lessons(course)[1]
    lesson.translations = {"fr": {"title": "Deuxième leçon", "body_html": "<p>Corps</p>"}}
    db.session.get(Module, lesson.module_id).translations = {"fr": {"title": "Premier module"}}
    h.module_quiz(course, 0).translations = {"fr": {"title": "Quiz du module"}}
    db.session.commit()
    h.enrol(user, course)
    login(user)
    outline = _outline(client.get(_lesson_url(course, "lesson-1-1")).get_data(as_text=True))
    assert "Premier module" in outline and "Deuxième leçon" in outline and "Quiz du module" in outline
    assert "Lesson 1.1" in outline                                             # no translation: English


def test_next_and_previous_follow_the_outline_through_quizzes(client, make, login):
    user, course = make.user(), make.course(modules=2, lessons=2)
    h.enrol(user, course)
    h.finish_module(user, course, 0)
    login(user)
    last_of_first = client.get(_lesson_url(course, "lesson-1-2")).get_data(as_text=True)
    assert f'href="{_quiz_url(course, "module-1")}" rel="next">Next: Quiz module-1' in last_of_first
    assert f'href="{_lesson_url(course, "lesson-1-1")}" rel="prev"' in last_of_first
    first_of_second = client.get(_lesson_url(course, "lesson-2-1")).get_data(as_text=True)
    assert f'href="{_quiz_url(course, "module-1")}" rel="prev">← Previous: Quiz module-1' in first_of_second
    last = client.get(_lesson_url(course, "lesson-2-2")).get_data(as_text=True)
    assert f'href="{_quiz_url(course, "module-2")}" rel="next"' in last
    first = client.get(_lesson_url(course, "lesson-1-1")).get_data(as_text=True)
    assert f'<a href="/courses/{course.slug}">← Back to the course</a>' in first and 'rel="prev"' not in first


def test_after_the_last_module_next_is_the_final_then_the_course_page(client, make, login):
    user = make.user()
    course = make.course(modules=1, lessons=1, questions=0, navigation="free")
    h.enrol(user, course)
    login(user)
    page = client.get(_lesson_url(course, "lesson-1-1")).get_data(as_text=True)
    assert f'href="{_quiz_url(course, "final")}" rel="next">Next: Quiz final' in page
    no_final = make.course(modules=1, lessons=1, questions=0, final=False)
    h.enrol(user, no_final)
    page = client.get(_lesson_url(no_final, "lesson-1-1")).get_data(as_text=True)
    assert 'rel="next"' not in page and f'<a href="/courses/{no_final.slug}">Back to the course</a>' in page


def test_a_locked_next_item_says_what_unlocks_it(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=1, questions=0)
    h.enrol(user, course)
    login(user)
    url = _lesson_url(course, "lesson-1-1")
    page = client.get(url).get_data(as_text=True)
    assert "Next: Quiz final · Finish every module to unlock the final assessment" in page
    assert 'rel="next"' not in page
    body = client.post(url + "/complete", headers=HX).get_data(as_text=True)
    assert f'href="{_quiz_url(course, "final")}" rel="next">Next: Quiz final' in body


def test_continue_goes_to_the_module_quiz_after_its_lessons(client, make, login):
    user, course = make.user(), make.course(modules=2, lessons=2)
    h.enrol(user, course)
    h.complete(user, *h.lessons(course, 0))
    login(user)
    response = client.get(f"/courses/{course.slug}/continue")
    assert response.status_code == 303 and response.headers["Location"].endswith(_quiz_url(course, "module-1"))
    h.finish_module(user, course, 0)
    h.finish_module(user, course, 1)
    response = client.get(f"/courses/{course.slug}/continue")
    assert response.headers["Location"].endswith(_quiz_url(course, "final"))


def test_mark_as_not_done_with_htmx_swaps_the_status_and_the_outline(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    h.enrol(user, course)
    h.complete(user, h.lessons(course)[0])
    login(user)
    url = _lesson_url(course, "lesson-1-1")
    page = client.get(url).get_data(as_text=True)
    assert "Mark as not done" in page and "Mark as complete</button>" not in page
    response = client.post(url + "/not-done", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<section id="lesson-status"')
    assert "<html" not in body and "Mark as complete</button>" in body and "Mark as not done" not in body
    assert '<progress class="progress-bar" max="2" value="0"' in body
    assert '<ol id="course-outline-items" class="outline" hx-swap-oob="true">' in body
    assert "✓" not in _outline(body)
    [row] = h.progress_rows(user)
    assert row.completed_at is None and row.last_viewed_at is not None


def test_mark_as_complete_with_htmx_refreshes_the_outline_too(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    h.enrol(user, course)
    login(user)
    body = client.post(_lesson_url(course, "lesson-1-1") + "/complete", headers=HX).get_data(as_text=True)
    entries = [_text(e) for e in _entries(_outline(body))]
    assert entries == ["Lesson 1.1 You are here ✓ Done", "Lesson 1.2"]


def test_mark_as_not_done_without_javascript_redirects_back(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    h.enrol(user, course)
    h.complete(user, h.lessons(course)[0])
    login(user)
    url = _lesson_url(course, "lesson-1-1")
    response = client.post(url + "/not-done")
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert "Lesson marked as not done." in page and "Mark as complete</button>" in page
    assert "You completed this lesson." not in page
    assert client.post(url + "/not-done").status_code == 303                  # again: nothing to undo, fine
    assert h.progress_rows(user)[0].completed_at is None


def _badges(user) -> list:
    from lms.badges.models import BadgeAward

    db.session.rollback()
    return list(db.session.scalars(select(BadgeAward.revoked_at).where(BadgeAward.user_id == user.id)))


def test_a_completed_course_stays_completed_when_a_lesson_is_marked_not_done(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=1, questions=0, final=False)
    h.enrol(user, course)
    login(user)
    url = _lesson_url(course, "lesson-1-1")
    assert client.post(url + "/complete", headers=HX).status_code == 200
    completed_at = h.enrollment_of(user, course).completed_at
    assert completed_at is not None
    assert _badges(user) == [None]                                           # awarded, not revoked
    client.post(url + "/not-done")
    assert h.enrollment_of(user, course).completed_at == completed_at
    assert _badges(user) == [None]
    client.post(url + "/complete")                                           # done again: no second award
    assert _badges(user) == [None] and h.enrollment_of(user, course).completed_at == completed_at
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Course completed on" in page and "0% complete" in page


def test_previews_and_strangers_cannot_mark_lessons_not_done(client, make, login):
    admin, learner, course = make.user("admin"), make.user(), make.course(enrolment="cohort")
    h.enrol(learner, course, source="cohort")
    h.complete(learner, h.lessons(course)[0])
    login(admin)
    url = _lesson_url(course, "lesson-1-1") + "/not-done"
    assert client.post(url).status_code == 409
    response = client.post(url, headers=HX)
    assert response.status_code == 409 and "previews do not record progress" in response.get_data(as_text=True)
    login(make.user())
    assert client.post(url).status_code == 403                              # cohort course, not enrolled
    assert client.post(f"/courses/{course.slug}/lessons/nope/not-done").status_code == 404
    assert h.progress_rows(learner)[0].completed_at is not None


def test_a_learner_who_left_cannot_mark_lessons_not_done(client, make, login):
    user, course = make.user(), make.course()
    h.enrol(user, course)
    h.complete(user, h.lessons(course)[0])
    services.leave(user, course, now=utcnow())
    db.session.commit()
    login(user)
    response = client.post(_lesson_url(course, "lesson-1-1") + "/not-done")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/courses/{course.slug}")
    assert h.progress_rows(user)[0].completed_at is not None


def test_mark_as_not_done_needs_the_csrf_token(app, client, make, login):
    user, course = make.user(), make.course()
    h.enrol(user, course)
    h.complete(user, h.lessons(course)[0])
    login(user)
    app.config["WTF_CSRF_ENABLED"] = True
    url = _lesson_url(course, "lesson-1-1")
    assert client.post(url + "/not-done").status_code == 400
    assert client.post(url + "/not-done", headers=HX).status_code == 400
    assert h.progress_rows(user)[0].completed_at is not None
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
    assert client.post(url + "/not-done", headers={**HX, "X-CSRFToken": token}).status_code == 200
    assert h.progress_rows(user)[0].completed_at is None
