"""Reminders: the at-risk list, e-mails that arrive, rows that record them, and bad requests."""
import re
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.cohorts.models import Reminder
from lms.core.models import AuditEvent
from lms.extensions import db

from .conftest import NOW
from .test_risks import rows


@pytest.fixture
def at_risk(make, dash, frozen):
    course = make.course(modules=1, lessons=2, questions=0, final=False)
    facilitator = make.user(role="facilitator", name="Fatou Facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, due_on=(NOW + timedelta(days=10)).date())
    never = dash.learner(cohort, name="Nora Never", email="nora@example.org")
    idle = dash.learner(cohort, name="Ivan Idle", email="ivan@example.org")
    busy = dash.learner(cohort, name="Bea Busy", email="bea@example.org")
    from lms.catalog.models import Lesson

    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.id))
    dash.lesson(idle, lesson, at=NOW - timedelta(days=20))
    dash.lesson(busy, lesson, at=NOW - timedelta(days=1))
    other = dash.cohort(course, name="Other")
    stranger = dash.learner(other, name="Sam Stranger")
    return cohort, course, facilitator, never, idle, busy, stranger


def _count(model):
    db.session.rollback()  # end the test's read snapshot, to see what the requests wrote
    return db.session.scalar(select(db.func.count()).select_from(model))


def test_the_at_risk_page_lists_who_and_why(client, login, at_risk):
    cohort, course, facilitator, never, idle, busy, stranger = at_risk
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/at-risk").get_data(as_text=True)
    # due in 10 days: half the course done is behind the pace by now
    assert [(name, status) for name, status, _reason in rows(html)] == [
        ("Ivan Idle", "stuck"), ("Nora Never", "not_started"), ("Bea Busy", "behind")]
    assert "Sam Stranger" not in html
    relaxed = client.get(f"/cohorts/{cohort.id}/at-risk?days=30").get_data(as_text=True)
    assert [(name, status) for name, status, _reason in rows(relaxed)] == [
        ("Nora Never", "not_started"), ("Bea Busy", "behind"), ("Ivan Idle", "behind")]


def test_reminders_are_mailed_recorded_and_audited(client, login, at_risk, smtp_server):
    cohort, course, facilitator, never, idle, busy, stranger = at_risk
    login(facilitator)
    response = client.post(f"/cohorts/{cohort.id}/remind",
                           data={"learners": [never.id, idle.id], "course": course.id, "days": 14})
    assert response.status_code == 302 and f"/cohorts/{cohort.id}/at-risk" in response.headers["Location"]
    assert sorted(m["To"] for m in smtp_server.messages) == ["ivan@example.org", "nora@example.org"]
    nora = next(m for m in smtp_server.messages if m["To"] == "nora@example.org")
    assert course.title in nora["Subject"]
    body = nora.get_content()
    assert "Hello Nora Never" in body and "Fatou Facilitator" in body and "not started the course yet" in body
    assert "http://localhost/" in body
    db.session.rollback()
    reminders = db.session.scalars(select(Reminder).order_by(Reminder.user_id)).all()
    assert [(r.user_id, r.reason, r.sent_by_id, r.cohort_id) for r in reminders] == [
        (never.id, "not_started,behind", facilitator.id, cohort.id), (idle.id, "stuck,behind", facilitator.id, cohort.id)]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort.remind"))
    assert sorted(event.data["sent"]) == sorted([never.id, idle.id]) and event.actor_id == facilitator.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reminders sent to 2 learners." in page
    assert "Mar 2, 2026" in page        # "last reminded" column, in the locale's date format


def test_a_deactivated_or_deleted_account_is_not_mailed(client, login, at_risk, smtp_server):
    cohort, course, facilitator, never, idle, busy, stranger = at_risk
    idle.active = False
    db.session.commit()
    login(facilitator)
    client.post(f"/cohorts/{cohort.id}/remind", data={"learners": [never.id, idle.id], "course": course.id, "days": 14})
    assert [m["To"] for m in smtp_server.messages] == ["nora@example.org"]


def test_a_second_click_within_24_hours_sends_nothing_more(client, login, at_risk, smtp_server):
    cohort, course, facilitator, never, idle, busy, stranger = at_risk
    login(facilitator)
    data = {"learners": [never.id], "course": course.id}
    client.post(f"/cohorts/{cohort.id}/remind", data=data)
    response = client.post(f"/cohorts/{cohort.id}/remind", data=data, follow_redirects=True)
    assert len(smtp_server.messages) == 1 and _count(Reminder) == 1
    assert "Not sent again (reminded in the last 24 hours): Nora Never" in response.get_data(as_text=True)


