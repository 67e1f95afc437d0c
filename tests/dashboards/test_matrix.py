"""The progress matrix at scale: every column sorts (both ways, without JavaScript), the page size
is kept by every link, rows are one line with a sticky header and learner column."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from lms.catalog.models import Lesson, Module, Question, Quiz
from lms.dashboards.matrix import Options
from lms.extensions import db

from .conftest import NOW


def _names(html):
    return re.findall(r'<a href="/cohorts/\d+/learners/\d+" hx-boost="false">([^<]+)</a>', html)


@pytest.fixture
def ranked(make, dash, frozen):
    """Five learners at different points of a two-module course with a final assessment."""
    course = make.course(modules=2, lessons=2, questions=2, final=True, final_questions=2)
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position)).all()
    quizzes = {q.module_id: q for q in db.session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    questions = {qid: db.session.scalars(select(Question).where(Question.quiz_id == q.id)).all()
                 for qid, q in quizzes.items()}
    first_lesson = db.session.scalar(select(Lesson).where(Lesson.module_id == modules[0].id)
                                     .order_by(Lesson.position))
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    justice, coalition = dash.organisation("Justice"), dash.organisation("Coalition")
    ada = dash.learner(cohort, name="Ada Passed", organisation_id=justice.id)      # module 1 passed, final 100 %
    ben = dash.learner(cohort, name="Ben Halfway", organisation_id=coalition.id)   # one lesson of module 1
    cleo = dash.learner(cohort, name="Cleo Failed", organisation_id=justice.id)    # module 1 quiz failed twice
    dash.learner(cohort, name="Dan Nothing")                                       # nothing, no organisation
    eve = dash.learner(cohort, name="Eve Final", organisation_id=coalition.id)     # module 1 passed, final 50 %
    m1, final = modules[0], quizzes[None]
    for person in (ada, eve):
        dash.module_lessons(person, m1)
        dash.attempt(person, quizzes[m1.id], dict.fromkeys(questions[m1.id], 1.0))
    dash.attempt(ada, final, dict.fromkeys(questions[None], 1.0))
    dash.attempt(eve, final, dict(zip(questions[None], (1.0, 0.0), strict=True)))
    dash.lesson(ben, first_lesson, completed=False)
    dash.module_lessons(cleo, m1, at=NOW - timedelta(days=2))
    for _ in range(2):
        dash.attempt(cleo, quizzes[m1.id], dict.fromkeys(questions[m1.id], 0.0))
    return cohort, facilitator, modules, final, first_lesson


def test_sorting_by_organisation_keeps_learners_without_one_last(client, login, ranked):
    cohort, facilitator, *_ = ranked
    login(facilitator)
    url = f"/cohorts/{cohort.id}/matrix?sort=organisation"
    assert _names(client.get(url).get_data(as_text=True)) == [
        "Ben Halfway", "Eve Final", "Ada Passed", "Cleo Failed", "Dan Nothing"]
    assert _names(client.get(url + "&dir=desc").get_data(as_text=True)) == [
        "Cleo Failed", "Ada Passed", "Eve Final", "Ben Halfway", "Dan Nothing"]


def test_sorting_by_a_module_orders_by_state_then_how_far(client, login, ranked):
    cohort, facilitator, modules, final, _ = ranked
    login(facilitator)
    url = f"/cohorts/{cohort.id}/matrix?sort=m{modules[0].id}"
    ascending = _names(client.get(url).get_data(as_text=True))
    assert ascending == ["Dan Nothing", "Cleo Failed", "Ben Halfway", "Ada Passed", "Eve Final"]
    html = client.get(url + "&dir=desc").get_data(as_text=True)
    assert _names(html) == ["Eve Final", "Ada Passed", "Ben Halfway", "Cleo Failed", "Dan Nothing"]
    # the header says so, to the eye and to a screen reader; its link now reverses the order
    header = re.search(r'<th scope="col" class="col-item" aria-sort="descending">(.*?)</th>', html, re.S).group(1)
    assert "Module 1" in header and "▼" in header and f"sort=m{modules[0].id}&amp;dir=asc" in header
    assert html.count("aria-sort=") == 1


def test_sorting_by_the_final_assessment_orders_by_score(client, login, ranked):
    cohort, facilitator, modules, final, _ = ranked
    login(facilitator)
    names = _names(client.get(f"/cohorts/{cohort.id}/matrix?sort=q{final.id}&dir=desc").get_data(as_text=True))
    assert names[:2] == ["Ada Passed", "Eve Final"]


def test_sorting_by_a_lesson_inside_a_module(client, login, ranked):
    cohort, facilitator, modules, final, lesson = ranked
    login(facilitator)
    url = f"/cohorts/{cohort.id}/matrix?module=module-1&sort=l{lesson.id}&dir=desc"
    names = _names(client.get(url).get_data(as_text=True))
    assert names[-2:] == ["Ben Halfway", "Dan Nothing"]            # in progress, then nothing
    assert set(names[:3]) == {"Ada Passed", "Cleo Failed", "Eve Final"}


@pytest.mark.parametrize("sort", ["zzz", "m999999", "l1; drop table", "q", ""])
def test_an_unknown_sort_key_is_ignored(client, login, ranked, sort):
    cohort, facilitator, *_ = ranked
    login(facilitator)
    response = client.get(f"/cohorts/{cohort.id}/matrix", query_string={"sort": sort, "dir": "desc"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    if sort in ("zzz", "l1; drop table", "q", ""):
        assert Options.from_args(MultiDict({"sort": sort})).sort == "name"
    names = _names(html)
    assert names == sorted(names) or names == sorted(names, reverse=True)
    assert 'aria-sort="' in re.search(r'<th scope="col" class="col-learner"[^>]*>', html).group(0)


def test_a_column_sort_from_the_other_view_falls_back_to_the_name(client, login, ranked):
    cohort, facilitator, modules, *_ = ranked
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/matrix?module=module-1&sort=m{modules[1].id}").get_data(as_text=True)
    assert _names(html) == ["Ada Passed", "Ben Halfway", "Cleo Failed", "Dan Nothing", "Eve Final"]
    # and "All modules" does not carry a lesson's sort over
    drilled = client.get(f"/cohorts/{cohort.id}/matrix?module=module-1&sort=l5").get_data(as_text=True)
    back = re.search(r'<a href="([^"]+)">← All modules</a>', drilled).group(1)
    assert "sort=" not in back


def test_rows_per_page_is_kept_by_every_link_and_a_column_sort_spans_pages(client, login, make, dash, frozen):
    course = make.course(modules=1, lessons=1, questions=0, final=False)
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    people = [dash.learner(cohort, name=f"Learner {n:03d}") for n in range(1, 106)]
    dash.lesson(people[-1], lesson)                                    # the last by name has done it
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    login(facilitator)
    url = f"/cohorts/{cohort.id}/matrix"
    html = client.get(url + "?per=100").get_data(as_text=True)
    assert len(_names(html)) == 100 and "Learners 1–100 of 105" in html
    assert f'href="/cohorts/{cohort.id}/matrix?course={course.id}&amp;per=100&amp;page=2"' in html
    sort_links = re.findall(r'<a class="sort" href="([^"]+)"', html)
    assert len(sort_links) == 5 and all("per=100" in link for link in sort_links)
    assert '<option value="100" selected>' in html
    # a column sort orders every learner, not just the page: the one who finished is first
    done_first = _names(client.get(url + f"?sort=m{module.id}&dir=desc").get_data(as_text=True))
    assert done_first[0] == "Learner 105" and len(done_first) == 50
    last_page = _names(client.get(url + f"?sort=m{module.id}&page=3").get_data(as_text=True))
    assert last_page == ["Learner 101", "Learner 102", "Learner 103", "Learner 104", "Learner 105"]
    # a page size that is not offered falls back to 50
    assert len(_names(client.get(url + "?per=7").get_data(as_text=True))) == 50


def test_rows_are_one_line_in_a_sticky_full_width_grid(client, login, ranked):
    cohort, facilitator, *_ = ranked
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/matrix").get_data(as_text=True)
    assert '<main id="main" class="wrap wide"' in html
    assert re.search(r'<div class="table-scroll" tabindex="0" role="region" aria-label="Progress matrix">\s*'
                     r'(\{#.*?#\}\s*)?<table class="matrix-table sticky-grid">', html, re.S)
    assert '<th scope="col" class="col-learner"' in html and '<th scope="col" class="col-org"' in html
    rows = re.findall(r'<tr>\s*<th scope="row">(.*?)</tr>', html, re.S)
    assert len(rows) == 5 and all('class="meta block"' not in row and "<br" not in row for row in rows)
    ada = next(row for row in rows if "Ada Passed" in row)
    assert re.search(r'<td class="org" title="(Justice \d+)">\1</td>', ada)    # the full name, if cut
    # every cell says its state in words as well as by colour and symbol
    cells = re.findall(r'<td class="cell cell-(\w+)" title="([^"]+)"><span aria-hidden="true">(.)</span> '
                       r'<span class="visually-hidden">([^<]+)</span>', ada)
    assert [c[0] for c in cells] == ["passed", "not_started", "passed"]
    assert all(title == words for _, title, _, words in cells)


def test_htmx_sort_returns_the_fragment_with_plain_links(client, login, ranked):
    cohort, facilitator, modules, *_ = ranked
    login(facilitator)
    url = f"/cohorts/{cohort.id}/matrix?sort=m{modules[0].id}"
    fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="matrix"')
    assert _names(fragment)[0] == "Dan Nothing"
    assert f'href="/cohorts/{cohort.id}/matrix?course=' in fragment


def test_another_facilitator_cannot_sort_my_matrix(client, login, ranked, make):
    cohort, *_ = ranked
    login(make.user(role="facilitator"))
    assert client.get(f"/cohorts/{cohort.id}/matrix?sort=organisation").status_code == 403
