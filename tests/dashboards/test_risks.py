"""Who needs attention: each status from built data, the grace period, the pace to the due date,
invited people listed from their invitations, the work list's order, filters and pages, and
reminders that reach invited people with a fresh invitation link."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.catalog.models import Lesson
from lms.cohorts.models import CohortInvitation
from lms.dashboards import queries, risks, statuses
from lms.dashboards.synth import build_cohort
from lms.extensions import db

from .conftest import NOW
from .test_queries import _content

ROW = re.compile(r'<label for="pick-([li])-(\d+)">([^<]+)</label>.*?<span class="status status-(\w+)">[^<]*</span>'
                 r'\s*<span class="reason">([^<]*)</span>', re.S)


def rows(html: str) -> list[tuple[str, str, str]]:
    """(name, status, reason) of each row of the at-risk list, in order."""
    return [(name, status, reason) for _kind, _id, name, status, reason in ROW.findall(html)]


def _lessons(course) -> list[Lesson]:
    return db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)
                              .order_by(Lesson.module_id, Lesson.position)).all()


def _marked(cohort, *, days=statuses.DEFAULT_INACTIVE_DAYS) -> dict:
    ctx = queries.context(cohort, None)
    learners = queries.learner_rows(cohort, ctx.structure)
    risks.mark_risks(learners, due_on=ctx.due_on, now=NOW, inactive_days=days, cohort=cohort)
    return {x.name: x for x in learners}


@pytest.fixture
def cast(make, dash, frozen):
    """One learner per status on a course of 4 lessons and 2 module quizzes (6 items), due in 30
    days; the cohort started on 5 January and everyone but Fay joined then."""
    course = make.course(modules=2, lessons=2, questions=3, final=False)
    modules, quizzes, questions = _content(course)
    lessons = _lessons(course)
    facilitator = make.user(role="facilitator", name="Fatou Facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, due_on=(NOW + timedelta(days=30)).date())
    people = {n: dash.learner(cohort, name=n) for n in ("Dora Done", "Fred Failed", "Sid Stuck", "Nell Never",
                                                          "Bo Behind", "Tom Track")}
    people["Fay Fresh"] = dash.learner(cohort, name="Fay Fresh", joined_at=NOW - timedelta(days=2))
    first = quizzes[modules[0].id]
    for lesson in lessons:
        dash.lesson(people["Dora Done"], lesson)
    dash.complete(people["Dora Done"], course, cohort)
    for _ in range(2):
        dash.attempt(people["Fred Failed"], first, dict.fromkeys(questions[first.id], 0.0))
    dash.lesson(people["Sid Stuck"], lessons[0], at=NOW - timedelta(days=20))
    dash.lesson(people["Bo Behind"], lessons[0])
    for lesson in lessons[:3]:
        dash.lesson(people["Tom Track"], lesson)
    dash.attempt(people["Tom Track"], first, dict.fromkeys(questions[first.id], 1.0))
    return course, cohort, facilitator, people


def test_each_learner_gets_one_status_and_every_risk_that_holds(cast):
    course, cohort, facilitator, people = cast
    learners = _marked(cohort)
    assert {name: x.status for name, x in learners.items()} == {
        "Dora Done": "done", "Fred Failed": "failed_twice", "Sid Stuck": "stuck", "Nell Never": "not_started",
        "Bo Behind": "behind", "Tom Track": "on_track", "Fay Fresh": "just_joined"}
    assert learners["Sid Stuck"].risks == ["stuck", "behind"]       # the diagnosis first, the pace beside it
    assert learners["Nell Never"].risks == ["not_started", "behind"]
    assert learners["Tom Track"].risks == [] and learners["Fay Fresh"].risks == [] and learners["Dora Done"].risks == []
    # 56 of the 86.5 days from joining (5 January, noon) to the end of the due day have passed
    assert learners["Bo Behind"].expected == pytest.approx(100 * 56 / 86.5)


def test_the_page_lists_the_most_urgent_first_with_the_reason(client, login, cast):
    course, cohort, facilitator, people = cast
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/at-risk").get_data(as_text=True)
    assert rows(html) == [
        ("Fred Failed", "failed_twice", "Failed “Quiz module-1” 2 times and has not passed it."),
        ("Sid Stuck", "stuck", "Stuck on “Lesson 1.2”: no activity for 20 days."),
        ("Nell Never", "not_started", "Joined 56 days ago and has not begun."),
        ("Bo Behind", "behind", "16% done; 64% needed by now to finish by Apr 1, 2026."),
    ]
    assert "4 people need attention." in html
    assert "Tom Track" not in html and "Fay Fresh" not in html and "Dora Done" not in html
    assert html.count('name="learners" value=') == 4 + 4      # a checkbox and a Remind button per row
    assert "Give an extra attempt" in html                      # failed twice: the drill-down is the action
    assert f'href="/cohorts/{cohort.id}/learners/{people["Fred Failed"].id}"' in html


def test_every_status_has_a_count_and_a_filter(client, login, cast):
    course, cohort, facilitator, people = cast
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/at-risk").get_data(as_text=True)
    counts = dict(re.findall(r'status=(\w+)"[^>]*>\s*[^<]+<span class="count">(\d+)</span>', html))
    assert counts == {"attention": "4", "failed_twice": "1", "stuck": "1", "not_started": "1", "overdue": "0",
                      "behind": "1", "invited": "0", "just_invited": "0", "just_joined": "1", "on_track": "1",
                      "done": "1", "all": "7"}
    only = client.get(f"/cohorts/{cohort.id}/at-risk?status=just_joined").get_data(as_text=True)
    assert rows(only) == [("Fay Fresh", "just_joined", "Joined 2 days ago.")]
    everyone = client.get(f"/cohorts/{cohort.id}/at-risk?status=all").get_data(as_text=True)
    assert [name for name, *_ in rows(everyone)][-3:] == ["Fay Fresh", "Tom Track", "Dora Done"]
    bogus = client.get(f"/cohorts/{cohort.id}/at-risk?status=<b>").get_data(as_text=True)
    assert len(rows(bogus)) == 4                                  # an unknown filter shows the default list


def test_the_inactivity_setting_moves_learners_in_and_out_of_stuck(client, login, cast):
    course, cohort, facilitator, people = cast
    login(facilitator)
    relaxed = dict((n, s) for n, s, _ in rows(client.get(f"/cohorts/{cohort.id}/at-risk?days=30").get_data(as_text=True)))
    assert relaxed["Sid Stuck"] == "behind"
    strict = _marked(cohort, days=1)
    assert strict["Bo Behind"].status == "stuck" and strict["Tom Track"].status == "stuck"


def test_the_grace_period_is_a_cohort_setting(client, login, dash, make, cast):
    course, cohort, facilitator, people = cast
    fresh = dash.learner(cohort, name="Gil Grace", joined_at=NOW - timedelta(days=4))
    assert _marked(cohort)["Gil Grace"].status == "just_joined"          # 4 days < the default 7
    login(facilitator)
    settings = client.get(f"/cohorts/{cohort.id}/settings").get_data(as_text=True)
    assert 'name="grace_days"' in settings and 'value="7"' in settings
    response = client.post(f"/cohorts/{cohort.id}/settings", data={"name": cohort.name, "status": "active",
                                                                    "organisation_id": "None", "grace_days": "3"})
    assert response.status_code == 302
    cohort = make.fresh(cohort)
    assert cohort.grace_days == 3
    assert _marked(cohort)["Gil Grace"].status == "not_started"
    html = client.get(f"/cohorts/{cohort.id}/at-risk").get_data(as_text=True)
    assert ("Gil Grace", "not_started", "Joined 4 days ago and has not begun.") in rows(html)
    bad = client.post(f"/cohorts/{cohort.id}/settings", data={"name": cohort.name, "status": "active",
                                                               "organisation_id": "None", "grace_days": "0"})
    assert bad.status_code == 400 and make.fresh(cohort).grace_days == 3
    assert fresh.id


def test_a_new_cohort_has_a_grace_period_of_seven_days_unless_told(client, login, make):
    from lms.cohorts.models import Cohort

    login(make.user(role="facilitator"))
    client.post("/cohorts/new", data={"name": "Default", "status": "active", "organisation_id": "None"})
    client.post("/cohorts/new", data={"name": "Short", "status": "active", "organisation_id": "None",
                                      "grace_days": "2"})
    db.session.rollback()
    assert dict(db.session.execute(select(Cohort.name, Cohort.grace_days)).all()) == {"Default": 7, "Short": 2}


def test_behind_is_measured_against_the_pace_to_the_due_date(make, dash):
    """Due in 10 days; the cohort started on 5 January. Expected progress runs from each learner's
    own start (joining, or the cohort's start if later) to the end of the due day."""
    course = make.course(modules=2, lessons=5, questions=0, final=False)      # 10 lessons
    lessons = _lessons(course)
    cohort = dash.cohort(course, due_on=(NOW + timedelta(days=10)).date())
    early = {n: dash.learner(cohort, name=n) for n in ("A 30", "B 60", "C 70")}
    late = dash.learner(cohort, name="D late", joined_at=NOW - timedelta(days=9))
    for name, done in (("A 30", 3), ("B 60", 6), ("C 70", 7)):
        for lesson in lessons[:done]:
            dash.lesson(early[name], lesson)
    dash.lesson(late, lessons[0])
    learners = _marked(cohort)
    # Joined 5 January at noon: 56 of 66.5 days gone, 84 % expected
    assert learners["A 30"].expected == pytest.approx(100 * 56 / 66.5)
    assert learners["A 30"].status == "behind"
    assert learners["B 60"].status == "behind"            # 60 + 15 < 84.2
    assert learners["C 70"].status == "on_track"          # 70 + 15 >= 84.2: within the tolerance
    # joined 9 days ago: 9 of 19.5 days gone, 46 % expected, 10 % done
    assert learners["D late"].expected == pytest.approx(100 * 9 / 19.5)
    assert learners["D late"].status == "behind"


def test_without_a_due_date_nobody_is_behind_or_overdue(make, dash):
    course = make.course(modules=1, lessons=4, questions=0, final=False)
    cohort = dash.cohort(course)
    slow = dash.learner(cohort, name="Slow")
    dash.lesson(slow, _lessons(course)[0])
    learner = _marked(cohort)["Slow"]
    assert learner.status == "on_track" and learner.expected is None


def test_past_the_due_date(make, dash, client, login, frozen):
    course = make.course(modules=1, lessons=2, questions=0, final=False)
    lessons = _lessons(course)
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, due_on=(NOW - timedelta(days=1)).date())
    busy, idle, done = (dash.learner(cohort, name=n) for n in ("Busy", "Idle", "Done"))
    newcomer = dash.learner(cohort, name="Newcomer", joined_at=NOW - timedelta(hours=6))
    dash.lesson(busy, lessons[0])
    dash.lesson(idle, lessons[0], at=NOW - timedelta(days=30))
    dash.lesson(newcomer, lessons[0], at=NOW - timedelta(hours=1))
    dash.complete(done, course, cohort)
    learners = _marked(cohort)
    assert (learners["Busy"].status, learners["Busy"].risks) == ("overdue", ["overdue"])
    assert (learners["Idle"].status, learners["Idle"].risks) == ("stuck", ["stuck", "overdue"])
    assert learners["Done"].status == "done"
    assert learners["Newcomer"].status == "on_track"     # joined after the due date: it was never theirs
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/at-risk").get_data(as_text=True)
    assert rows(html) == [("Idle", "stuck", "Stuck on “Lesson 1.2”: no activity for 30 days."),
                          ("Busy", "overdue", "Due on Mar 1, 2026; 50% done.")]
    assert re.search(r'Also:\s*<span class="status status-overdue">overdue</span>', html)


