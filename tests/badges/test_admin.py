"""Badge administration: the admin tab, manual awards, the awards list, and revoking and
reinstating from it behind a confirmation, the learner told by e-mail."""
import re

from sqlalchemy import func, select

from lms.badges import queries
from lms.badges.codes import display
from lms.badges.models import BadgeAward
from lms.core.models import AuditEvent, OutboxMessage
from lms.extensions import db


def _page(response) -> str:
    return response.get_data(as_text=True)


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_badges_and_audit_log_are_admin_tabs(client, login, make):
    login(make.user(role="admin"))
    page = _page(client.get("/admin"))
    assert 'href="/admin/badges"' in page and 'href="/admin/audit"' in page
    badges = _page(client.get("/admin/badges"))
    assert 'href="/admin/users"' in badges  # the badges page sits in the admin layout
    assert re.search(r'<a href="/admin/badges"\s+aria-current="page"', badges)


def test_admin_pages_are_for_admins_only(client, login, make, award_for):
    award = award_for()
    learner, facilitator = make.user(), make.user(role="facilitator")
    assert client.get("/admin/badges").status_code == 302
    for person in (learner, facilitator):
        login(person)
        assert client.get("/admin/badges").status_code == 403
        assert client.post("/admin/badges", data={"award-email": person.email}).status_code == 403
        for change in ("revoke", "reinstate"):
            response = client.post(f"/admin/badges/{award.uuid}/{change}", data={"confirmed": "1", "reason": "x"})
            assert response.status_code == 403
    assert make.fresh(award).status() == "valid"
    assert _count(AuditEvent) == 1  # the award itself


def test_admin_awards_with_a_reason(client, login, make, small_course):
    admin, learner, course = make.user(role="admin"), make.user(name="Carlos Pérez"), small_course()
    login(admin)
    assert course.title in _page(client.get("/admin/badges"))
    response = client.post("/admin/badges", data={
        "award-email": learner.email, "award-course": course.slug,
        "award-reason": "Completed the course on paper in Bogotá"})
    assert response.status_code == 302
    db.session.rollback()
    award = db.session.scalar(select(BadgeAward))
    assert award.awarded_by_id == admin.id and award.award_reason == "Completed the course on paper in Bogotá"
    listed = _page(client.get("/admin/badges"))
    assert "Carlos Pérez" in listed and display(award.short_code) in listed

    again = client.post("/admin/badges", data={
        "award-email": learner.email, "award-course": course.slug, "award-reason": "Twice"})
    assert again.status_code == 409 and "already holds this badge" in _page(again)


def test_admin_bad_input_writes_nothing(client, login, make, small_course):
    admin, course = make.user(role="admin"), small_course()
    login(admin)
    cases = [
        ({"award-email": "nobody@example.org", "award-course": course.slug, "award-reason": "x"}, 404,
         "No account uses that e-mail address"),
        ({"award-email": admin.email, "award-course": course.slug, "award-reason": ""}, 400, None),
        ({"award-email": admin.email, "award-course": "nope", "award-reason": "x"}, 400, None),
        ({}, 400, None),
    ]
    for data, status, message in cases:
        response = client.post("/admin/badges", data=data)
        assert response.status_code == status, data
        if message:
            assert message in _page(response)
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.post(f"/admin/badges/{unknown}/revoke", data={"confirmed": "1", "reason": "x"}).status_code == 404
    assert client.post("/admin/badges/not-a-uuid/revoke").status_code == 404
    assert _count(BadgeAward) == 0 and _count(AuditEvent) == 0


def test_revoking_needs_the_confirmation_and_a_reason(client, login, make, award_for, smtp_server):
    admin, learner = make.user(role="admin"), make.user(name="Amélie Núñez")
    award = award_for(user=learner)
    code = display(award.short_code)
    login(admin)
    listed = _page(client.get("/admin/badges"))
    assert f'action="/admin/badges/{award.uuid}/revoke"' in listed

    first = client.post(f"/admin/badges/{award.uuid}/revoke")
    page = _page(first)
    assert first.status_code == 200
    assert "public and immediate" in page and code in page and "Amélie Núñez" in page
    assert 'name="confirmed" value="1"' in page and 'name="reason"' in page
    assert make.fresh(award).status() == "valid" and _count(OutboxMessage) == 0

    empty = client.post(f"/admin/badges/{award.uuid}/revoke", data={"confirmed": "1", "reason": "   "})
    assert empty.status_code == 400 and "Give a reason for the revocation." in _page(empty)
    assert make.fresh(award).status() == "valid" and _count(OutboxMessage) == 0
    assert _count(AuditEvent) == 1

    done = client.post(f"/admin/badges/{award.uuid}/revoke?q=N%C3%BA%C3%B1ez",
                       data={"confirmed": "1", "reason": "Issued to the wrong account"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/admin/badges?q=N%C3%BA%C3%B1ez")
    award = make.fresh(award)
    assert award.status() == "revoked" and award.revoked_by_id == admin.id
    assert award.revocation_reason == "Issued to the wrong account"
    verify = _page(client.get(f"/verify/{code}"))
    assert "Revoked" in verify and "Issued to the wrong account" in verify
    (mail,) = smtp_server.messages
    assert mail["To"] == learner.email and "revoked" in mail["Subject"]
    body = mail.get_content()
    assert f"http://localhost/verify/{code}" in body and "Issued to the wrong account" in body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "badge.revoked"))
    assert (event.actor_id, event.subject_id, event.data["reason"]) == (admin.id, learner.id,
                                                                       "Issued to the wrong account")
    # A second revocation is refused before any confirmation.
    again = client.post(f"/admin/badges/{award.uuid}/revoke")
    assert again.status_code == 409 and "already revoked" in _page(again)
    assert _count(AuditEvent) == 2


