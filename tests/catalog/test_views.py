"""Catalogue home page, course page and glossary as visitors and learners see them."""
import re

from sqlalchemy import select

from lms.catalog import importer, validate
from lms.catalog.models import Course, GlossaryTerm
from lms.extensions import db
from lms.learning.queries import course_state
from tests.learning import helpers as h


def test_the_home_page_is_the_catalogue(client, make):
    course = make.course("upr-basics", audiences=["all"])
    course.level, course.estimated_minutes = "intermediate", 100
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Create an account" in page and "Find a course" in page
    assert 'href="/courses/upr-basics"' in page and course.summary in page
    assert "Intermediate" in page and "About 1 h 40 min" in page and "2 modules" in page
    assert course.badge["name"] in page and "1 course" in page


def test_filters_work_as_a_plain_get_form(client, make):
    make.course("for-states", audiences=["sur"])
    make.course("for-csos", audiences=["cso"])
    page = client.get("/?audience=cso&language=&q=").get_data(as_text=True)
    assert "/courses/for-csos" in page and "/courses/for-states" not in page
    assert '<option selected value="cso">Civil society</option>' in page
    assert "Show all courses" in page
    page = client.get("/?q=course").get_data(as_text=True)
    assert "/courses/for-csos" in page and "/courses/for-states" in page


def test_htmx_gets_only_the_results(client, make):
    make.course("for-csos", audiences=["cso"])
    response = client.get("/?audience=cso", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<section id="catalogue-results"') and "/courses/for-csos" in body


def test_bad_filters_answer_400_with_a_message_and_every_course(client, make):
    make.course("visible")
    response = client.get("/?audience=martians&q=" + "x" * 101)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Not a valid choice" in page and "Use at most 100 characters." in page
    assert "/courses/visible" in page


def test_hostile_search_text_finds_nothing_and_breaks_nothing(client, make):
    make.course("visible")
    for hostile in ("' OR 1=1--", "%", "_", "1;DROP TABLE course"):
        response = client.get("/", query_string={"q": hostile})
        assert response.status_code == 200 and "/courses/visible" not in response.get_data(as_text=True)


def test_archived_courses_leave_the_catalogue_and_their_page(client, make):
    course = make.course("retired")
    course.archived = True
    db.session.commit()
    assert "/courses/retired" not in client.get("/").get_data(as_text=True)
    assert client.get("/courses/retired").status_code == 404
    assert client.get("/courses/never-existed").status_code == 404


def test_visitors_see_the_syllabus_and_an_enrol_prompt(client, make):
    course = make.course("open-course", modules=2, lessons=2)
    course.derived_from = ["guide", "compendium"]
    db.session.commit()
    page = client.get("/courses/open-course").get_data(as_text=True)
    assert "Module 1: Module 1" in page and "Lesson 2.2" in page and "Final assessment" in page
    assert "Finish Module 1 and pass its quiz to unlock" in page
    assert 'href="/login?next=/courses/open-course"' in page and "Log in to enrol" in page
    assert "/lessons/" not in page                                   # nothing to open before enrolling
    assert "A Guide for Recommending States at the UPR (2015)" in page
    assert "The Civil Society Compendium (2017)" in page and "do not reproduce" in page
    assert "The badge you earn" in page and course.badge["criteria"] in page


def test_enrolled_learners_see_states_progress_and_time_left(client, make, login):
    user, course = make.user(), make.course("mine", modules=2, lessons=2)
    h.enrol(user, course)
    first, second = h.lessons(course, 0)
    h.complete(user, first)
    login(user)
    client.get(f"/courses/mine/lessons/{second.slug}")
    page = client.get("/courses/mine").get_data(as_text=True)
    assert 'class="state state-done">Done' in page and 'class="state state-progress">In progress' in page
    assert 'class="state state-locked">Locked' in page
    assert '<progress class="progress-bar" max="7" value="1"' in page and "14% complete" in page
    # 3 lessons of 5 minutes, two 6-question module quizzes and a final that draws 5 questions.
    assert "About 32 minutes left, quizzes included." in page
    assert 'href="/courses/mine/continue">Continue' in page and "Next: Lesson 1.2" in page
    assert f'href="/courses/mine/lessons/{second.slug}"' in page
    assert 'href="/courses/mine/lessons/lesson-2-1"' not in page     # locked: no link


def test_quiz_items_link_to_the_quiz_engine_when_it_is_there(client, make, login, app):
    user, course = make.user(), make.course("quizzed", modules=1, lessons=1)
    h.enrol(user, course)
    login(user)
    page = client.get("/courses/quizzed").get_data(as_text=True)
    linked = 'href="/courses/quizzed/quizzes/module-1"' in page
    assert linked == ("quizzes.quiz" in app.view_functions)
    assert "Quiz module-1" in page


def test_cohort_only_courses_explain_how_to_join(client, make, login):
    make.course("assigned", enrolment="cohort")
    login(make.user())
    page = client.get("/courses/assigned").get_data(as_text=True)
    assert "taught through cohorts" in page and "Enrol in this course</button>" not in page


def test_the_glossary_page_anchors_every_term(client, make):
    db.session.add_all([GlossaryTerm(slug="troika", term="Troika", definition_html="<p>Three States.</p>"),
                        GlossaryTerm(slug="matrix", term="Matrix", definition_html="<p>A table.</p>")])
    db.session.commit()
    page = client.get("/glossary").get_data(as_text=True)
    assert '<dt id="troika">Troika</dt>' in page and 'href="#matrix"' in page
    assert page.index("Matrix") < page.index("Troika") and "<p>Three States.</p>" in page


def _course_time(page: str) -> list[str]:
    return re.findall(r'<span class="course-time">([^<]*)</span>', page)


def test_card_course_page_and_a_fresh_enrolment_tell_the_same_time(client, make, login, courses):
    tree = courses.load()
    assert validate.check(tree) == []
    importer.sync(tree)
    db.session.commit()
    alpha = db.session.scalar(select(Course).filter_by(slug="alpha-course"))
    # 12 minutes of lessons, quizzes of 6 and 2 questions, a final that draws 3 of its 4.
    assert alpha.estimated_minutes == 23
    home = client.get("/").get_data(as_text=True)
    assert "About 23 minutes" in _course_time(home)
    assert home.index("Beta course") < home.index("Alpha course")       # order 1, then order 2
    user = make.user()
    h.enrol(user, alpha)
    login(user)
    page = client.get("/courses/alpha-course").get_data(as_text=True)
    assert _course_time(page) == ["About 23 minutes"]
    assert course_state(user, alpha).minutes_left == alpha.estimated_minutes
    assert "About 23 minutes left, quizzes included." in page


def test_long_courses_read_in_hours_and_minutes(client, make):
    course = make.course("long-course")
    course.estimated_minutes = 120
    db.session.commit()
    assert _course_time(client.get("/").get_data(as_text=True)) == ["About 2 h"]
    assert _course_time(client.get("/courses/long-course").get_data(as_text=True)) == ["About 2 h"]