@pytest.fixture
def invited(make, cast):
    course, cohort, facilitator, people = cast
    waiting = make.user(name="Account Name", email="waiting@example.org")
    recent = make.user(name="Recent Account", email="recent@example.org")
    no_password = make.user(name="New Account", email="new@example.org")
    no_password.password_hash = None
    gone = make.user(name="Declined Account", email="declined@example.org")
    rows_ = {
        "waiting": CohortInvitation(cohort_id=cohort.id, user_id=waiting.id, name="Wanda As Written",
                                    invited_by_id=facilitator.id, invited_at=NOW - timedelta(days=10),
                                    sent_at=NOW - timedelta(days=10)),
        "recent": CohortInvitation(cohort_id=cohort.id, user_id=recent.id, name="Rita As Written",
                                   invited_by_id=facilitator.id, invited_at=NOW - timedelta(hours=2),
                                   sent_at=NOW - timedelta(hours=2)),
        "new": CohortInvitation(cohort_id=cohort.id, user_id=no_password.id, name="Nina As Written",
                                invited_by_id=facilitator.id, invited_at=NOW - timedelta(days=9)),
        "declined": CohortInvitation(cohort_id=cohort.id, user_id=gone.id, name="Dan Declined",
                                     invited_at=NOW - timedelta(days=20), response="declined",
                                     responded_at=NOW - timedelta(days=19)),
    }
    db.session.add_all(rows_.values())
    db.session.commit()
    return cohort, course, facilitator, rows_


