"""A facilitator messages part of a cohort from a phone without JavaScript, CSRF on: write,
preview, send; the learner reads it on My learning. No page scrolls sideways."""
import os
from datetime import timedelta

import pytest

from lms.cohorts.models import Cohort, CohortCourse, CohortMember, Organisation
from lms.core.db import utcnow
from lms.extensions import db
from tests.browser.menu import open_menu

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"messaging-{name}.png"), full_page=True)


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_a_facilitator_messages_an_organisation_and_a_learner_reads_it(nojs_page, browser, live_server,
                                                                       smtp_server, make):
    page, base = nojs_page, live_server.url
    course = make.course(modules=2, lessons=2, questions=3)
    facilitator = make.user(role="facilitator", name="Fatou Browser")
    org = Organisation(name="Ministry of Justice", kind="sur_ministry", country="KE")
    cohort = Cohort(name="Justice ministry — spring", join_code="browser-messages")
    db.session.add_all([org, cohort])
    db.session.flush()
    amina = make.user(name="Amina Diallo", locale="fr", organisation_id=org.id)
    carlos = make.user(name="Carlos Pérez", locale="es")
    db.session.add_all([CohortCourse(cohort_id=cohort.id, course_id=course.id),
                        CohortMember(cohort_id=cohort.id, user_id=facilitator.id, role="facilitator")] +
                       [CohortMember(cohort_id=cohort.id, user_id=u.id, role="learner",
                                     joined_at=utcnow() - timedelta(weeks=3)) for u in (amina, carlos)])
    db.session.commit()
    cohort_id, amina_email, carlos_email = cohort.id, amina.email, carlos.email

    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(facilitator.email)
    page.get_by_label("Password").fill(make.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/cohorts/{cohort_id}/members")
    page.get_by_role("link", name="Messages", exact=True).click()
    page.get_by_role("link", name="Write a message").click()
    page.get_by_label("Subject", exact=True).fill("Workshop on Tuesday")
    page.get_by_label("Message", exact=True).fill("Dear all,\n\nthe workshop starts at 9: https://example.org/plan")
    page.locator("main summary").click()
    page.get_by_label("Subject in French").fill("Atelier mardi")
    page.get_by_label("Message in French").fill("Bonjour,\n\nl’atelier commence à 9 h.")
    page.get_by_label("Learners from one organisation").check()
    page.get_by_label("Organisation", exact=True).select_option(label="Ministry of Justice")
    assert _fits(page)
    _shot(page, "compose")
    page.get_by_role("button", name="Preview and check the recipients").click()
    assert "This goes to 1 learner" in page.content() and "Amina" in page.content()
    assert _fits(page)
    _shot(page, "preview")
    page.get_by_role("button", name="Send to 1 learner").click()
    assert "Your message is on its way to 1 learner." in page.content()
    assert page.get_by_role("link", name="https://example.org/plan").count() == 1
    assert _fits(page)
    _shot(page, "sent")

    mails = smtp_server.messages
    assert [m["To"] for m in mails] == [amina_email] and mails[0]["Subject"] == "Atelier mardi"
    assert carlos_email not in {m["To"] for m in mails}

    open_menu(page)
    page.get_by_role("button", name="Log out").click()
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(amina_email)
    page.get_by_label("Password").fill(make.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(base + "/learning")
    assert page.get_by_role("link", name="Atelier mardi").count() == 1
    assert _fits(page)
    _shot(page, "my-learning")
    page.get_by_role("link", name="Atelier mardi").click()
    assert "l’atelier commence à 9 h." in page.content()
    _shot(page, "read")
