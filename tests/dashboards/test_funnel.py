"""The per-module funnel on the cohort dashboard: reached, completed the lessons, passed the quiz."""
import re
import xml.etree.ElementTree as ET

from sqlalchemy import select

from lms.catalog.models import Lesson, Module, Question, Quiz
from lms.dashboards import funnel, queries
from lms.extensions import db

SVG = "{http://www.w3.org/2000/svg}"


def _course(make, **kw):
    course = make.course(**kw)
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position)).all()
    quizzes = {q.module_id: q for q in db.session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    return course, modules, quizzes


def _questions(quiz):
    return db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()


def test_funnel_counts_who_reached_completed_and_passed_each_module(client, login, make, dash, frozen):
    course, (m1, m2), quizzes = _course(make, modules=2, lessons=2, questions=2, final=True, final_questions=2)
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    ada, ben, cleo, dan, _eve = (dash.learner(cohort) for _ in range(5))
    q1, final = quizzes[m1.id], quizzes[None]
    # Ada: module 1 complete and passed, module 2 one lesson, the final passed
    dash.module_lessons(ada, m1)
    dash.attempt(ada, q1, dict.fromkeys(_questions(q1), 1.0))
    dash.lesson(ada, db.session.scalar(select(Lesson).where(Lesson.module_id == m2.id).limit(1)), completed=False)
    dash.attempt(ada, final, dict.fromkeys(_questions(final), 1.0))
    # Ben: module 1 lessons complete, quiz failed; Cleo: module 1 quiz only, passed
    dash.module_lessons(ben, m1)
    dash.attempt(ben, q1, dict.fromkeys(_questions(q1), 0.0))
    dash.attempt(cleo, q1, dict.fromkeys(_questions(q1), 1.0))
    # Dan: the final only, failed. Eve: nothing.
    dash.attempt(dan, final, dict.fromkeys(_questions(final), 0.0))
    outsider = make.user()                                   # not in the cohort: not counted
    dash.module_lessons(outsider, m1)

    ctx = queries.context(cohort, None)
    steps = funnel.build(cohort, ctx.structure, queries.learner_rows(cohort, ctx.structure))
    assert steps.learners == 5
    assert [(s.title, s.reached, s.completed, s.passed) for s in steps.steps] == [
        ("Module 1", 3, 2, 2), ("Module 2", 1, 0, 0), (final.title, 2, None, 1)]

    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    table = re.search(r'<table class="funnel-table">(.*?)</table>', html, re.S).group(1)
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    assert rows[1] == "Module 1 3 (60%) 2 (40%) 2 (40%)"
    assert rows[2] == "Module 2 1 (20%) 0 (0%) 0 (0%)"
    assert rows[3] == f"{final.title} 2 (40%) — not applicable 1 (20%)"
    # the module links to its lessons in the matrix
    assert 'module=module-1">Module 1</a>' in table
    # the bar view: one group per step, each bar as long as its share, with its count as text
    svg = ET.fromstring(re.search(r'<svg[^>]*class="chart funnel-chart".*?</svg>', html, re.S).group(0))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "funnel-title funnel-desc"
    steps_drawn = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "step"]
    assert len(steps_drawn) == 3
    bars = [g for g in steps_drawn[0].iter(f"{SVG}g") if g.get("class", "").startswith("stage ")]
    widths = [float(g.find(f"{SVG}rect").get("width")) for g in bars]
    assert widths[0] > widths[1] == widths[2] > 0
    assert [g.find(f"{SVG}text").text for g in bars] == ["3 (60%)", "2 (40%)", "2 (40%)"]
    assert len([g for g in steps_drawn[2].iter(f"{SVG}g") if g.get("class", "").startswith("stage ")]) == 2


def test_a_module_without_a_quiz_has_nothing_to_pass(client, login, make, dash, frozen):
    course, (m1,), _ = _course(make, modules=1, lessons=1, questions=0, final=False)
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    dash.module_lessons(dash.learner(cohort), m1)
    dash.learner(cohort)
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    table = re.search(r'<table class="funnel-table">(.*?)</table>', html, re.S).group(1)
    row = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.findall(r"<tr>(.*?)</tr>", table, re.S)[1])).strip()
    assert row == "Module 1 1 (50%) 1 (50%) — not applicable"


def test_an_empty_cohort_says_so_instead_of_empty_rates(client, login, make, dash):
    course = make.course(modules=1, lessons=1, questions=1, final=False)
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    login(facilitator)
    response = client.get(f"/cohorts/{cohort.id}/dashboard")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "No learner has joined yet." in html
    assert 'class="funnel-table"' not in html and 'class="rate"' not in html


def test_the_phone_layout_stacks_the_legend_and_cuts_long_titles():
    steps = [funnel.Step("A module whose title is far too long for a phone screen", "m1", 10, 8, 5),
             funnel.Step("Final assessment", None, 4, None, 2)]
    wide = funnel.geometry(funnel.Funnel(10, steps))
    narrow = funnel.geometry(funnel.Funnel(10, steps), funnel.NARROW)
    assert wide["legend"] == [(0, 0), (190, 0), (380, 0)] and wide["width"] == 640
    assert narrow["legend"] == [(0, 0), (0, 18), (0, 36)] and (narrow["width"], narrow["font"]) == (300, 13)
    title = narrow["groups"][0]["title"]
    assert len(title) == funnel.NARROW.label_chars and title.endswith("…")
    assert wide["groups"][0]["title"] == steps[0].title
    # the first group starts below the stacked legend; the longest bar leaves room for its label
    assert narrow["groups"][0]["y"] > 36 + 13
    longest = max(bar.width for group in narrow["groups"] for bar in group["bars"])
    assert longest == 300 - funnel.NARROW.label_room