@pytest.mark.parametrize("learners", [[], ["abc"], "stranger", "mixed", "facilitator"])
def test_bad_choices_send_nothing(client, login, at_risk, smtp_server, learners):
    cohort, course, facilitator, never, idle, busy, stranger = at_risk
    chosen = {"stranger": [stranger.id], "mixed": [never.id, stranger.id], "facilitator": [facilitator.id]}
    login(facilitator)
    response = client.post(f"/cohorts/{cohort.id}/remind",
                           data={"learners": chosen.get(learners, learners) if isinstance(learners, str) else learners,
                                 "course": course.id})
    assert response.status_code == 400
    assert smtp_server.messages == [] and _count(Reminder) == 0
    if learners == []:
        assert "Choose at least one learner to remind." in response.get_data(as_text=True)


def test_a_reminder_for_a_course_the_cohort_does_not_have_is_404(client, login, at_risk, make, smtp_server):
    cohort, course, facilitator, never, idle, busy, stranger = at_risk
    login(facilitator)
    response = client.post(f"/cohorts/{cohort.id}/remind", data={"learners": [never.id], "course": 999999})
    assert response.status_code == 404 and smtp_server.messages == []


def test_a_reminder_waits_in_the_outbox_while_the_mail_server_is_down(app, client, login, at_risk):
    from lms.core import outbox
    from lms.core.models import OutboxMessage

    cohort, course, facilitator, never, idle, busy, stranger = at_risk
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port)
    login(facilitator)
    response = client.post(f"/cohorts/{cohort.id}/remind", data={"learners": [never.id], "course": course.id},
                           follow_redirects=True)
    assert response.status_code == 200 and "Reminder sent to 1 learner" in response.get_data(as_text=True)
    with app.app_context():
        assert outbox.deliver_due() == (0, 1)
    assert _count(Reminder) == 1
    db.session.rollback()
    (waiting,) = db.session.scalars(select(OutboxMessage)).all()
    assert waiting.to_address == "nora@example.org" and waiting.state == "pending"


def test_reminding_needs_the_csrf_token(csrf_app, at_risk, smtp_server):
    cohort, course, facilitator, never, idle, busy, stranger = at_risk
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    token = next(t for t in token.groups() if t)
    client.post("/login", data={"email": facilitator.email, "password": "correct horse battery staple",
                                "csrf_token": token})
    response = client.post(f"/cohorts/{cohort.id}/remind", data={"learners": [never.id], "course": course.id})
    assert response.status_code == 400 and smtp_server.messages == []


def test_a_french_speaking_learner_gets_the_reminder_in_french(client, login, at_risk, smtp_server):
    from flask_babel import force_locale, gettext

    cohort, course, facilitator, never, idle, busy, stranger = at_risk
    never.locale = "fr"
    course.translations = {"fr": {"title": "Cours en français"}}
    db.session.commit()
    login(facilitator)   # the facilitator works in English
    client.post(f"/cohorts/{cohort.id}/remind", data={"learners": [never.id], "course": course.id, "days": 14})
    mail = smtp_server.messages[0]
    with force_locale("fr"):
        subject = gettext("A reminder about your course “%(title)s”", title="Cours en français")
        hello = gettext("Hello %(name)s,", name="Nora Never")
        not_started = gettext("You have not started the course yet. The first lesson takes only a few minutes.")
    assert subject != f"A reminder about your course “{course.title}”"        # the catalogue has it in French
    assert mail["Subject"] == subject
    body = mail.get_content()
    assert hello in body and not_started in body and "not started the course yet" not in body


def test_reminding_many_learners_costs_a_fixed_number_of_statements(app, make, dash, count_queries):
    from lms.auth.models import User
    from lms.cohorts.models import CohortMember
    from lms.core.db import utcnow
    from lms.core.models import OutboxMessage
    from lms.dashboards.services import send_reminders

    course = make.course(modules=1, lessons=1, questions=1, final=False)
    facilitator = make.user(role="facilitator")
    counts = []
    for size in (20, 200):
        cohort = dash.cohort(course, facilitator=facilitator, learners=size)
        people = db.session.scalars(select(User).join(CohortMember, CohortMember.user_id == User.id).where(
            CohortMember.cohort_id == cohort.id, CohortMember.role == "learner")).all()
        with app.test_request_context(), count_queries() as counter:
            outcome = send_reminders(cohort, people, course=course, due_on=None, reasons={}, user=facilitator,
                                     now=utcnow())
        db.session.commit()
        assert len(outcome.sent) == size
        counts.append(counter.count)
    assert counts[0] == counts[1]
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 220
