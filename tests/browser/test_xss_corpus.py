"""A stored-XSS corpus in every field people can write, then every page that shows those fields,
opened in Chromium as the learner, the facilitator, the admin and a verifier. Nothing may run:
no dialog, no CSP violation, no request off the site, no injected handler or script in the DOM.
A few writes are made in the browser itself, so that the notices after them are checked too."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.auth.models import User
from lms.badges.models import BadgeAward
from lms.catalog.models import Question
from lms.cohorts.models import Organisation
from lms.extensions import db
from lms.quizzes.models import QuestionResponse
from tests.browser.xss_corpus import PASSWORD, PAYLOADS, Watcher, store_everything
from tests.factories import PASSWORD as STAFF_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def stored(app, make):
    course = make.course(modules=1, lessons=1, questions=0, final=False, navigation="free")
    quiz = make.quiz(course, None, slug="final", questions=2, types=["single", "short"], shuffle_options=False)
    return store_everything(app, make, course, quiz)


def _context(browser, watcher, email=None, password=None):
    context = browser.new_context()
    watcher.attach(context)
    page = context.new_page()
    page.set_default_timeout(10000)
    if email:
        _log_in(context, watcher.origin, email, password)
    return context, page


def _log_in(context, origin: str, email: str, password: str) -> None:
    """Through the login form's own request, without drawing the form (many people log in)."""
    context.clear_cookies()
    form = context.request.get(origin + "/login").text()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    answer = context.request.post(origin + "/login", max_redirects=0, form={
        "csrf_token": token, "email": email, "password": password})
    assert answer.status == 302, answer.status


def _every_field_holds_the_corpus(stored) -> None:
    # Had a form refused the payloads, the pages below would show none of them.
    db.session.rollback()
    corpus = set(PAYLOADS)
    assert corpus <= set(db.session.scalars(select(User.name).where(User.email.like("xss%"))))
    assert corpus <= set(db.session.scalars(select(User.name).where(User.email.like("csv%"))))
    assert corpus <= set(db.session.scalars(select(User.organisation_text)))
    assert corpus <= set(db.session.scalars(select(Organisation.name)))
    assert [c.name for c in stored.cohorts] == PAYLOADS
    assert corpus <= {r.response.get("text") for r in db.session.scalars(
        select(QuestionResponse).join(Question).where(Question.type == "short"))}
    assert corpus <= set(db.session.scalars(select(BadgeAward.award_reason)))
    reasons = " ".join(db.session.scalars(select(BadgeAward.revocation_reason).where(
        BadgeAward.revocation_reason.is_not(None))))
    assert [p for p in PAYLOADS if p not in reasons] == []


def test_no_stored_payload_runs_on_any_page(browser, live_server, stored):
    _every_field_holds_the_corpus(stored)
    watcher = Watcher(live_server.url)
    _as_admin(browser, watcher, stored)
    _as_facilitator(browser, watcher, stored)
    _as_learners(browser, watcher, stored)
    _as_visitor(browser, watcher, stored)
    assert watcher.pages > 100
    assert watcher.problems == [], "\n".join(watcher.problems[:40])


def _as_admin(browser, watcher, stored) -> None:
    context, page = _context(browser, watcher, stored.admin.email, STAFF_PASSWORD)
    main = stored.cohorts[0]
    for path in ["/admin", "/admin/users", f"/admin/organisations/{main.organisation_id}", "/admin/badges",
                 "/admin/badges?q=xss", "/admin/badges?status=revoked", "/admin/audit",
                 f"/cohorts/{main.id}/members"]:
        watcher.visit(page, path)
    for path in ["/admin/users?q=xss", "/admin/organisations", "/admin/cohorts", "/cohorts"]:
        watcher.visit(page, path, shows=PAYLOADS)
    # An award made here: its notice names the learner.
    page.goto(watcher.origin + "/admin/badges")
    page.locator("#award-email").fill("csv1@example.org")
    page.locator("#award-course").select_option(stored.course.slug)
    page.locator("#award-reason").fill(PAYLOADS[1])
    page.get_by_role("button", name="Award badge").click()
    expect(page.locator(".flash")).to_contain_text("Badge awarded to")
    watcher.check(page)
    context.close()


