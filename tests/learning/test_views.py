"""Learner routes through the test client: what a learner sees and what gets written."""
from sqlalchemy import func, select

from lms.catalog.models import GlossaryTerm
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning.models import Enrollment, LessonProgress
from tests.learning import helpers as h


def _lesson_url(course, slug):
    return f"/courses/{course.slug}/lessons/{slug}"


def _count(model=LessonProgress):
    db.session.rollback()  # end the test's read snapshot: requests wrote in their own sessions
    return db.session.scalar(select(func.count(model.id)))


def test_enrol_then_the_course_page_offers_to_start(client, make, login):
    user, course = make.user(), make.course()
    login(user)
    response = client.post(f"/courses/{course.slug}/enrol")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/courses/{course.slug}")
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "You are enrolled" in page and "Start the course" in page and "Leave this course" in page
    assert f'href="/courses/{course.slug}/lessons/lesson-1-1"' in page
    assert client.post(f"/courses/{course.slug}/enrol").status_code == 303       # again: still one row
    assert _count(Enrollment) == 1


def test_cohort_only_courses_refuse_self_enrolment_and_lessons(client, make, login):
    user, course = make.user(), make.course(enrolment="cohort")
    login(user)
    response = client.post(f"/courses/{course.slug}/enrol")
    assert response.status_code == 403 and "cohort" in response.get_data(as_text=True)
    assert client.get(_lesson_url(course, "lesson-1-1")).status_code == 403
    assert client.get(f"/courses/{course.slug}/continue").status_code == 403
    assert _count(Enrollment) == 0 and _count() == 0


def test_unknown_slugs_are_404(client, make, login):
    user, course = make.user(), make.course()
    h.enrol(user, course)
    login(user)
    assert client.post("/courses/no-such-course/enrol").status_code == 404
    assert client.get(_lesson_url(course, "no-such-lesson")).status_code == 404
    assert client.get("/courses/no-such-course/lessons/lesson-1-1").status_code == 404
    assert client.post(f"/courses/{course.slug}/lessons/nope/complete").status_code == 404
    assert client.get("/courses/no-such-course/continue").status_code == 404
    db.session.rollback()
    lesson = h.lessons(course)[1]
    lesson.archived = True
    db.session.commit()
    assert client.get(_lesson_url(course, lesson.slug)).status_code == 404


