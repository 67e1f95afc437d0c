"""The cohort overview's tiles give rates as well as counts, and every page of a cohort, dashboard
or management, carries the same single tab bar."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.catalog.models import Lesson
from lms.extensions import db

from .conftest import NOW


def _tiles(html):
    """{label: [count, rate or None]} of the headline tiles."""
    tiles = {}
    for label, rest in re.findall(r"<dt>([^<]+)</dt>(.*?)</div>", html, re.S):
        values = re.findall(r'<dd(?: class="rate")?>([^<]+)</dd>', rest)
        tiles[label] = values + [None] * (2 - len(values))
    return tiles


def test_every_count_comes_with_its_share_of_the_learners(client, login, make, dash, frozen):
    course = make.course(modules=1, lessons=1, questions=0, final=False)
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, due_on=(NOW - timedelta(days=1)).date())
    learners = [dash.learner(cohort) for _ in range(8)]
    for person in learners[:2]:                            # 2 of 8 completed: 25 %
        dash.lesson(person, lesson)
        dash.complete(person, course, cohort)
    dash.lesson(learners[2], lesson, completed=False)      # 3 of 8 active this week: 37 %
    login(facilitator)
    tiles = _tiles(client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True))
    assert tiles["Learners"] == ["8", None]
    assert tiles["Completed"] == ["2", "25% completed"]
    assert tiles["Active in the last 7 days"] == ["3", "37% active"]
    assert tiles["Not started"] == ["5", "62% not started"]
    assert tiles["Overdue"] == ["6", "75% overdue"]


def _cohort_pages(cohort_id):
    base = f"/cohorts/{cohort_id}"
    return {"dashboards.cohort": f"{base}/dashboard", "dashboards.matrix": f"{base}/matrix",
            "dashboards.at_risk": f"{base}/at-risk", "dashboards.items": f"{base}/items",
            "cohorts.members": f"{base}/members", "cohorts.upload": f"{base}/upload",
            "cohorts.manage": f"{base}/settings"}


@pytest.fixture
def cohort_with_course(make, dash):
    course = make.course()
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    dash.learner(cohort)
    return course, cohort, facilitator


def test_one_and_the_same_tab_bar_on_every_cohort_page(app, client, login, cohort_with_course):
    course, cohort, facilitator = cohort_with_course
    login(facilitator)
    expected = ["Overview", "Progress matrix", "At risk", "Item analysis", "Learners"]
    if "cohorts.messages" in app.view_functions:
        expected.append("Messages")
    expected.append("Settings")
    current = {"dashboards.cohort": "Overview", "dashboards.matrix": "Progress matrix",
               "dashboards.at_risk": "At risk", "dashboards.items": "Item analysis",
               "cohorts.members": "Learners", "cohorts.upload": "Learners", "cohorts.manage": "Settings"}
    for endpoint, url in _cohort_pages(cohort.id).items():
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert html.count("<nav class=\"tabs\"") == 1 and "dash-tabs" not in html, url
        bar = re.search(r'<nav class="tabs" aria-label="Cohort">(.*?)</nav>', html, re.S).group(1)
        labels = re.findall(r">([^<>]+)</a>", bar)
        assert labels == expected, url
        here = re.findall(r'aria-current="page">([^<]+)</a>', bar)
        assert here == [current[endpoint]], url
        # every tab leads to a page of this cohort
        assert all(f"/cohorts/{cohort.id}/" in href for href in re.findall(r'href="([^"]+)"', bar)), url


def test_dashboard_tabs_keep_the_course_shown(client, login, make, dash):
    course, second = make.course(), make.course()
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, extra_courses=[second])
    login(facilitator)
    bar = re.search(r'<nav class="tabs" aria-label="Cohort">(.*?)</nav>',
                    client.get(f"/cohorts/{cohort.id}/matrix?course={second.id}").get_data(as_text=True),
                    re.S).group(1)
    assert f'href="/cohorts/{cohort.id}/at-risk?course={second.id}"' in bar
    assert f'href="/cohorts/{cohort.id}/settings"' in bar