def test_reinstating_makes_the_badge_valid_again_and_tells_the_learner(client, login, make, award_for,
                                                                        smtp_server):
    from tests.badges.conftest import revoke

    admin, learner = make.user(role="admin"), make.user()
    award = revoke(award_for(user=learner), reason="Suspected fraud")
    code = display(award.short_code)
    assert len(smtp_server.messages) == 1  # the revocation's
    login(admin)
    assert f'action="/admin/badges/{award.uuid}/reinstate?status=revoked"' in _page(client.get("/admin/badges?status=revoked"))
    assert client.post(f"/admin/badges/{award.uuid}/revoke").status_code == 409

    first = client.post(f"/admin/badges/{award.uuid}/reinstate")
    assert first.status_code == 200 and "valid again" in _page(first) and "Suspected fraud" in _page(first)
    assert make.fresh(award).status() == "revoked"
    empty = client.post(f"/admin/badges/{award.uuid}/reinstate", data={"confirmed": "1", "reason": ""})
    assert empty.status_code == 400 and "Give a reason for reinstating the badge." in _page(empty)
    assert make.fresh(award).status() == "revoked"

    done = client.post(f"/admin/badges/{award.uuid}/reinstate",
                       data={"confirmed": "1", "reason": "Fraud claim withdrawn"})
    assert done.status_code == 303
    award = make.fresh(award)
    assert award.status() == "valid" and award.revocation_reason is None and award.revoked_by_id is None
    verify = _page(client.get(f"/verify/{code}"))
    assert "Valid" in verify and "Suspected fraud" not in verify
    mails = smtp_server.messages
    assert len(mails) == 2
    assert mails[1]["To"] == learner.email and "valid again" in mails[1]["Subject"]
    assert f"/verify/{code}" in mails[1].get_content() and "Fraud claim withdrawn" in mails[1].get_content()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "badge.reinstated"))
    assert event.actor_id == admin.id and event.subject_id == learner.id
    assert event.data["reason"] == "Fraud claim withdrawn" and event.data["revocation_reason"] == "Suspected fraud"
    assert client.post(f"/admin/badges/{award.uuid}/reinstate").status_code == 409


def test_the_learner_is_told_in_their_language(client, login, make, award_for, small_course):
    course = small_course()
    course.translations = {"fr": {"title": "Cours en français", "badge_name": "Insigne de l'EPU"}}
    db.session.commit()
    learner = make.user(locale="fr")
    award = award_for(user=learner, course=course)
    login(make.user(role="admin"))
    client.post(f"/admin/badges/{award.uuid}/revoke", data={"confirmed": "1", "reason": "Erreur"})
    db.session.rollback()
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == learner.email))
    assert mail.language == "fr" and mail.kind == "badge_revoked"
    assert "Insigne de l'EPU" in mail.subject and "Bonjour" in mail.body


def test_deleting_ones_own_account_revokes_without_a_mail(make, award_for):
    from lms.badges import services
    from lms.core.db import utcnow

    learner = make.user()
    award = award_for(user=learner)
    services.revoke_badge(learner, award, reason="Account deleted", now=utcnow())
    db.session.commit()
    assert _count(OutboxMessage) == 0


def test_the_list_is_searchable_and_paginated(client, login, make, award_for, small_course, monkeypatch):
    first, second = small_course(), small_course()
    zoe = award_for(course=first, name="Zoë Target", email="zoe@example.org")
    others = [award_for(course=second) for _ in range(3)]
    login(make.user(role="admin"))

    def listed(query: str) -> str:
        return _page(client.get(f"/admin/badges?{query}"))

    assert "Zoë Target" in listed("q=zoë") and "Zoë Target" in listed("q=ZOE@EXAMPLE")
    assert "Zoë Target" not in listed("q=nobody-matches")
    by_course = listed(f"q={first.title}")
    assert "Zoë Target" in by_course and display(others[0].short_code) not in by_course
    by_code = listed(f"q={display(others[1].short_code).lower()}")
    assert "1 award" in by_code and display(others[1].short_code) in by_code
    assert "4 awards" in listed("status=valid") and "0 awards" in listed("status=revoked")

    monkeypatch.setattr(queries, "AWARDS_PER_PAGE", 3)
    one, two = listed(""), listed("page=2")
    assert "Page 1 of 2" in one and "Page 2 of 2" in two
    assert display(zoe.short_code) in two and display(zoe.short_code) not in one  # the oldest last
    assert "Page 2 of 2" in listed("page=99")
    fragment = client.get("/admin/badges?q=zo", headers={"HX-Request": "true"})
    assert "Zoë Target" in _page(fragment) and "<html" not in _page(fragment)


def test_the_list_runs_a_fixed_number_of_queries(client, login, make, award_for, small_course, count_queries):
    from tests.badges.conftest import revoke

    course = small_course()
    award_for(course=course)
    login(make.user(role="admin"))

    def measure():
        with count_queries() as counter:
            assert client.get("/admin/badges").status_code == 200
        return counter.count

    small = measure()
    for n in range(6):
        award = award_for(course=course)
        if n % 2:
            revoke(award)
    assert measure() == small
