"""Dashboard pages: who may open them, and what a facilitator sees."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.catalog.models import Module, Question, Quiz
from lms.cohorts.models import Reminder
from lms.extensions import db
from lms.learning.models import LessonProgress

from .conftest import NOW


def _routes(cohort, learner):
    base = f"/cohorts/{cohort.id}"
    return [f"{base}/dashboard", f"{base}/matrix", f"{base}/matrix?module=module-1", f"{base}/at-risk",
            f"{base}/learners/{learner.id}", f"{base}/items", f"{base}/chart.svg", f"{base}/export.csv",
            f"{base}/export.xlsx", f"{base}/export.csv?what=quiz", f"{base}/export.xlsx?what=quiz"]


@pytest.fixture
def two_cohorts(make, dash):
    course = make.course()
    mine, theirs = make.user(role="facilitator"), make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=mine, name="Mine")
    other = dash.cohort(course, facilitator=theirs, name="Theirs")
    learner = dash.learner(cohort)
    outsider = dash.learner(other)
    return course, cohort, other, mine, theirs, learner, outsider


def test_the_facilitator_and_an_admin_open_every_dashboard_route(client, login, make, two_cohorts):
    course, cohort, other, mine, theirs, learner, outsider = two_cohorts
    for user in (mine, make.user(role="admin")):
        login(user)
        for url in _routes(cohort, learner):
            assert client.get(url).status_code == 200, (user.role, url)
        client.post("/logout")


@pytest.mark.parametrize("who", ["other facilitator", "learner"])
def test_everyone_else_gets_403_on_every_route_including_exports_and_reminders(client, login, two_cohorts, who,
                                                                                smtp_server):
    course, cohort, other, mine, theirs, learner, outsider = two_cohorts
    login(theirs if who == "other facilitator" else learner)
    for url in _routes(cohort, learner):
        assert client.get(url).status_code == 403, url
    response = client.post(f"/cohorts/{cohort.id}/remind", data={"learners": [learner.id], "course": course.id})
    assert response.status_code == 403
    assert smtp_server.messages == [] and db.session.scalar(select(db.func.count(Reminder.id))) == 0


def test_a_learner_of_another_cohort_is_not_found_through_mine(client, login, two_cohorts, make):
    course, cohort, other, mine, theirs, learner, outsider = two_cohorts
    login(mine)
    assert client.get(f"/cohorts/{cohort.id}/learners/{outsider.id}").status_code == 404
    assert client.get(f"/cohorts/{cohort.id}/learners/{mine.id}").status_code == 404   # a facilitator, not a learner
    assert client.get(f"/cohorts/{cohort.id}/learners/999999").status_code == 404
    assert client.get(f"/cohorts/{other.id}/learners/{outsider.id}").status_code == 403


def test_unknown_cohort_course_module_and_export_kind(client, login, two_cohorts, make):
    course, cohort, other, mine, theirs, learner, outsider = two_cohorts
    stranger = make.course()
    login(mine)
    assert client.get("/cohorts/999999/dashboard").status_code == 404
    assert client.get(f"/cohorts/{cohort.id}/dashboard?course={stranger.id}").status_code == 404
    assert client.get(f"/cohorts/{cohort.id}/matrix?module=no-such-module").status_code == 404
    assert client.get(f"/cohorts/{cohort.id}/export.pdf").status_code == 404
    bad = client.get(f"/cohorts/{cohort.id}/export.csv?what=passwords")
    assert bad.status_code == 400 and "matrix or quiz" in bad.get_data(as_text=True)


def test_a_cohort_without_a_course_says_so(client, login, make, dash):
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(None, facilitator=facilitator)
    login(facilitator)
    assert "No course is assigned" in client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    assert client.get(f"/cohorts/{cohort.id}/matrix").status_code == 404
    assert "no quiz yet" in client.get(f"/cohorts/{cohort.id}/items").get_data(as_text=True)


def test_the_dashboard_shows_the_headline_chart_and_a_course_selector(client, login, make, dash, frozen):
    course, second = make.course(), make.course()
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, extra_courses=[second], due_on=(NOW - timedelta(days=3)).date())
    done = dash.learner(cohort, name="Done Learner")
    dash.learner(cohort, name="Idle Learner")
    dash.complete(done, course, cohort, at=NOW - timedelta(days=2))
    dash.lesson(done, _first_lesson(course), at=NOW - timedelta(days=2))
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    headline = dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd>([^<]+)</dd>", html))
    assert headline["Learners"] == "2" and headline["Completed"] == "1" and headline["Not started"] == "1"
    assert headline["Active in the last 7 days"] == "1" and headline["Overdue"] == "1"
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert f'<option value="{second.id}"' in html
    other = client.get(f"/cohorts/{cohort.id}/dashboard?course={second.id}").get_data(as_text=True)
    assert dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd>([^<]+)</dd>", other))["Completed"] == "0"


def _first_lesson(course):
    from lms.catalog.models import Lesson

    return db.session.scalar(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.id))


def test_the_learner_page_shows_each_question_the_answer_and_the_right_answer(client, login, make, dash, frozen):
    course = make.course(modules=1, lessons=1, questions=0, final=False)
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    quiz = make.quiz(course, module, questions=2, types=["single", "short"])
    single, short = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position))
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    learner = dash.learner(cohort, name="Nadia Rahman")
    dash.lesson(learner, _first_lesson(course), at=NOW - timedelta(days=3))
    wrong = single.data["options"][1]["id"]
    dash.attempt(learner, quiz, {single: 0.0, short: 1.0}, at=NOW - timedelta(days=2),
                 responses={single: {"choice": wrong}, short: {"text": "47"}})
    db.session.add(Reminder(cohort_id=cohort.id, user_id=learner.id, sent_at=NOW - timedelta(days=1)))
    db.session.commit()
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/learners/{learner.id}").get_data(as_text=True)
    assert "Nadia Rahman" in html
    answers = re.findall(r'<tr class="answer-(\w+)">\s*<td>\d+</td>\s*<td class="question-text">(.*?)</td>\s*'
                         r"<td>(.*?)</td>\s*<td>(.*?)</td>", html, re.S)
    assert [(state, re.sub(r"<[^>]+>", "", text).strip(), given, right) for state, text, given, right in answers] == [
        ("wrong", "Question 1 (single)?", "Wrong 1a", "Right 1"),
        ("right", "Question 2 (short)?", "47", "forty-seven")]
    timeline = re.findall(r'<li class="event-([\w-]+)">', html)
    assert timeline == ["reminder", "quiz-failed", "quiz", "lesson-done", "lesson", "joined"]
    assert "50%" in html   # the attempt's score
    marks = re.findall(r'<td class="num"><span aria-hidden="true">.</span>\s*([^<]*?)</td>', html)
    assert marks == ["0%", "100%"]   # as the learner's own result page shows them


def test_the_learner_page_shows_time_on_task_per_course(client, login, make, dash, frozen):
    course, other = make.course(modules=1, lessons=1, questions=2, final=False), make.course()
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, extra_courses=[other])
    learner = dash.learner(cohort)
    dash.lesson(learner, _first_lesson(course))
    progress = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == learner.id))
    progress.seconds = 25 * 60
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id))
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
    dash.attempt(learner, quiz, dict.fromkeys(questions, 1.0))          # ten minutes
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/learners/{learner.id}").get_data(as_text=True)
    assert "<th scope=\"col\">Time on task</th>" in html
    times = re.findall(r'<td class="num time-on-task">([^<]*)</td>', html)
    assert sorted(times) == ["35 min", "less than 1 min"]                # this course, and the other one


@pytest.fixture
def crowd(make, dash, frozen):
    """60 learners on a 2-module course; a few with progress to sort and filter by."""
    course = make.course(modules=2, lessons=2, questions=2, final=False)
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position)).all()
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == modules[0].id))
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, due_on=(NOW - timedelta(days=1)).date())
    ngo = dash.organisation("Coalition", "cso", "UG")
    learners = [dash.learner(cohort, name=f"Learner {n:02d}", email=f"learner{n:02d}@example.org")
                for n in range(1, 58)]
    star = dash.learner(cohort, name="Zara Star", email="zara@ngo.example", organisation_id=ngo.id)
    stuck = dash.learner(cohort, name="Yusuf Stuck", email="yusuf@ngo.example", organisation_id=ngo.id)
    dash.learner(cohort, name="Xavier Fresh", email="xavier@example.org", joined_at=NOW)
    dash.module_lessons(star, modules[0])
    dash.attempt(star, quiz, dict.fromkeys(questions, 1.0))
    dash.complete(star, course, cohort)
    dash.module_lessons(stuck, modules[0], at=NOW - timedelta(days=2))
    for _ in range(2):
        dash.attempt(stuck, quiz, dict.fromkeys(questions, 0.0), at=NOW - timedelta(days=2))
    dash.lesson(learners[0], _first_lesson(course), at=NOW - timedelta(hours=1), completed=False)
    return course, cohort, facilitator, ngo


def _names(html):
    return re.findall(r'<a href="/cohorts/\d+/learners/\d+" hx-boost="false">([^<]+)</a>', html)


def test_the_matrix_pages_by_50_and_sorts(client, login, crowd):
    course, cohort, facilitator, ngo = crowd
    login(facilitator)
    url = f"/cohorts/{cohort.id}/matrix"
    first = client.get(url).get_data(as_text=True)
    assert len(_names(first)) == 50 and _names(first)[0] == "Learner 01"
    assert "Learners 1–50 of 60" in first and "Page 1 of 2" in first
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert _names(second)[-3:] == ["Xavier Fresh", "Yusuf Stuck", "Zara Star"] and len(_names(second)) == 10
    assert len(_names(client.get(url + "?page=99").get_data(as_text=True))) == 10   # clamped to the last page
    by_progress = _names(client.get(url + "?sort=progress&dir=desc").get_data(as_text=True))
    assert by_progress[:2] == ["Zara Star", "Yusuf Stuck"]
    by_name_desc = _names(client.get(url + "?sort=name&dir=desc").get_data(as_text=True))
    assert by_name_desc[0] == "Zara Star"
    by_activity = _names(client.get(url + "?sort=active&dir=desc").get_data(as_text=True))
    assert by_activity[:3] == ["Learner 01", "Zara Star", "Yusuf Stuck"]


def test_the_matrix_searches_and_filters(client, login, crowd):
    course, cohort, facilitator, ngo = crowd
    login(facilitator)
    url = f"/cohorts/{cohort.id}/matrix"
    assert _names(client.get(url + "?q=NGO.EXAMPLE").get_data(as_text=True)) == ["Yusuf Stuck", "Zara Star"]
    assert _names(client.get(url + "?q=xavier").get_data(as_text=True)) == ["Xavier Fresh"]
    assert _names(client.get(url + f"?org={ngo.id}").get_data(as_text=True)) == ["Yusuf Stuck", "Zara Star"]
    assert _names(client.get(url + "?overdue=1&q=ngo").get_data(as_text=True)) == ["Yusuf Stuck"]
    # everyone not done is overdue but Xavier, who joined after the due date: it was never his
    assert "of 58" in client.get(url + "?overdue=1").get_data(as_text=True)
    at_risk = _names(client.get(url + "?at_risk=1&q=ngo").get_data(as_text=True))
    assert at_risk == ["Yusuf Stuck"]
    none = client.get(url + "?q=nobody-at-all").get_data(as_text=True)
    assert "No learner matches." in none


def test_cells_show_state_by_colour_and_symbol_and_drill_into_a_module(client, login, crowd):
    course, cohort, facilitator, ngo = crowd
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/matrix?q=ngo").get_data(as_text=True)
    rows = re.findall(r'<tr>\s*<th scope="row">(.*?)</tr>', html, re.S)
    cells = [re.findall(r'class="cell cell-(\w+)"[^>]*>\s*<span aria-hidden="true">(.)</span>\s*'
                        r'<span class="visually-hidden">([^<]+)</span>', row) for row in rows]
    assert cells[0][0] == ("failed_twice", "✗", "Failed twice")      # Yusuf, module 1
    assert cells[1] == [("passed", "★", "Passed"), ("not_started", "○", "Not started")]   # Zara
    drill = client.get(f"/cohorts/{cohort.id}/matrix?q=ngo&module=module-1").get_data(as_text=True)
    assert "Module: Module 1" in drill and "Lesson 1.1" in drill and "Quiz module-1" in drill
    zara = re.findall(r'<tr>\s*<th scope="row">(.*?)</tr>', drill, re.S)[1]
    assert re.findall(r"cell cell-(\w+)", zara) == ["done", "done", "passed"]
    assert "100%" in zara


def test_htmx_gets_the_fragment_and_a_plain_request_the_whole_page(client, login, crowd):
    course, cohort, facilitator, ngo = crowd
    login(facilitator)
    url = f"/cohorts/{cohort.id}/matrix?q=zara"
    fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert fragment.lstrip().startswith("{#") is False and "<html" not in fragment
    assert '<div id="matrix"' in fragment and _names(fragment) == ["Zara Star"]
    assert "<html" in page and '<div id="matrix"' in page and 'hx-target="#matrix"' in page
    # every link in the table keeps working without JavaScript: plain hrefs with the filters
    assert f'href="/cohorts/{cohort.id}/matrix?course={course.id}&amp;q=zara&amp;sort=progress&amp;dir=asc"' in page


def test_a_removed_learner_is_no_longer_visible_to_the_facilitator(client, login, two_cohorts):
    from lms.cohorts.models import CohortMember
    from lms.core.db import utcnow

    course, cohort, other, mine, theirs, learner, outsider = two_cohorts
    login(mine)
    assert client.get(f"/cohorts/{cohort.id}/learners/{learner.id}").status_code == 200
    member = db.session.scalar(select(CohortMember).where(CohortMember.cohort_id == cohort.id,
                                                          CohortMember.user_id == learner.id))
    member.removed_at = utcnow()
    db.session.commit()
    assert client.get(f"/cohorts/{cohort.id}/learners/{learner.id}").status_code == 404


def test_attempts_from_before_joining_are_not_shown(client, login, dash, make):
    from lms.core.db import utcnow

    course = make.course(modules=1, lessons=1, questions=3, final=False)
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    quiz = db.session.scalars(select(Quiz).where(Quiz.course_id == course.id)).first()
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
    joined = utcnow()
    learner = dash.learner(cohort, joined_at=joined)
    dash.attempt(learner, quiz, {q: 1 for q in questions}, at=joined - timedelta(days=30))  # on her own, before
    dash.attempt(learner, quiz, {q: 0 for q in questions}, at=joined + timedelta(minutes=20))
    login(facilitator)
    page = client.get(f"/cohorts/{cohort.id}/learners/{learner.id}").get_data(as_text=True)
    assert page.count('<table class="answers">') == 1 and "attempt 1" not in page   # not even listed
    assert "100%" not in page and "100 %" not in page                            # nor its score
    assert "since joining this cohort" in page
