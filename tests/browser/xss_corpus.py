"""A stored-XSS corpus, the forms that store it, and a watcher for what a page must never do.

Every payload goes through the real forms (test client, same database as the live server):
registration by invite link, the account page, organisations, cohorts, CSV enrolment, short
answers, badge awards and revocations. The watcher records, for each page Chromium opens: any
dialog, any Content-Security-Policy violation or refusal, page errors, requests leaving the
site, and (in the DOM) any event-handler attribute, script-like element or javascript: URL
that the app itself never writes, or a template expression that was evaluated.
"""
import csv
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from lms.auth.models import User
from lms.badges.models import BadgeAward
from lms.catalog.models import Question
from lms.cohorts.models import Cohort, Organisation
from lms.extensions import db
from lms.quizzes.demo import answer_fields
from lms.quizzes.models import QuizAttempt
from lms.quizzes.types import TYPES

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg onload=alert(3)>",
    '"><script>alert(4)</script>',
    "'><img src=x onerror=alert(5)>",
    '" onmouseover="alert(6)" autofocus onfocus="alert(6)" x="',
    "' autofocus onfocus='alert(7)' x='",
    '<a href="javascript:alert(8)">click me</a>',
    '<iframe src="javascript:alert(9)"></iframe>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(10)>",
    "<svg><animate onbegin=alert(11) attributeName=x dur=1s>",
    "<details open ontoggle=alert(12)>",
    "{{7*191}} ${7*191} #{7*191} <%= 7*191 %>",
    "</textarea><script>alert(14)</script>",
    "</title><script>alert(15)</script>",
    "<input autofocus onfocus=alert(16)>",
    '<object data="javascript:alert(17)"></object>',
    "&lt;script&gt;alert(18)&lt;/script&gt;",
    '<img src="http://evil.example/x.png"><base href="http://evil.example/">',
    "--><script>alert(20)</script><!--",
    "</script><script>alert(21)</script>",
    "javascript:alert(22)",
]
PASSWORD = "plum orbit kettle sandstone"

