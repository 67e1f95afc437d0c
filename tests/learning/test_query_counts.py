"""Learner pages issue a fixed number of SQL queries whatever the course size or enrolments."""
from lms.catalog.models import GlossaryTerm
from lms.extensions import db
from tests.learning import helpers as h


def _learner_in(make, modules, lessons):
    db.session.rollback()  # end the read snapshot left by the previous request
    user, course = make.user(), make.course(modules=modules, lessons=lessons)
    h.enrol(user, course)
    h.finish_module(user, course, 0)
    h.complete(user, h.lessons(course, 1)[0])
    h.finish_attempt(user, h.module_quiz(course, 1), 30)
    lesson = h.lessons(course, 1)[-1]
    lesson.glossary = ["upr", "troika"]
    db.session.commit()
    return user, course, lesson


def test_lesson_page_takes_at_most_eight_queries_at_any_size(app, make, login, count_queries):
    db.session.add_all([GlossaryTerm(slug="upr", term="UPR"), GlossaryTerm(slug="troika", term="Troika")])
    db.session.commit()
    counts = []
    for modules, lessons in ((2, 2), (5, 4)):
        user, course, lesson = _learner_in(make, modules, lessons)
        client = login(user, c=app.test_client())
        url = f"/courses/{course.slug}/lessons/{lesson.slug}"
        assert client.get(url).status_code == 200
        with count_queries() as counter:
            page = client.get(url)
        assert page.status_code == 200 and "Troika" in page.get_data(as_text=True)
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 8, counts


def test_course_page_query_count_does_not_grow_with_the_course(app, make, login, count_queries):
    counts = []
    for modules, lessons in ((2, 2), (5, 4)):
        user, course, _lesson = _learner_in(make, modules, lessons)
        client = login(user, c=app.test_client())
        with count_queries() as counter:
            page = client.get(f"/courses/{course.slug}")
        assert page.status_code == 200 and "Continue" in page.get_data(as_text=True)
        counts.append(counter.count)
    anonymous = app.test_client()
    with count_queries() as counter:
        assert anonymous.get(f"/courses/{course.slug}").status_code == 200
    assert counts[0] == counts[1] and counter.count <= counts[0], (counts, counter.count)


def test_my_learning_query_count_does_not_grow_with_enrolments(app, make, login, count_queries):
    counts = []
    for size in (1, 6):
        db.session.rollback()
        user = make.user()
        for n in range(size):
            course = make.course(modules=2 + n % 3, lessons=2)
            h.enrol(user, course)
            h.complete(user, h.lessons(course)[0])
            h.finish_attempt(user, h.module_quiz(course, 0), 50)
        client = login(user, c=app.test_client())
        with count_queries() as counter:
            page = client.get("/learning")
        body = page.get_data(as_text=True)
        assert body.count('class="card learning-card"') == size
        assert body.count("Time on task: 5 min") == size                   # each course's quiz attempt
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_catalogue_query_count_does_not_grow_with_the_catalogue(app, make, login, count_queries):
    counts = []
    user = make.user()
    client = login(user, c=app.test_client())
    for size in (1, 8):
        db.session.rollback()
        for _ in range(size):
            h.enrol(user, make.course(modules=3, lessons=1))
        with count_queries() as counter:
            page = client.get("/")
        assert page.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_the_lesson_pages_outline_costs_no_query_per_lesson(app, make, login, count_queries):
    counts = []
    for modules, lessons in ((2, 1), (6, 8)):
        user, course, lesson = _learner_in(make, modules, lessons)
        client = login(user, c=app.test_client())
        url = f"/courses/{course.slug}/lessons/{lesson.slug}"
        assert client.get(url).status_code == 200
        with count_queries() as counter:
            page = client.get(url).get_data(as_text=True)
        assert page.count('<li class="outline-item') == modules * (lessons + 1) + 1   # every lesson and quiz
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
