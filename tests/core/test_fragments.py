"""Pages rendered from per-process fragments ({% cache %}, lms/core/fragments.py) stay
personal and current: each learner sees their own state, each reader their own language, and
a change of content shows as soon as the content version moves, whoever wrote it."""
from flask import g
from flask_babel import force_locale, gettext
from sqlalchemy import update

from lms.catalog.models import Lesson
from lms.core import content_cache
from lms.core.db import utcnow
from lms.extensions import db
from tests import factories
from tests.learning import helpers as h


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _outline(page: str) -> str:
    return page.split('id="course-outline-items"', 1)[1].split("</ol>\n", 1)[0]


def test_two_learners_on_one_lesson_each_see_their_own_outline_and_status(app, make, login):
    course = make.course(modules=1, lessons=3)
    done, fresh = make.user(name="Dana Done"), make.user(name="Fred Fresh")
    for learner in (done, fresh):
        h.enrol(learner, course)
    h.complete(done, h.lessons(course)[0])
    url = f"/courses/{course.slug}/lessons/lesson-1-2"
    pages = {}
    for learner in (done, fresh, done):   # the second visit of Dana is served from the fragments
        client = app.test_client()
        login(learner, c=client)
        pages.setdefault(learner.name, []).append(_page(client, url))
    first_done = _outline(pages["Dana Done"][0]).split("lesson-1-2")[0]
    assert "mark-done" in first_done                                   # Dana finished lesson 1
    assert "mark-done" not in _outline(pages["Fred Fresh"][0]).split("lesson-1-2")[0]
    assert "(1 of " in pages["Dana Done"][0] and "(0 of " in pages["Fred Fresh"][0]   # their progress
    assert _outline(pages["Dana Done"][1]) == _outline(pages["Dana Done"][0])
    # The CSRF token, the user's id and the flash messages are never taken from a fragment.
    token = pages["Fred Fresh"][0].split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    assert token not in pages["Dana Done"][1]
    assert f'data-user="{fresh.id}"' in pages["Fred Fresh"][0] and f'data-user="{done.id}"' in pages["Dana Done"][1]


def test_a_french_reader_after_an_english_one_gets_the_french_header_and_footer(app, make, login):
    course = make.course(modules=1, lessons=1)
    english, french = make.user(locale="en"), make.user(locale="fr")
    url = f"/courses/{course.slug}"
    seen = {}
    for learner in (english, french):
        h.enrol(learner, course)
        client = app.test_client()
        login(learner, c=client)
        seen[learner.locale] = _page(client, url)
    for locale, page in seen.items():
        with app.test_request_context(), force_locale(locale):
            expected = [gettext("My learning"), gettext("Verify a badge or certificate"), gettext("Syllabus")]
        assert all(text in page for text in expected), locale
    with app.test_request_context(), force_locale("fr"):
        assert gettext("My learning") not in seen["en"]


def test_content_changed_by_another_host_shows_once_the_version_moves(app, client, make, login):
    """Another host's sync only leaves a new version number in the database: this process's
    fragments must give way to it (in production within CONTENT_VERSION_SECONDS)."""
    learner, course = make.user(), make.course(modules=1, lessons=1)
    h.enrol(learner, course)
    login(learner)
    url = f"/courses/{course.slug}/lessons/lesson-1-1"
    assert "Body of lesson 1.1." in _page(client, url)
    factories.end_read_snapshot()
    db.session.execute(update(Lesson).where(Lesson.course_id == course.id)
                       .values(body_html="<p>Rewritten on another host.</p>"))   # no ORM flush here
    db.session.commit()
    assert "Body of lesson 1.1." in _page(client, url)                 # same version: the kept text
    content_cache.bump(utcnow())
    db.session.commit()
    g.pop("content_version", None)
    page = _page(client, url)
    assert "Rewritten on another host." in page and "Body of lesson 1.1." not in page
