"""Bulk actions on the members page in Chromium: without JavaScript (the row boxes join the bulk
form by its id), and with it (tick the page, search in place, then "all that match")."""
from datetime import timedelta

import pytest

from lms.cohorts import services
from lms.cohorts.models import CohortInvitation
from lms.core.db import utcnow
from lms.extensions import db
from tests.cohorts.conftest import active_learner_ids

pytestmark = pytest.mark.browser


def make_cohort(facilitator, learners=(), courses=(), name="Cohort"):
    cohort = services.create_cohort(user=facilitator, now=utcnow(), name=name)
    for course in courses:
        services.assign_course(cohort, course, user=facilitator, now=utcnow())
    services.add_learners(cohort, [learner.id for learner in learners], now=utcnow())
    db.session.commit()
    return cohort


def log_in(page, base, email, password):
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_tick_the_page_remove_with_confirmation_and_the_invited_list_fit_a_phone(page, live_server, make):
    me = make.user(role="facilitator", email="fac@example.org")
    learners = [make.user(name=f"Learner {n:02d} with a rather long name") for n in range(8)]
    cohort = make_cohort(facilitator=me, learners=learners, courses=[make.course(), make.course()], name="Spring")
    make_cohort(facilitator=me, name="Autumn")
    db.session.add(CohortInvitation(cohort_id=cohort.id, user_id=make.user(name="Account Name").id,
                                    name="Written Name", invited_at=utcnow() - timedelta(days=2), sent_at=utcnow()))
    db.session.commit()
    cid, base = cohort.id, live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Security Policy" in msg.text else None)
    log_in(page, base, "fac@example.org", make.PASSWORD)
    page.goto(f"{base}/cohorts/{cid}/members")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.get_by_label("All on this page").check()
    assert page.locator('input[name="ids"]:checked').count() == 8
    page.get_by_label("Action").select_option("remove")
    page.get_by_role("button", name="Apply").click()
    assert "Remove 8 learners from Spring?" in page.content()
    page.get_by_role("button", name="Remove 8 learners").click()
    assert "Removed 8 learners." in page.content()
    assert active_learner_ids(cid) == set()
    page.get_by_role("link", name="Invited (1)").click()
    page.get_by_role("button", name="Withdraw Written Name").wait_for()
    assert "Account Name" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert errors == []


def test_without_javascript_then_all_that_match_after_a_search(nojs_page, page, live_server, make):
    me = make.user(role="facilitator", email="fac@example.org")
    learners = [make.user(name=f"Learner {n:02d}") for n in range(4)]
    cohort = make_cohort(facilitator=me, learners=learners, name="Spring")
    target = make_cohort(facilitator=me, name="Autumn")
    cid, tid, ids, base = cohort.id, target.id, [u.id for u in learners], live_server.url
    db.session.rollback()
    log_in(nojs_page, base, "fac@example.org", make.PASSWORD)
    nojs_page.goto(f"{base}/cohorts/{cid}/members")
    nojs_page.get_by_label("Tick Learner 01").check()
    nojs_page.get_by_label("Tick Learner 02").check()
    nojs_page.get_by_label("Action").select_option("move")
    nojs_page.get_by_label("Move to").select_option(label="Autumn")
    nojs_page.get_by_role("button", name="Apply").click()
    assert "Moved 2 learners to Autumn." in nojs_page.content()

    log_in(page, base, "fac@example.org", make.PASSWORD)
    page.goto(f"{base}/cohorts/{cid}/members")
    page.get_by_label("Search by name or e-mail").fill("Learner 03")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("Or all 1 learner that matches").click()
    page.get_by_label("Action").select_option("remove")
    page.get_by_role("button", name="Apply").click()
    assert "Remove 1 learner from Spring?" in page.content() and "Learner 03" in page.content()
    page.get_by_role("button", name="Remove 1 learner").click()
    assert "Removed 1 learner." in page.content()
    assert active_learner_ids(cid) == {ids[0]}
    assert active_learner_ids(tid) == {ids[1], ids[2]}