def test_invited_people_are_listed_from_their_invitations(client, login, invited, frozen):
    cohort, course, facilitator, invitations = invited
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/at-risk").get_data(as_text=True)
    listed = rows(html)
    assert listed[-2:] == [
        ("Wanda As Written", "invited", "Invited on Feb 20, 2026; not accepted yet."),
        ("Nina As Written", "invited", "Invited on Feb 21, 2026; not accepted yet."),
    ]
    assert "waiting@example.org" in html and "Account Name" not in html       # the name as written, not the account's
    assert "Rita As Written" not in html and "Dan Declined" not in html
    assert html.count("Send the invitation again") == 2
    assert "6 people need attention." in html
    recent = client.get(f"/cohorts/{cohort.id}/at-risk?status=just_invited").get_data(as_text=True)
    assert [name for name, *_ in rows(recent)] == ["Rita As Written"]
    assert "Invitation sent" in recent and "Send the invitation again" not in recent     # sent 2 hours ago


def test_a_reminder_to_an_invited_person_is_a_fresh_invitation(client, login, invited, smtp_server, frozen):
    cohort, course, facilitator, invitations = invited
    login(facilitator)
    response = client.post(f"/cohorts/{cohort.id}/remind", data={
        "invitations": [invitations["waiting"].id, invitations["new"].id], "course": course.id, "status": "invited"})
    assert response.status_code == 302 and "status=invited" in response.headers["Location"]
    mails = {m["To"]: m.get_content() for m in smtp_server.messages}
    assert set(mails) == {"waiting@example.org", "new@example.org"}
    assert "/invitations/" in mails["waiting@example.org"] and "/welcome/" in mails["new@example.org"]
    assert not [body for body in mails.values() if "/login" in body]
    db.session.rollback()
    assert db.session.get(CohortInvitation, invitations["waiting"].id).sent_at == NOW
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitation sent again to 2 people." in page
    again = client.post(f"/cohorts/{cohort.id}/remind", data={
        "invitations": [invitations["waiting"].id], "course": course.id}, follow_redirects=True)
    assert "Not sent again (reminded in the last 24 hours): Wanda As Written" in again.get_data(as_text=True)
    assert len(smtp_server.messages) == 2