def _as_facilitator(browser, watcher, stored) -> None:
    context, page = _context(browser, watcher, stored.facilitator.email, STAFF_PASSWORD)
    base = f"/cohorts/{stored.cohorts[0].id}"
    for path in ["/cohorts", f"{base}/settings", f"{base}/members", f"{base}/upload", f"{base}/dashboard",
                 f"{base}/matrix?q=img", f"{base}/at-risk", f"{base}/items",
                 *[f"/cohorts/{c.id}/settings" for c in stored.cohorts[1:4]]]:
        watcher.visit(page, path)
    watcher.visit(page, f"{base}/matrix", shows=PAYLOADS)
    for n, learner in enumerate(stored.learners):
        watcher.visit(page, f"{base}/learners/{learner.id}", shows=[PAYLOADS[n]])
    for _ in range(2):  # reminders to everyone listed; the second notice names who was skipped
        watcher.visit(page, f"{base}/at-risk?status=all")
        for box in page.locator("input[name=learners]").all():
            box.check()
        page.get_by_role("button", name="Remind the chosen people").click()
        expect(page.locator(".flash").first).to_be_visible()
        watcher.check(page)
    expect(page.locator(".flash").first).to_contain_text("Not sent again")
    context.close()


def _as_learners(browser, watcher, stored) -> None:
    context, page = _context(browser, watcher)
    for n, learner in enumerate(stored.learners):
        _log_in(context, watcher.origin, learner.email, PASSWORD)
        attempt_id = stored.attempts[learner.id]
        watcher.visit(page, "/account")
        watcher.visit(page, "/badges", shows=[PAYLOADS[n]] if n % 2 == 0 else [])  # revoked: the reason
        watcher.visit(page, f"/attempts/{attempt_id}/review", shows=[PAYLOADS[n]])
        if n == 0:  # pages that show nothing one learner wrote and another did not
            for path in ["/learning", f"/courses/{stored.course.slug}", f"/attempts/{attempt_id}/result"]:
                watcher.visit(page, path)
            _email_change(page, watcher)
    context.close()


def _as_visitor(browser, watcher, stored) -> None:
    """A verifier with a badge's code or address, and people opening invite links."""
    context, page = _context(browser, watcher)
    for n, (_code, uuid) in enumerate(stored.awards[:3]):  # even ones were revoked
        watcher.visit(page, f"/badges/assertions/{uuid}", status=410 if n % 2 == 0 else 200)
    for n, (code, _uuid) in enumerate(stored.awards):
        if n % 2 == 0 or n == 1:  # every revoked badge, with its reason, and one that is not
            watcher.visit(page, f"/verify/{code}", shows=PAYLOADS[n:n + 2] if n % 2 == 0 else [])
    for n, cohort in enumerate(stored.cohorts):
        watcher.visit(page, f"/join/{cohort.join_code}", shows=[PAYLOADS[n]])
    context.close()


def _email_change(page, watcher) -> None:
    """The address field shown again with its error: the payloads stay inside its value. The
    field takes 254 characters, so the corpus goes in a few batches."""
    batches = [""]
    for payload in PAYLOADS:
        if len(batches[-1]) + len(payload) > 250:
            batches.append("")
        batches[-1] += payload
    page.goto(watcher.origin + "/account")
    for batch in batches:
        page.locator("#email-email").fill(batch)
        page.locator("#email-current").fill(PASSWORD)
        page.get_by_role("button", name="Send the confirmation link").click()
        page.wait_for_load_state()
        watcher.check(page)
        shown = page.locator("#email-email").input_value()
        if shown != batch:
            watcher.problems.append(f"the address field shows {shown!r} instead of {batch!r}")
