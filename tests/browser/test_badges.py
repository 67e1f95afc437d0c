"""A completed course in Chromium: badges page → baked PNG download → verify page; then the
downloaded image and the privacy choice, and revocation changes what the verify page says."""
import json

import pytest
from pypdf import PdfReader

from lms.badges import baking, services
from lms.badges.codes import display
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning import services as learning

pytestmark = pytest.mark.browser


def _completed_course(make):
    """A learner who finishes a one-lesson course through the learning service (which fires
    course_completed, which awards the badge)."""
    learner = make.user(name="Amélie Núñez", email="amelie@example.org")
    course = make.course(modules=1, lessons=1, questions=0, final=False)
    course.completion = {"lessons": "all", "module_quizzes": "none", "final": "none"}
    course.badge = {**course.badge, "name": "UPR Essentials", "emblem": "scales", "colour": "#0e7490"}
    db.session.flush()
    learning.enrol(learner, course, now=utcnow())
    lesson = course.modules[0]
    from lms.catalog.models import Lesson

    lesson = db.session.query(Lesson).filter_by(module_id=lesson.id).one()
    learning.complete_lesson(learner, lesson, now=utcnow())
    db.session.commit()
    return learner, course


def test_complete_course_download_badge_and_verify(page, live_server, make, tmp_path):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Security Policy" in msg.text else None)
    learner, course = _completed_course(make)
    base = live_server.url

    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(learner.email)
    page.get_by_label("Password").fill(make.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(base + "/badges")
    card = page.locator("article.badge-card")
    assert card.count() == 1
    assert "UPR Essentials" in card.inner_text() and "Valid" in card.inner_text()
    code = card.locator("code.short-code").inner_text()

    with page.expect_download() as download_info:
        card.get_by_role("link", name="Download badge (PNG)").click()
    saved = tmp_path / "badge.png"
    download_info.value.save_as(saved)
    baked = saved.read_bytes()
    assertion = json.loads(baking.extract_png(baked))
    assert assertion["id"].startswith(base + "/badges/assertions/")
    assert assertion["recipient"]["hashed"] is True

    # The hosted assertion, the baked image and the certificate agree.
    hosted = page.request.get(assertion["id"], headers={"Accept": "application/ld+json"})
    assert hosted.status == 200 and hosted.json() == assertion
    with page.expect_download() as pdf_info:
        card.get_by_role("link", name="Download certificate (PDF)").click()
    pdf_text = PdfReader(pdf_info.value.path()).pages[0].extract_text()
    assert "Amélie Núñez" in pdf_text and code in pdf_text and "UPR Essentials" in pdf_text

    # The verify page, by typing the code from "paper" in lower case.
    page.goto(base + "/verify")
    page.get_by_label("Verification code", exact=True).fill(code.lower())
    page.get_by_role("button", name="Verify", exact=True).click()
    assert page.url.endswith("/verify/" + code)
    status = page.locator(".verify-status").inner_text()
    assert "Valid" in status
    assert "A verified e-mail address" in page.locator(".recipient").inner_text()

    # The e-mail box (htmx swap when JS runs).
    page.get_by_label("E-mail address", exact=True).fill("amelie@example.org")
    page.get_by_role("button", name="Check e-mail address").click()
    page.locator(".match-yes").wait_for()

    # The downloaded image verifies too.
    page.goto(base + "/verify")
    page.get_by_label("Or upload a badge image").set_input_files(str(saved))
    page.get_by_role("button", name="Check address or image").click()
    assert "Valid" in page.locator(".verify-status").inner_text()
    assert "does not match" not in page.content()

    # Show the name, then an admin revokes: the verify page says so.
    page.goto(base + "/badges")
    page.get_by_role("button", name="Show my name on the verify page").click()
    page.get_by_role("button", name="Hide my name on the verify page").wait_for()
    page.goto(base + "/verify/" + code)
    assert "Amélie Núñez" in page.locator(".recipient").inner_text()
    db.session.rollback()
    award = services.find_award(learner.id, services.ensure_badge_class(course).id)
    services.revoke_badge(None, award, reason="Issued to the wrong account", now=utcnow())
    db.session.commit()
    assert display(award.short_code) == code
    page.reload()
    assert "Revoked" in page.locator(".verify-status").inner_text()
    assert "Issued to the wrong account" in page.content()
    gone = page.request.get(assertion["id"], headers={"Accept": "application/ld+json"})
    assert gone.status == 410 and gone.json()["revoked"] is True
    assert page.request.get(assertion["id"] + ".png").status == 410
    assert page.request.get(assertion["id"] + "/certificate.pdf").status == 410
    assert errors == [], errors