def test_a_learner_whose_account_has_no_password_is_reminded_with_the_link_to_choose_one(
        client, login, cast, smtp_server, frozen):
    course, cohort, facilitator, people = cast
    nell = people["Nell Never"]
    nell.password_hash = None
    db.session.commit()
    login(facilitator)
    client.post(f"/cohorts/{cohort.id}/remind", data={"learners": [nell.id], "course": course.id})
    body = smtp_server.messages[0].get_content()
    assert "/welcome/" in body and "/login" not in body and "choose your password" in body


def test_invitations_of_another_cohort_cannot_be_sent_from_this_one(client, login, invited, dash, make, smtp_server):
    cohort, course, facilitator, invitations = invited
    other = dash.cohort(course, facilitator=facilitator, name="Other")
    login(facilitator)
    response = client.post(f"/cohorts/{other.id}/remind",
                           data={"invitations": [invitations["waiting"].id], "course": course.id})
    assert response.status_code == 400 and smtp_server.messages == []
    stranger = make.user(role="facilitator")
    login(stranger)
    assert client.get(f"/cohorts/{cohort.id}/at-risk").status_code == 403
    response = client.post(f"/cohorts/{cohort.id}/remind",
                           data={"invitations": [invitations["waiting"].id], "course": course.id})
    assert response.status_code == 403 and smtp_server.messages == []


def test_the_headline_and_the_dashboard_count_use_the_statuses(client, login, invited, frozen):
    cohort, course, facilitator, invitations = invited
    ctx = queries.context(cohort, None)
    learners = queries.learner_rows(cohort, ctx.structure)
    headline = risks.headline(cohort, ctx.structure, learners, due_on=ctx.due_on, now=NOW)
    assert (headline.not_started, headline.just_joined, headline.attention) == (1, 1, 6)
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    assert "6 people need attention" in html


def test_a_long_list_is_paginated(client, login, make, dash, frozen):
    course = make.course(modules=1, lessons=1, questions=0, final=False)
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, learners=55)
    login(facilitator)
    first = client.get(f"/cohorts/{cohort.id}/at-risk").get_data(as_text=True)
    second = client.get(f"/cohorts/{cohort.id}/at-risk?page=2").get_data(as_text=True)
    assert len(rows(first)) == 50 and len(rows(second)) == 5
    assert "Page 1 of 2" in first and "status=attention" in first and "page=2" in first
    assert not {name for name, *_ in rows(first)} & {name for name, *_ in rows(second)}


def test_the_at_risk_page_costs_the_same_queries_at_20_and_200_learners(client, login, make, count_queries, frozen):
    course = make.course(modules=2, lessons=2, questions=3, final_questions=4)
    facilitator = make.user(role="facilitator")
    counts = {}
    for n in (20, 200):
        cohort = build_cohort(course, learners=n, facilitator=facilitator, seed=n).cohort
        people = [make.user(name=f"Invited {n}-{k}") for k in range(n // 10)]
        db.session.add_all(CohortInvitation(cohort_id=cohort.id, user_id=p.id, name=p.name,
                                            invited_at=NOW - timedelta(days=30)) for p in people)
        db.session.commit()
        login(facilitator)
        for url in (f"/cohorts/{cohort.id}/at-risk", f"/cohorts/{cohort.id}/at-risk?status=all&page=2",
                    f"/cohorts/{cohort.id}/dashboard"):
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200
            counts.setdefault(url.split("?")[-1].split("/")[-1], {})[n] = counter.count
    assert all(len(set(by_size.values())) == 1 for by_size in counts.values()), counts
