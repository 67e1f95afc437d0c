"""A facilitator runs a cohort in Chromium: create it, upload learners, a learner joins by
link and completes a module, the dashboard shows it, and the export carries it."""
import csv
import io
import re

import pytest

from lms.extensions import db

pytestmark = pytest.mark.browser

ROSTER = (b"name,email,organisation,language\n"
          b"Amina Diallo,amina.browser@example.org,Ministry of Justice,fr\n"
          b"Carlos P\xc3\xa9rez,carlos.browser@example.org,Ministry of Justice,es\n")


def watch_for_errors(page, errors):
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text)
            if "Refused" in msg.text or "Security Policy" in msg.text else None)


def log_in(page, base, email, password):
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_facilitator_journey(page, browser, live_server, smtp_server, make):
    facilitator = make.user(role="facilitator", email="fac.browser@example.org", name="Fatou Browser")
    course = make.course(modules=2, lessons=2, questions=0, final=False)  # modules end with their lessons
    course_title, course_slug = course.title, course.slug
    db.session.rollback()
    errors = []
    watch_for_errors(page, errors)
    base = live_server.url

    # 1. Create the cohort.
    log_in(page, base, facilitator.email, make.PASSWORD)
    page.goto(base + "/cohorts")
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("Justice ministry — spring")
    page.get_by_label("Capacity (learners)").fill("20")
    page.get_by_role("button", name="Create the cohort").click()
    assert "Cohort created." in page.content()

    # 2. Assign a course with a due date.
    page.get_by_label("Course", exact=True).select_option(label=course_title)
    page.get_by_label("Due on (optional)").fill("2030-06-30")
    page.get_by_role("button", name="Assign the course").click()
    assert "every learner in the cohort is enrolled" in page.content()

    # 3. Upload a CSV of learners; each person listed gets an invitation.
    page.get_by_role("link", name="Learners", exact=True).click()
    page.get_by_role("link", name="Upload a CSV of learners").click()
    page.get_by_label("CSV file", exact=True).set_input_files(
        files=[{"name": "learners.csv", "mimeType": "text/csv", "buffer": ROSTER}])
    page.get_by_role("button", name="Check and import").click()
    assert "2 people invited: they join the cohort when they accept." in page.content()
    assert sorted(m["To"] for m in smtp_server.messages) == ["amina.browser@example.org",
                                                            "carlos.browser@example.org"]

    # 4. The members page lists them as invited, and shows the join link.
    page.get_by_role("link", name="See who is invited").click()
    table = page.locator("table.members")
    assert "Amina Diallo" in table.inner_text() and "Carlos Pérez" in table.inner_text()
    link = page.locator("#join-link").inner_text().strip()
    assert re.fullmatch(re.escape(base) + r"/join/[A-Z2-9]{10}", link)

    # 5. A new learner opens the link in another browser, creates an account and joins.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    learner = context.new_page()
    watch_for_errors(learner, errors)
    learner.goto(link)
    assert "Join Justice ministry — spring" in learner.content()
    learner.get_by_label("Full name").fill("Lina Link")
    learner.get_by_label("E-mail address").fill("lina.link@example.org")
    learner.get_by_label("Password").fill("a browser passphrase for lina")
    learner.get_by_role("button", name="Create my account and join").click()
    assert "You have joined Justice ministry — spring." in learner.content()

    # 6. She completes module 1 on her phone.
    learner.goto(f"{base}/courses/{course_slug}/continue")
    for lesson in ("lesson-1-1", "lesson-1-2"):
        assert learner.url.endswith(f"/lessons/{lesson}")
        learner.get_by_role("button", name="Mark as complete").click()
        learner.get_by_text("You completed this lesson.").wait_for()
        learner.locator("#lesson-status a[rel=next]").click()
    context.close()

    # 7. The facilitator sees her in the cohort (the invitations hold two places); the search
    #    narrows the list in place.
    page.goto(page.url.split("/members")[0] + "/members")
    assert "Lina Link" in table.inner_text() and "Amina Diallo" not in table.inner_text()
    assert "3 of 20 places taken." in page.content()
    page.get_by_label("Search by name or e-mail").fill("lina")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=lina"))
    assert "Lina Link" in table.inner_text() and "Amina Diallo" not in table.inner_text()

    # 8. The dashboard shows her finished module, and the export carries it.
    page.goto(page.url.split("/members")[0] + "/dashboard")
    assert page.locator(".headline div", has_text="Learners").locator("dd").inner_text().startswith("1")
    page.get_by_role("link", name="Progress matrix").click()
    cell = page.get_by_role("row", name="Lina Link").locator("td.cell").first
    assert "Done" in cell.inner_text()
    page.get_by_role("link", name="Overview").click()
    with page.expect_download() as info:
        page.locator("li", has_text="Progress of every learner").get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8-sig").read())))
    by_name = {row["Name"]: row for row in rows}
    assert by_name["Lina Link"]["Module 1"] == "Done"
    assert "Carlos Pérez" not in by_name                               # invited, not a member yet
    assert errors == []