def test_an_open_course_sends_a_visitor_to_its_enrol_prompt(client, make, login):
    user, course = make.user(), make.course()
    login(user)
    response = client.get(_lesson_url(course, "lesson-1-1"))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/courses/{course.slug}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Enrol in this course to read its lessons." in page and "Enrol in this course</button>" in page
    assert client.post(f"/courses/{course.slug}/lessons/lesson-1-1/complete").status_code == 303
    response = client.post(f"/courses/{course.slug}/lessons/lesson-1-1/complete", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/courses/{course.slug}"
    assert _count() == 0


def test_the_lesson_page_shows_the_lesson_and_records_the_view(client, make, login):
    user, course = make.user(), make.course(modules=2, lessons=2)
    lesson = h.lessons(course)[0]
    lesson.purpose, lesson.minutes = "Explain where the UPR comes from.", 6
    lesson.body_html = "<h2>Origins</h2><p>The General Assembly created the UPR.</p>"
    lesson.key_points = ["GA resolution 60/251 created it."]
    lesson.glossary = ["troika", "retired-term"]
    lesson.sources = [{"title": "OHCHR", "url": "https://www.ohchr.org/en/hr-bodies/upr"},
                      {"title": "Sneaky", "url": "javascript:alert(1)"}]
    db.session.add_all([
        GlossaryTerm(slug="troika", term="Troika", definition_html="<p>Three States <script>x</script>drawn by lot.</p>"),
        GlossaryTerm(slug="retired-term", term="Gone", definition_html="<p>Old.</p>", archived=True)])
    enrollment = h.enrol(user, course)
    login(user)
    page = client.get(_lesson_url(course, lesson.slug)).get_data(as_text=True)
    assert "<h2>Origins</h2><p>The General Assembly created the UPR.</p>" in page
    assert "Explain where the UPR comes from." in page and "6 minutes read" in page
    assert "Key points" in page and "GA resolution 60/251 created it." in page
    assert '<details id="term-troika">' in page and "<summary>Troika</summary>" in page
    assert 'href="/glossary#troika"' in page and "<script>x</script>" not in page and "Gone" not in page
    assert '<a href="https://www.ohchr.org/en/hr-bodies/upr" rel="noopener noreferrer">OHCHR</a>' in page
    assert "javascript:" not in page and "<li>Sneaky</li>" in page
    assert f'<a href="/courses/{course.slug}">{course.title}</a>' in page and "Module 1: Module 1" in page
    assert 'rel="next"' in page and "Next: Lesson 1.2" in page
    assert f'hx-post="/courses/{course.slug}/lessons/{lesson.slug}/complete"' in page
    assert 'hx-target="#lesson-status"' in page and "Mark as complete" in page

    client.get(_lesson_url(course, lesson.slug))
    rows = h.progress_rows(user)
    assert [(r.lesson_id, r.views, r.completed_at) for r in rows] == [(lesson.id, 2, None)]
    assert h.enrollment_of(user, course).last_activity_at is not None and enrollment.id


def test_prev_and_next_cross_module_boundaries(client, make, login):
    user, course = make.user(), make.course(modules=2, lessons=1, questions=0, final=False, navigation="free")
    h.enrol(user, course)
    login(user)
    first = client.get(_lesson_url(course, "lesson-1-1")).get_data(as_text=True)
    second = client.get(_lesson_url(course, "lesson-2-1")).get_data(as_text=True)
    assert f'href="/courses/{course.slug}/lessons/lesson-2-1" rel="next"' in first
    assert f'href="/courses/{course.slug}/lessons/lesson-1-1" rel="prev"' in second
    assert "Back to the course" in second


def test_mark_complete_with_htmx_swaps_the_status_fragment(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    h.enrol(user, course)
    login(user)
    url = _lesson_url(course, "lesson-1-1") + "/complete"
    response = client.post(url, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="lesson-status"') and "<html" not in body
    assert "You completed this lesson." in body and "Mark as complete" not in body
    assert '<progress class="progress-bar" max="2" value="1"' in body and "50% complete" in body


def test_mark_complete_without_javascript_redirects_back(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=2, questions=0, final=False)
    h.enrol(user, course)
    login(user)
    url = _lesson_url(course, "lesson-1-1")
    response = client.post(url + "/complete")
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert "Lesson marked as complete." in page and "You completed this lesson." in page
    assert 'value="1"' in page and "Mark as complete" not in page


def test_a_double_click_on_complete_makes_one_row(client, make, login):
    user, course = make.user(), make.course()
    h.enrol(user, course)
    login(user)
    url = _lesson_url(course, "lesson-1-1") + "/complete"
    assert client.post(url).status_code == 303
    assert client.post(url, headers={"HX-Request": "true"}).status_code == 200
    rows = h.progress_rows(user)
    assert len(rows) == 1 and rows[0].completed_at is not None


def test_a_locked_lesson_answers_409_and_writes_nothing(client, make, login):
    user, course = make.user(), make.course(modules=2, lessons=1)
    h.enrol(user, course)
    login(user)
    url = _lesson_url(course, "lesson-2-1")
    response = client.post(url + "/complete")
    assert response.status_code == 409
    assert "Finish Module 1 and pass its quiz to unlock" in response.get_data(as_text=True)
    response = client.post(url + "/complete", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and body.lstrip().startswith('<section id="lesson-status"')
    assert 'role="alert">Finish Module 1 and pass its quiz to unlock' in body
    response = client.get(url)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/courses/{course.slug}")
    assert "Finish Module 1 and pass its quiz to unlock" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _count() == 0


def test_completing_the_last_lesson_says_the_course_is_complete(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=1, questions=0, final=False)
    h.enrol(user, course)
    login(user)
    body = client.post(_lesson_url(course, "lesson-1-1") + "/complete",
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f"Course complete — you earned {course.badge['name']}" in body and "certificate.pdf" in body
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Course completed on" in page and "100% complete" in page


def test_without_javascript_the_last_lesson_leads_to_the_course_page_with_the_badge(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=1, questions=0, final=False)
    h.enrol(user, course)
    login(user)
    response = client.post(_lesson_url(course, "lesson-1-1") + "/complete")
    assert response.status_code == 303 and response.headers["Location"] == f"/courses/{course.slug}"
    assert "Course complete — you earned" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_continue_opens_the_first_unfinished_item(client, make, login):
    user, course = make.user(), make.course(modules=2, lessons=3)
    h.enrol(user, course)
    h.complete(user, *h.lessons(course, 0)[:2])
    login(user)
    response = client.get(f"/courses/{course.slug}/continue")
    assert response.status_code == 303 and response.headers["Location"].endswith(_lesson_url(course, "lesson-1-3"))


def test_continue_goes_to_the_course_page_when_nothing_is_open(client, make, login):
    user, course = make.user(), make.course(modules=1, lessons=1, questions=0, final=False)
    h.enrol(user, course)
    h.complete(user, *h.lessons(course))
    login(user)
    response = client.get(f"/courses/{course.slug}/continue")
    assert response.headers["Location"].endswith(f"/courses/{course.slug}")


def test_leave_keeps_progress_and_hides_the_course(client, make, login):
    user, course = make.user(), make.course()
    h.enrol(user, course)
    h.complete(user, h.lessons(course)[0])
    login(user)
    assert course.title in client.get("/learning").get_data(as_text=True)
    response = client.post(f"/courses/{course.slug}/leave")
    assert response.status_code == 303
    assert "Your progress is kept" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert course.title not in client.get("/learning").get_data(as_text=True)
    assert client.get(_lesson_url(course, "lesson-1-1")).status_code == 303
    assert _count() == 1 and h.enrollment_of(user, course).left_at is not None
    assert client.post(f"/courses/{course.slug}/leave").status_code == 409
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "You left this course on" in page
    client.post(f"/courses/{course.slug}/enrol")
    assert course.title in client.get("/learning").get_data(as_text=True)


def test_a_cohort_assignment_cannot_be_left(client, make, login):
    user, course = make.user(), make.course(enrolment="cohort")
    h.enrol(user, course, source="cohort")
    login(user)
    assert client.post(f"/courses/{course.slug}/leave").status_code == 403
    assert h.enrollment_of(user, course).left_at is None


def test_lessons_fall_back_to_english_with_a_notice(client, make, login):
    user, course = make.user(locale="fr"), make.course(modules=1, lessons=2, questions=0, final=False)
    first, second = h.lessons(course)
    first.translations = {"fr": {"title": "Origines", "purpose": "Expliquer.", "key_points": ["Un point."],
                                 "body_html": "<p>Corps en français.</p>"}}
    db.session.commit()
    h.enrol(user, course)
    login(user)
    french = client.get(_lesson_url(course, first.slug)).get_data(as_text=True)
    assert "<p>Corps en français.</p>" in french and "Origines" in french and "Un point." in french
    assert "not yet available" not in french
    english = client.get(_lesson_url(course, second.slug)).get_data(as_text=True)
    from flask_babel import force_locale, gettext
    with force_locale("fr"):
        notice = gettext("This lesson is not yet available in %(language)s; showing English.", language="Français")
    assert notice.startswith("Cette leçon") and notice in english
    assert "<p>Body of lesson 1.2.</p>" in english and '<div class="lesson-body" lang="en">' in english
    assert '<html lang="fr">' in english and '<h1 lang="en">' in english


def test_admins_preview_without_recording_progress(client, make, login):
    admin, course = make.user("admin"), make.course(enrolment="cohort")
    login(admin)
    page = client.get(_lesson_url(course, "lesson-1-1")).get_data(as_text=True)
    assert "Preview: your progress is not recorded." in page and "Mark as complete" not in page
    assert client.post(_lesson_url(course, "lesson-1-1") + "/complete").status_code == 409
    response = client.post(_lesson_url(course, "lesson-1-1") + "/complete", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "previews do not record progress" in body
    assert "<html" not in body and "Mark as complete" not in body
    assert _count() == 0


def test_a_retired_course_stays_readable_for_its_learners(client, make, login):
    learner, stranger, course = make.user(), make.user(), make.course()
    h.enrol(learner, course)
    course.archived = True
    db.session.commit()
    login(learner)
    assert client.get(f"/courses/{course.slug}").status_code == 200
    assert client.get(_lesson_url(course, "lesson-1-1")).status_code == 200
    assert client.post(f"/courses/{course.slug}/enrol").status_code == 409
    login(stranger)
    assert client.get(f"/courses/{course.slug}").status_code == 404
    assert client.get(_lesson_url(course, "lesson-1-1")).status_code == 404
    assert client.post(f"/courses/{course.slug}/enrol").status_code == 404


def test_my_learning_lists_progress_due_dates_completion_and_badges(client, make, login):
    from datetime import date, timedelta

    from lms.badges.models import BadgeAward, BadgeClass
    from lms.cohorts.models import Cohort, CohortCourse

    user = make.user()
    started, finished, assigned = make.course(), make.course(), make.course(enrolment="cohort")
    h.enrol(user, started)
    h.complete(user, h.lessons(started)[0])
    h.enrol(user, finished, completed_at=utcnow())
    cohort = Cohort(name="Ministry", join_code="m-1")
    db.session.add(cohort)
    db.session.flush()
    db.session.add(CohortCourse(cohort_id=cohort.id, course_id=assigned.id, due_on=date(2031, 3, 31)))
    h.enrol(user, assigned, source="cohort", cohort_id=cohort.id)
    for n, course in enumerate((started, finished, assigned, make.course())):
        badge = BadgeClass(course_id=course.id, slug=f"badge-{n}", name=f"Badge number {n}")
        db.session.add(badge)
        db.session.flush()
        db.session.add(BadgeAward(user_id=user.id, badge_class_id=badge.id, uuid=f"uuid-{n}", short_code=f"CODE{n}",
                                  salt="s", recipient_hash="sha256$x", issued_on=utcnow() - timedelta(days=10 - n)))
    db.session.commit()
    login(user)
    page = client.get("/learning").get_data(as_text=True)
    assert page.index(started.title) < page.index(finished.title)          # unfinished first
    assert f'max="{7}" value="1"' in page and "Continue" in page and "Next: Lesson 1.2" in page
    assert "Completed on" in page
    assert "Due on March 31, 2031" in page
    assert "Badge number 3" in page and "Badge number 1" in page and "Badge number 0" not in page
    assert page.index("Badge number 3") < page.index("Badge number 1")


def test_my_learning_shows_time_on_task_per_course(client, make, login):
    user, busy, untouched = make.user(), make.course(), make.course()
    h.enrol(user, busy)
    h.enrol(user, untouched)
    h.complete(user, h.lessons(busy)[0])
    h.progress_rows(user)[0].seconds = 2 * 3600 + 10 * 60
    db.session.commit()
    h.finish_attempt(user, h.module_quiz(busy, 0), 90)                      # a 5-minute attempt
    login(user)
    page = client.get("/learning").get_data(as_text=True)
    cards = {course.title: next(c for c in page.split('class="card learning-card"')[1:] if course.title + "<" in c)
             for course in (busy, untouched)}
    assert "Time on task: 2 h 15 min" in cards[busy.title]
    assert "Time on task: less than 1 min" in cards[untouched.title]


def test_my_learning_marks_overdue_courses(client, make, login):
    from datetime import date

    from lms.cohorts.models import Cohort, CohortCourse

    user, course = make.user(), make.course(enrolment="cohort")
    cohort = Cohort(name="Late", join_code="late-1")
    db.session.add(cohort)
    db.session.flush()
    db.session.add(CohortCourse(cohort_id=cohort.id, course_id=course.id, due_on=date(2020, 1, 31)))
    h.enrol(user, course, source="cohort", cohort_id=cohort.id)
    login(user)
    assert "Overdue: was due on January 31, 2020" in client.get("/learning").get_data(as_text=True)


def test_my_learning_invites_a_new_learner_to_browse(client, make, login):
    login(make.user())
    page = client.get("/learning").get_data(as_text=True)
    assert "You are not enrolled in any course yet." in page and "Browse the courses" in page


def test_the_lesson_page_reads_without_the_write_lock_and_records_the_view_in_a_short_write(
        app, client, make, login):
    """Readers of lessons must not queue behind each other: the page is read and rendered in
    a plain transaction, then the view is written in its own transaction that takes SQLite's
    write lock at BEGIN (never upgrading a read transaction, which SQLite refuses under
    contention) and runs only the writes."""
    from sqlalchemy import event

    user, course = make.user(), make.course()
    h.enrol(user, course)
    login(user)
    lesson_url, course_url = _lesson_url(course, "lesson-1-1"), f"/courses/{course.slug}"
    seen = []

    def spy(conn, cursor, statement, *args):
        seen.append(statement.split()[0].upper() + (" IMMEDIATE" if "IMMEDIATE" in statement else ""))

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        assert client.get(lesson_url).status_code == 200
        assert client.get(course_url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    lesson_page = seen[:seen.index("UPDATE") + 1]
    assert "INSERT" in lesson_page and "UPDATE" in lesson_page
    if db.engine.dialect.name == "sqlite":
        assert lesson_page[0] == "BEGIN" and lesson_page[1] == "SELECT"
        write = [s for s in lesson_page[lesson_page.index("BEGIN IMMEDIATE"):] if s != "PRAGMA"]
        assert write == ["BEGIN IMMEDIATE", "INSERT", "UPDATE"]         # only the writes hold the lock
        assert "BEGIN IMMEDIATE" not in seen[len(lesson_page):]       # the course page only reads
