"""Messaging a cohort: who each audience picks, one e-mail per learner in their language, the
preview, double submits, bad input, permissions, and the learner's side on My learning."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from lms.auth.models import User
from lms.catalog.models import Module, Question, Quiz
from lms.cohorts import audience
from lms.cohorts.models import (
    CohortInvitation,
    CohortMember,
    CohortMessage,
    CohortMessageRecipient,
    Organisation,
)
from lms.core.models import AuditEvent, OutboxMessage
from lms.extensions import db
from tests.dashboards.conftest import NOW, Dash

KEY = "k" * 24


@pytest.fixture
def frozen():
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yield NOW


def _count(model, *where):
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _message():
    db.session.rollback()
    return db.session.scalar(select(CohortMessage).order_by(CohortMessage.id))


class World:
    """A cohort whose learners stand in different places, another cohort, and people who must
    never receive anything: a removed learner, an invited person, a deactivated account."""

    def __init__(self, make):
        dash = Dash(make)
        self.course = make.course(modules=2, lessons=2, questions=3)
        self.m1, self.m2 = db.session.scalars(select(Module).where(Module.course_id == self.course.id)
                                              .order_by(Module.position)).all()
        self.quiz1 = db.session.scalar(select(Quiz).where(Quiz.module_id == self.m1.id))
        questions = db.session.scalars(select(Question).where(Question.quiz_id == self.quiz1.id)).all()
        self.facilitator = make.user(role="facilitator", name="Fatima Facilitator")
        self.cohort = dash.cohort(self.course, facilitator=self.facilitator)
        org = Organisation(name="Ministry of Justice", kind="sur_ministry", country="KE")
        db.session.add(org)
        db.session.commit()
        self.org = org
        self.ana = dash.learner(self.cohort, name="Ana Alves", locale="en", organisation_id=org.id)
        dash.module_lessons(self.ana, self.m1)
        dash.attempt(self.ana, self.quiz1, {q: 1 for q in questions})
        self.bruno = dash.learner(self.cohort, name="Bruno Blanc", locale="fr", organisation_id=org.id)
        lesson = self.m1_lessons()[0]
        dash.lesson(self.bruno, lesson, completed=False)
        self.chen = dash.learner(self.cohort, name="Chen Castro", locale="es")                    # never began
        self.dina = dash.learner(self.cohort, name="Dina Duarte", locale="fr",
                                 joined_at=NOW - timedelta(days=1))                              # just joined
        self.gita = dash.learner(self.cohort, name="Gita Gomez")
        dash.attempt(self.gita, self.quiz1, {q: 0 for q in questions})
        dash.attempt(self.gita, self.quiz1, {q: 0 for q in questions})                           # failed twice
        self.eve = dash.learner(self.cohort, name="Eve Removed")
        db.session.execute(db.update(CohortMember).where(CohortMember.user_id == self.eve.id)
                           .values(removed_at=NOW - timedelta(days=3)))
        db.session.commit()
        self.frank = dash.learner(self.cohort, name="Frank Frozen", active=False)                # deactivated
        self.ivan = make.user(name="Ivan Invited")
        db.session.add(CohortInvitation(cohort_id=self.cohort.id, user_id=self.ivan.id, name="Ivan",
                                        invited_at=NOW - timedelta(days=2)))
        self.other_facilitator = make.user(role="facilitator")
        self.other = dash.cohort(self.course, facilitator=self.other_facilitator, name="Other cohort")
        self.outsider = dash.learner(self.other, name="Olga Outsider")
        db.session.commit()

    def m1_lessons(self):
        from lms.catalog.models import Lesson

        return db.session.scalars(select(Lesson).where(Lesson.module_id == self.m1.id).order_by(Lesson.position)).all()

    def data(self, **changes):
        values = {"subject": "Workshop on Tuesday", "body": "Dear all,\nthe workshop starts at 9.", "language": "en",
                  "audience": "everyone", "course_id": self.course.id, "module_id": self.m1.id,
                  "module_state": "not_reached", "organisation_id": self.org.id, "key": KEY}
        values.update(changes)
        return {k: v for k, v in values.items() if v is not None}

    def send(self, client, expected, **changes):
        return client.post(f"/cohorts/{self.cohort.id}/messages/new",
                           data=self.data(confirmed="1", expected=str(expected), **changes))


@pytest.fixture
def world(make, frozen):
    return World(make)


def _names(selection):
    return sorted(r.name.split()[0] for r in selection.recipients)


@pytest.mark.parametrize("kind, extra, expected", [
    ("everyone", {}, ["Ana", "Bruno", "Chen", "Dina", "Gita"]),
    ("at_risk", {}, ["Chen", "Gita"]),
    ("not_started", {}, ["Chen"]),                       # Dina is in her grace period
    ("organisation", {}, ["Ana", "Bruno"]),
    ("module", {"state": "not_reached"}, ["Chen", "Dina"]),
    ("module", {"state": "in_progress"}, ["Bruno", "Gita"]),
    ("module", {"state": "completed"}, ["Ana"]),
    ("module", {"state": "passed_quiz"}, ["Ana"]),
])
def test_each_filter_picks_exactly_the_right_learners(world, kind, extra, expected):
    choices = audience.options(world.cohort)
    chosen = audience.Audience(kind=kind, course_id=world.course.id, organisation_id=world.org.id,
                               module_id=world.m1.id, **extra)
    assert chosen.problem(choices) is None
    selection = audience.select_recipients(world.cohort, chosen, choices, now=NOW)
    assert _names(selection) == expected
    assert selection.invited == 1                       # Ivan, who has not joined, is never a recipient
    assert selection.deactivated == (1 if kind in ("everyone", "at_risk", "not_started") or
                                     (kind, extra.get("state")) == ("module", "not_reached") else 0)


def test_the_second_module_has_been_reached_by_nobody(world):
    choices = audience.options(world.cohort)
    chosen = audience.Audience(kind="module", module_id=world.m2.id, state="not_reached")
    selection = audience.select_recipients(world.cohort, chosen, choices, now=NOW)
    assert _names(selection) == ["Ana", "Bruno", "Chen", "Dina", "Gita"]


def test_the_preview_names_the_recipients_and_sends_nothing(client, login, world):
    login(world.facilitator)
    page = client.get(f"/cohorts/{world.cohort.id}/messages/new")
    assert page.status_code == 200
    assert re.search(r'name="key" type="hidden" value="[A-Za-z0-9_-]{16,}"', page.get_data(as_text=True))
    response = client.post(f"/cohorts/{world.cohort.id}/messages/new", data=world.data(audience="at_risk"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This goes to 2 learners" in html and "Chen, Gita" in html and "Send to 2 learners" in html
    assert "1 person invited to the cohort has not joined yet" in html
    assert "1 learner this choice picks has a deactivated account" in html
    assert _count(CohortMessage) == 0 and _count(OutboxMessage) == 0


def test_each_recipient_gets_one_mail_in_their_language(client, login, world, smtp_server):
    login(world.facilitator)
    response = world.send(client, 5, subject_fr="Atelier mardi", body_fr="Bonjour,\nl'atelier commence à 9 h.")
    assert response.status_code == 303
    message = _message()
    assert response.headers["Location"].endswith(f"/cohorts/{world.cohort.id}/messages/{message.id}")
    mails = {m["To"]: m for m in smtp_server.messages}
    assert sorted(mails) == sorted(u.email for u in (world.ana, world.bruno, world.chen, world.dina, world.gita))
    for french in (world.bruno, world.dina):
        assert mails[french.email]["Subject"] == "Atelier mardi"
        assert "l'atelier commence à 9 h." in mails[french.email].get_content()
    for other in (world.ana, world.chen, world.gita):   # Chen reads Spanish: no Spanish version was given
        assert mails[other.email]["Subject"] == "Workshop on Tuesday"
        assert "the workshop starts at 9." in mails[other.email].get_content()
    assert f"http://localhost/messages/{message.id}" in mails[world.chen.email].get_content()
    assert message.recipient_count == 5 and message.translations == {
        "fr": {"subject": "Atelier mardi", "body": "Bonjour,\nl'atelier commence à 9 h."}}
    languages = dict(db.session.execute(select(CohortMessageRecipient.user_id, CohortMessageRecipient.language)).all())
    assert languages == {world.ana.id: "en", world.bruno.id: "fr", world.chen.id: "en", world.dina.id: "fr",
                         world.gita.id: "en"}
    assert _count(AuditEvent, AuditEvent.action == "cohort.message_sent") == 1


def test_removed_invited_and_deactivated_people_and_other_cohorts_get_nothing(client, login, world, smtp_server):
    login(world.facilitator)
    assert world.send(client, 5).status_code == 303
    received = {m["To"] for m in smtp_server.messages}
    for never in (world.eve, world.ivan, world.frank, world.outsider, world.facilitator):
        assert never.email not in received


def test_the_same_form_posted_twice_sends_once(client, login, world, smtp_server):
    login(world.facilitator)
    first = world.send(client, 2, audience="organisation")
    again = world.send(client, 2, audience="organisation")
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert "already sent" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert _count(CohortMessage) == 1 and _count(CohortMessageRecipient) == 2
    assert len(smtp_server.messages) == 2
    assert _count(AuditEvent, AuditEvent.action == "cohort.message_sent") == 1


def test_previewing_again_after_sending_makes_a_new_message(client, login, world):
    login(world.facilitator)
    world.send(client, 2, audience="organisation")
    preview = client.post(f"/cohorts/{world.cohort.id}/messages/new", data=world.data(audience="organisation"))
    key = re.search(r'name="key" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    assert key != KEY
    assert world.send(client, 2, audience="organisation", key=key).status_code == 303
    assert _count(CohortMessage) == 2


def test_when_the_audience_changed_since_the_preview_it_is_shown_again(client, login, world):
    login(world.facilitator)
    response = world.send(client, 3, audience="organisation")      # the preview said 3; now it is 2
    assert response.status_code == 200
    assert "changed since the preview" in response.get_data(as_text=True)
    assert _count(CohortMessage) == 0


@pytest.mark.parametrize("changes, error", [
    ({"subject": ""}, "Give the message a subject."),
    ({"subject": "x" * 201}, "Keep the subject under 200 characters."),
    ({"body": ""}, "Write the message."),
    ({"body": "x" * 10_001}, "Keep the message under 10000 characters."),
    ({"subject": "Line one\nline two"}, "Use a single line"),
    ({"body": "bell \x07"}, "Remove the control characters"),
    ({"subject_fr": "Atelier"}, "both a subject and a message"),
    ({"audience": "organisation", "organisation_id": "999999"}, "Choose an organisation."),
    ({"audience": "module", "module_id": "999999"}, "Choose a module."),
    ({"audience": "module", "module_state": "asleep"}, "Choose where the learners are"),
    ({"audience": "everybody"}, "Not a valid choice"),
    ({"audience": "at_risk", "course_id": "999999"}, "Choose a course."),
    ({"key": ""}, "This form has expired"),
    ({"audience": "module", "module_id": "MODULE2", "module_state": "completed"}, "No learner who can receive"),
])
def test_bad_input_is_a_400_with_the_reason_and_nothing_is_sent(client, login, world, changes, error):
    if changes.get("module_id") == "MODULE2":
        changes["module_id"] = world.m2.id
    login(world.facilitator)
    response = world.send(client, 5, **changes)
    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
    assert _count(CohortMessage) == 0 and _count(OutboxMessage) == 0


def test_a_body_of_exactly_10000_characters_with_line_breaks_is_accepted(client, login, world):
    login(world.facilitator)
    body = "\r\n".join(["a" * 99] * 100) + "b"        # 10,000 characters once CR LF is one line break
    assert world.send(client, 5, body=body).status_code == 303
    assert len(_message().body) == 10_000


def test_the_list_and_the_message_page_show_what_went_to_whom(client, login, world):
    login(world.facilitator)
    world.send(client, 2, audience="organisation", body="See <b>this</b>: https://example.org/a?b=1&c=2.")
    listing = client.get(f"/cohorts/{world.cohort.id}/messages").get_data(as_text=True)
    assert "Workshop on Tuesday" in listing and "Learners from Ministry of Justice" in listing
    assert "2 learners" in listing and "Fatima Facilitator" in listing
    message = _message()
    page = client.get(f"/cohorts/{world.cohort.id}/messages/{message.id}").get_data(as_text=True)
    assert "Ana Alves" in page and "Bruno Blanc" in page and "Chen Castro" not in page
    assert "&lt;b&gt;this&lt;/b&gt;" in page and "<b>this</b>" not in page
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">' in page


def test_a_facilitator_of_another_cohort_and_a_learner_are_refused(client, login, world):
    login(world.facilitator)
    world.send(client, 5)
    message = _message()
    base = f"/cohorts/{world.cohort.id}/messages"
    for someone in (world.other_facilitator, world.ana):
        client.post("/logout")
        login(someone)
        for url in (base, f"{base}/new", f"{base}/{message.id}"):
            assert client.get(url).status_code == 403, (someone.name, url)
        assert world.send(client, 5, key="z" * 24).status_code == 403
    assert _count(CohortMessage) == 1
    client.post("/logout")
    login(world.other_facilitator)      # their own cohort's URL does not reach my message either
    assert client.get(f"/cohorts/{world.other.id}/messages/{message.id}").status_code == 404
    assert client.get(f"/cohorts/{world.other.id}/messages/999999").status_code == 404


def test_a_learner_reads_the_message_on_my_learning_in_their_language(client, login, world):
    login(world.facilitator)
    world.send(client, 2, audience="organisation", subject_fr="Atelier mardi", body_fr="L'atelier commence à 9 h.")
    message = _message()
    client.post("/logout")
    login(world.bruno)
    home = client.get("/learning").get_data(as_text=True)
    assert 'id="messages-heading"' in home and "Atelier mardi" in home      # in French, for Bruno
    assert f'href="/messages/{message.id}"' in home
    page = client.get(f"/messages/{message.id}")
    assert page.status_code == 200 and "atelier commence à 9 h." in page.get_data(as_text=True)
    client.post("/logout")
    login(world.ana)
    assert "Workshop on Tuesday" in client.get("/learning").get_data(as_text=True)
    client.post("/logout")
    login(world.chen)                   # not from the organisation: did not receive it
    assert "Workshop on Tuesday" not in client.get("/learning").get_data(as_text=True)
    assert client.get(f"/messages/{message.id}").status_code == 404
    assert "Workshop on Tuesday" not in client.get("/messages").get_data(as_text=True)


def test_my_learning_shows_messages_only_from_cohorts_the_learner_is_still_in(client, login, world):
    login(world.facilitator)
    world.send(client, 5)
    message = _message()
    db.session.rollback()
    db.session.execute(db.update(CohortMember).where(CohortMember.user_id == world.chen.id)
                       .values(removed_at=NOW))
    db.session.commit()
    client.post("/logout")
    login(world.chen)
    assert "Workshop on Tuesday" not in client.get("/learning").get_data(as_text=True)
    assert client.get(f"/messages/{message.id}").status_code == 200      # what they received stays theirs


def test_my_learning_reads_the_messages_in_one_query_however_many(client, login, world, count_queries):
    login(world.facilitator)
    world.send(client, 5)
    client.post("/logout")
    login(world.ana)
    with count_queries() as one:
        client.get("/learning")
    client.post("/logout")
    login(world.facilitator)
    for n in range(4):
        world.send(client, 5, key=f"{n}" * 24, subject=f"Message {n}")
    client.post("/logout")
    login(world.ana)
    with count_queries() as five:
        html = client.get("/learning").get_data(as_text=True)
    assert one.count == five.count
    assert "Message 3" in html and "Message 0" not in html     # the latest three, newest first
    assert html.index("Message 3") < html.index("Message 2") < html.index("Message 1")


def _bulk_cohort(make, dash, course, facilitator, size):
    cohort = dash.cohort(course, facilitator=facilitator, name=f"Cohort of {size}")
    start = db.session.scalar(select(func.count(User.id)))
    ids = db.session.execute(insert(User).returning(User.id), [
        {"email": f"bulk-{size}-{start}-{n}@example.org", "name": f"Bulk {n}", "role": "learner",
         "locale": ("en", "fr", "es")[n % 3], "password_hash": "x"} for n in range(size)]).scalars().all()
    db.session.execute(insert(CohortMember), [
        {"cohort_id": cohort.id, "user_id": uid, "role": "learner", "joined_at": NOW - timedelta(weeks=4)}
        for uid in ids])
    db.session.commit()
    return cohort


@pytest.mark.parametrize("kind", ["everyone", "at_risk", "module"])
def test_sending_costs_the_same_queries_for_20_and_200_learners(client, login, make, frozen, count_queries,
                                                                kind):
    dash = Dash(make)
    course = make.course(modules=2, lessons=2, questions=3)
    module = db.session.scalar(select(Module).where(Module.course_id == course.id).order_by(Module.position))
    facilitator = make.user(role="facilitator")
    cohorts = {n: _bulk_cohort(make, dash, course, facilitator, n) for n in (20, 200)}
    login(facilitator)
    counts = {}
    for n, cohort in cohorts.items():
        data = {"subject": "Hello", "body": "Text", "language": "en", "audience": kind, "course_id": course.id,
                "module_id": module.id, "module_state": "not_reached", "key": f"key-{n}-" + "x" * 20,
                "confirmed": "1", "expected": str(n)}
        with count_queries() as counter:
            response = client.post(f"/cohorts/{cohort.id}/messages/new", data=data)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        counts[n] = counter.count
    assert counts[20] == counts[200], counts
    assert _count(OutboxMessage, OutboxMessage.kind == "cohort_message") == 220


def test_two_posts_racing_past_the_check_still_send_once(client, login, world, smtp_server, monkeypatch):
    from lms.cohorts import messaging

    login(world.facilitator)
    first = world.send(client, 2, audience="organisation")
    real, calls = messaging.sent_with_key, []

    def not_yet_committed(key):      # what a second post sees while the first is still sending
        calls.append(key)
        return None if len(calls) <= 2 else real(key)

    monkeypatch.setattr(messaging, "sent_with_key", not_yet_committed)
    again = world.send(client, 2, audience="organisation")
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert len(calls) == 3            # the view's check, the service's, then the look-up after the refusal
    assert _count(CohortMessage) == 1 and len(smtp_server.messages) == 2


@pytest.mark.parametrize("text, html", [
    ("a < b & c", "<p>a &lt; b &amp; c</p>"),
    ("one\ntwo\n\n\nthree", "<p>one<br>two</p><p>three</p>"),
    ("see https://example.org/x.", '<p>see <a href="https://example.org/x" rel="noopener noreferrer">'
                                   'https://example.org/x</a>.</p>'),
    ("javascript:alert(1) and <script>x</script>", "<p>javascript:alert(1) and &lt;script&gt;x&lt;/script&gt;</p>"),
    ('"https://example.org/"onclick=x', '<p>"<a href="https://example.org/" rel="noopener noreferrer">'
                                        'https://example.org/</a>"onclick=x</p>'),
])
def test_a_message_body_is_plain_text(text, html):
    from lms.core.markup import render_plain_text

    assert str(render_plain_text(text)) == html


def test_a_french_facilitator_writes_in_french_and_an_english_version_reaches_english_readers(
        client, login, make, world, smtp_server):
    french = make.user(role="facilitator", locale="fr")
    db.session.add(CohortMember(cohort_id=world.cohort.id, user_id=french.id, role="facilitator"))
    db.session.commit()
    login(french)
    form = client.get(f"/cohorts/{world.cohort.id}/messages/new").get_data(as_text=True)
    assert 'name="language" type="hidden" value="fr"' in form
    assert 'name="subject_en"' in form and 'name="subject_fr"' not in form
    response = world.send(client, 2, audience="organisation", language="fr", subject="Atelier mardi",
                          body="L'atelier commence à 9 h.", subject_en="Workshop on Tuesday",
                          body_en="The workshop starts at 9.")
    assert response.status_code == 303
    mails = {m["To"]: m["Subject"] for m in smtp_server.messages}
    assert mails == {world.ana.email: "Workshop on Tuesday", world.bruno.email: "Atelier mardi"}


def test_a_cohort_without_courses_can_still_message_everyone(client, login, make, frozen, smtp_server):
    dash = Dash(make)
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(None, facilitator=facilitator)
    learner = dash.learner(cohort)
    login(facilitator)
    form = client.get(f"/cohorts/{cohort.id}/messages/new").get_data(as_text=True)
    assert 'value="everyone"' in form and 'value="at_risk"' not in form and 'value="module"' not in form
    data = {"subject": "Welcome", "body": "Hello", "language": "en", "audience": "everyone", "key": KEY}
    assert client.post(f"/cohorts/{cohort.id}/messages/new", data={**data, "audience": "at_risk"}).status_code == 400
    assert client.post(f"/cohorts/{cohort.id}/messages/new",
                       data={**data, "confirmed": "1", "expected": "1"}).status_code == 303
    assert [m["To"] for m in smtp_server.messages] == [learner.email]


def test_an_admin_may_message_any_cohort(client, login, make, world):
    login(make.user(role="admin"))
    assert client.get(f"/cohorts/{world.cohort.id}/messages/new").status_code == 200
    assert world.send(client, 5).status_code == 303