# Run in the page after it loads: what escaped markup could have turned into.
SCAN = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.trim().toLowerCase();
      if (attr.name.startsWith('on')) found.push(`${el.tagName} ${attr.name}`);
      if (['href', 'src', 'action', 'data', 'formaction', 'xlink:href'].includes(attr.name)
          && /^(javascript|vbscript|data):/.test(value)) found.push(`${el.tagName} ${attr.name}=${value}`);
    }
  }
  for (const el of document.querySelectorAll('iframe, frame, object, embed, base, math, animate, set, meta[http-equiv]'))
    found.push(`element ${el.tagName}`);
  for (const el of document.querySelectorAll('script')) {  // HTML and SVG scripts alike
    const src = el.getAttribute('src') || el.getAttribute('href');
    if (!src || new URL(src, location.href).origin !== location.origin)
      found.push('script ' + (src || el.textContent.slice(0, 40)));
  }
  if (/1337/.test(document.body.textContent)) found.push('a template expression was evaluated');
  return found;
}"""
REPORT_CSP = """document.addEventListener('securitypolicyviolation',
  e => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));"""


@dataclass
class Watcher:
    origin: str
    problems: list[str] = field(default_factory=list)
    pages: int = 0

    def attach(self, context) -> None:
        context.add_init_script(REPORT_CSP)
        context.on("page", self._page)
        context.on("request", lambda request: None if request.url.startswith((self.origin, "data:", "about:"))
                   else self.problems.append(f"request to {request.url}"))

    def _page(self, page) -> None:
        page.on("dialog", lambda dialog: (self.problems.append(f"{page.url}: dialog {dialog.message!r}"),
                                          dialog.dismiss()))
        page.on("pageerror", lambda exc: self.problems.append(f"{page.url}: page error {exc}"))
        page.on("console", lambda msg: self.problems.append(f"{page.url}: {msg.text}")
                if re.search(r"Refused|Security Policy|CSP violation", msg.text) else None)

    def visit(self, page, path: str, status: int = 200, shows=()) -> None:
        """Open the page and check it; `shows`: payloads it must display, as text."""
        response = page.goto(self.origin + path)
        assert response is not None and response.status == status, (path, response and response.status)
        self.check(page)
        if shows:
            text = page.evaluate("document.body.innerText")
            missing = [p for p in shows if p not in text]
            assert not missing, (path, missing)

    def check(self, page) -> None:
        self.pages += 1
        page.wait_for_timeout(20)  # let autofocus, onload, ontoggle and animations fire
        self.problems += [f"{page.url}: {found}" for found in page.evaluate(SCAN)]


@dataclass
class Stored:
    admin: User
    facilitator: User
    course: object
    cohorts: list[Cohort]
    learners: list[User]
    attempts: dict[int, int]          # learner id -> attempt id
    awards: list[tuple[str, str]]     # (verification code, uuid) per learner, in order


def _ok(response, what: str) -> None:
    assert response.status_code in (200, 302, 303), (what, response.status_code,
                                                     response.get_data(as_text=True)[:400])


def _client(app, email: str, password: str):
    client = app.test_client()
    _ok(client.post("/login", data={"email": email, "password": password}), "login")
    return client


def store_everything(app, make, course, quiz) -> Stored:
    """Every payload through every form that keeps text a person typed."""
    admin, facilitator = make.user("admin", name="Ada Admin"), make.user("facilitator", name="Fay Facilitator")
    as_admin, as_facilitator = _client(app, admin.email, make.PASSWORD), _client(app, facilitator.email, make.PASSWORD)
    for payload in PAYLOADS:
        _ok(as_admin.post("/admin/organisations", data={"name": payload, "kind": "other", "country": ""}), "organisation")
    db.session.rollback()
    orgs = {o.name: o.id for o in db.session.scalars(select(Organisation))}
    for payload in PAYLOADS:
        _ok(as_facilitator.post("/cohorts/new", data={
            "name": payload, "description": f"{payload}\n{payload}", "status": "active",
            "organisation_id": str(orgs[payload])}), "cohort")
    db.session.rollback()
    cohorts = list(db.session.scalars(select(Cohort).order_by(Cohort.id)))
    main = cohorts[0]
    _ok(as_facilitator.post(f"/cohorts/{main.id}/courses", data={"course_id": course.id, "due_on": "2026-01-01"}),
        "assign")
    learners, attempts = [], {}
    for n, payload in enumerate(PAYLOADS):
        person = app.test_client()
        _ok(person.post(f"/join/{main.join_code}", data={
            "name": payload, "email": f"xss{n}@example.org", "password": PASSWORD, "locale": "en",
            "organisation_text": payload}), "join")
        _ok(person.post("/account", data={"profile-name": payload, "profile-locale": "en",
                                          "profile-organisation_text": payload}), "account")
        attempts[n] = _take_quiz(person, course, quiz, payload)
    db.session.rollback()
    for n in range(len(PAYLOADS)):
        learners.append(db.session.scalar(select(User).where(User.email == f"xss{n}@example.org")))
    _upload(as_facilitator, main)
    awards = []
    for n, learner in enumerate(learners):
        _ok(as_admin.post("/admin/badges", data={"action": "award", "award-email": learner.email,
                                                 "award-course": course.slug, "award-reason": PAYLOADS[n]}), "award")
        db.session.rollback()
        code, uuid = db.session.execute(select(BadgeAward.short_code, BadgeAward.uuid)
                                        .where(BadgeAward.user_id == learner.id)).one()
        awards.append((code, uuid))
        if n % 2 == 0:  # half the badges revoked, each reason with two payloads
            reason = " ".join(PAYLOADS[n:n + 2])
            _ok(as_admin.post(f"/admin/badges/{uuid}/revoke", data={"confirmed": "1", "reason": reason}), "revoke")
    db.session.rollback()
    return Stored(admin, facilitator, course, cohorts, learners,
                  {learners[n].id: attempt_id for n, attempt_id in attempts.items()}, awards)


def _take_quiz(person, course, quiz, payload: str) -> int:
    started = person.post(f"/courses/{course.slug}/quizzes/{quiz.slug}/start")
    _ok(started, "start")
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    html = person.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    db.session.rollback()
    attempt = db.session.get(QuizAttempt, attempt_id)
    fields = []
    for question in db.session.scalars(select(Question).where(Question.id.in_(attempt.question_ids))):
        right = TYPES[question.type].correct_response(question.data)
        fields += answer_fields(question, {"text": payload} if question.type == "short" else right)
    sequence = re.search(r'name="sequence"[^>]*value="(\d+)"', html).group(1)
    key = re.search(r'name="submit_key"[^>]*value="([^"]+)"', html).group(1)
    _ok(person.post(f"/attempts/{attempt_id}/submit", data=MultiDict([("sequence", sequence), ("submit_key", key), *fields])),
        "submit")
    return attempt_id


def _upload(as_facilitator, cohort) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "organisation", "language"])
    for n, payload in enumerate(PAYLOADS):
        writer.writerow([payload, f"csv{n}@example.org", payload, "en"])
    data = {"file": (io.BytesIO(out.getvalue().encode()), "roster.csv"), "only_good_rows": "y"}
    response = as_facilitator.post(f"/cohorts/{cohort.id}/upload", data=data, content_type="multipart/form-data")
    _ok(response, "upload")
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(User).where(User.email.like("csv%@example.org"))) \
        == len(PAYLOADS), response.get_data(as_text=True)[-2000:]
