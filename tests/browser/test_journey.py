"""A learner's whole journey on a phone, against `PORT=<free port> make run` as a newcomer runs it:
a facilitator uploads a CSV, the mail worker that `make run` starts beside the web server
delivers the invitation, the invited learner opens the e-mailed link, chooses a password,
lands on the course, works through it (one wrong answer that points to its lesson, one practice
round), passes the final, sees "Course complete" with the certificate, and opens the verify link
from the completion e-mail. Every link on the way uses the origin the app is served on."""
import os
import re
import signal
import subprocess
import time
import urllib.request
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from lms.catalog.models import Question
from lms.cohorts.models import Cohort
from lms.quizzes.models import QuizAttempt
from tests.browser.conftest import PHONE, _free_port
from tests.browser.test_shipped_quizzes import answer

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
LEARNER = "journey.learner@example.org"
LINK = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def served(tmp_path):
    """`make run` on a free port with its own database; without MAIL_SERVER its mail worker
    writes each message to MAIL_DIR, and the log it prints masks the links' tokens."""
    port = _free_port()
    log = open(tmp_path / "run.log", "w+")
    env = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp_path / 'journey.db'}",
           "FLASK_DEBUG": "0", "MAIL_DIR": str(tmp_path / "mail")}
    for name in ("BASE_URL", "MAIL_SERVER", "TEST_DATABASE_URL", "LMS_ENV"):
        env.pop(name, None)
    process = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    origin = f"http://127.0.0.1:{port}"
    try:
        _wait_for(origin + "/healthz", process, log)
        yield origin, tmp_path / "mail", create_engine(env["DATABASE_URL"]), Path(log.name)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)
        log.close()


def _wait_for(url, process, log, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError("make run stopped:\n" + log.read()[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer")


def mails_to(folder: Path, email: str) -> list[str]:
    """The bodies of the mails the worker wrote for `email` (no MAIL_SERVER: .eml files), oldest first."""
    found = []
    for path in sorted(folder.glob("*.eml"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == email:
            found.append(message.get_content())
    return found


def wait_for_mail(folder: Path, email: str, count: int = 1) -> str:
    for _ in range(60):
        found = mails_to(folder, email)
        if len(found) >= count:
            return found[count - 1]
        time.sleep(0.25)
    raise AssertionError(f"no mail {count} to {email} in {folder}")


def facilitator_invites(browser, origin, engine):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(origin + "/login")
    page.locator("input[name=email]").fill("facilitator@example.org")
    page.locator("input[name=password]").fill("upr-demo-password-2026")
    page.locator("form button[type=submit]").last.click()
    with Session(engine) as session:
        cohort_id = session.scalar(select(Cohort.id).where(Cohort.name.like("UPR essentials%")))
    page.goto(f"{origin}/cohorts/{cohort_id}/upload")
    page.locator("input[type=file]").set_input_files(files=[{
        "name": "learners.csv", "mimeType": "text/csv",
        "buffer": f"name,email,language\nJourney Learner,{LEARNER},en\n".encode()}])
    page.locator("form[enctype] button[type=submit]").click()
    expect(page.locator("main [role=status] h2")).to_be_visible()   # the import report
    context.close()


def attempt_questions(engine, attempt_id):
    with Session(engine) as session:
        attempt = session.get(QuizAttempt, attempt_id)
        questions = {q.id: q for q in session.scalars(select(Question).where(Question.id.in_(attempt.question_ids)))}
        session.expunge_all()
        return [questions[i] for i in attempt.question_ids]


def take_quiz(page, engine, *, skip: int | None = None):
    """Start the quiz on this page and answer every question rightly, leaving `skip` unanswered
    (the summary then lists it, and submitting anyway marks it wrong)."""
    page.locator("form[action$='/start'] button").first.click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    for index, question in enumerate(attempt_questions(engine, attempt_id)):
        if index != skip:
            answer(page, question)
    page.get_by_role("button", name="Submit answers").click()
    if skip is not None:
        expect(page.locator("h1")).to_have_text("Before you submit")
        expect(page.locator(".quiz-unanswered li")).to_have_count(1)
        page.get_by_role("button", name="Submit anyway").click()
    expect(page.locator(".quiz-score-number")).to_be_visible()


def practise_one(page, engine):
    """One practice question, answered rightly: the verdict comes at once and nothing is graded."""
    page.get_by_role("link", name="Practise these questions").click()
    question_id = int(page.locator("input[name=question_id]").get_attribute("value"))
    with Session(engine) as session:
        question = session.get(Question, question_id)
        session.expunge(question)
    answer(page, question)
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("main")).to_contain_text("Right")


def test_invited_learner_goes_from_the_mail_to_a_verified_badge(browser, served):
    origin, mail, engine, log = served
    facilitator_invites(browser, origin, engine)
    invitation = wait_for_mail(mail, LEARNER)
    links = LINK.findall(invitation)
    assert links and all(link.startswith(origin) for link in links), links
    welcome = next(link for link in links if "/welcome/" in link)
    assert welcome.rsplit("/", 1)[1] not in log.read_text()      # the token never reaches the log

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(welcome)
    expect(page.locator("h1")).to_have_text("Welcome to UPR Academy")
    page.get_by_label("New password", exact=True).fill("orchid lantern fjord meadow")
    page.get_by_label("Repeat the new password").fill("orchid lantern fjord meadow")
    page.get_by_role("button", name="Choose this password and start").click()
    expect(page).to_have_url(f"{origin}/courses/upr-essentials")
    expect(page.locator(".flash")).to_contain_text("Welcome to UPR Academy, Journey Learner")

    read_again = practised = False
    for _step in range(40):
        page.goto(f"{origin}/courses/upr-essentials/continue")
        if "/lessons/" in page.url:
            page.get_by_role("button", name="Mark as complete").click()
            expect(page.locator("#lesson-status")).to_contain_text("You completed this lesson.")
        elif "/quizzes/" in page.url and page.url.endswith("/final"):
            take_quiz(page, engine)
            break
        elif "/quizzes/" in page.url:
            if not practised:
                practise_one(page, engine)
                practised = True
                page.goto(f"{origin}/courses/upr-essentials/continue")
            take_quiz(page, engine, skip=None if read_again else 0)
            if not read_again:
                lesson = page.locator(".quiz-lesson-link a").first
                expect(lesson).to_be_visible()
                lesson.click()
                expect(page).to_have_url(re.compile(r"/courses/upr-essentials/lessons/"))
                read_again = True
    assert read_again and practised

    completion = page.locator(".completion")
    expect(completion).to_contain_text("Course complete — you earned UPR Essentials")
    share = completion.locator("a[href*='/verify/']").first.get_attribute("href")
    certificate = completion.get_by_role("link", name="Download certificate (PDF)").get_attribute("href")
    assert share.startswith(origin)
    pdf = page.request.get(origin + certificate)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    done_mail = wait_for_mail(mail, LEARNER, count=2)
    mail_links = LINK.findall(done_mail)
    assert all(link.startswith(origin) or "linkedin.com" in link for link in mail_links), mail_links
    verify = next(link for link in mail_links if "/verify/" in link)
    stranger = browser.new_context(viewport=PHONE, is_mobile=True)
    check = stranger.new_page()
    check.goto(verify)
    expect(check.locator("main")).to_contain_text("Valid")
    stranger.close()
    context.close()
