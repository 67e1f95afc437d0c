"""The admin's audit log page: who did what to whose data and when, filters, pages, the CSV."""
import csv
import io
from datetime import UTC, datetime

from sqlalchemy import select

from lms.badges import services as badge_services
from lms.badges.codes import display
from lms.cohorts import services as cohort_services
from lms.core import audit, audit_queries
from lms.core.db import utcnow
from lms.core.models import AuditEvent
from lms.extensions import db


def _page(response) -> str:
    return response.get_data(as_text=True)


def _event(actor, action, target, *, at, subject=None, **data) -> AuditEvent:
    event = audit.record(actor, action, target, subject=subject, **data)
    event.at = at
    db.session.commit()
    return event


def _award(make, user):
    award, _created = badge_services.award_badge(user, make.course(modules=1, lessons=1, questions=2,
                                                                   final_questions=3), now=utcnow())
    db.session.commit()
    return award


def _rows(page: str) -> str:
    """The table body only (the filter form lists every action too)."""
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""


def test_only_admins_see_the_audit_log(client, login, make):
    assert client.get("/admin/audit").status_code == 302
    for role in ("learner", "facilitator"):
        login(make.user(role=role))
        assert client.get("/admin/audit").status_code == 403
        assert client.get("/admin/audit.csv").status_code == 403
    login(make.user(role="admin"))
    assert client.get("/admin/audit").status_code == 200


def test_revoke_and_reinstate_appear_in_words_with_the_learner_and_the_reason(client, login, make):
    admin = make.user(role="admin", name="Ada Admin")
    learner = make.user(name="Lucía Learner")
    award = _award(make, learner)
    code = display(award.short_code)
    login(admin)
    client.post(f"/admin/badges/{award.uuid}/revoke", data={"confirmed": "1", "reason": "Wrong account"})
    client.post(f"/admin/badges/{award.uuid}/reinstate", data={"confirmed": "1", "reason": "Right account after all"})
    rows = _rows(_page(client.get("/admin/audit")))
    assert rows.index("Reinstated a badge") < rows.index("Revoked a badge") < rows.index("Awarded a badge")
    assert "Ada Admin" in rows and "Lucía Learner" in rows and "System" in rows  # the automatic award
    assert "Wrong account" in rows and "Right account after all" in rows
    assert f'href="/admin/badges?q={code}"' in rows


def test_filters_who_whose_what_and_when(client, login, make):
    admin = make.user(role="admin", name="Ada Admin", email="ada@example.org", timezone="America/Bogota")
    other = make.user(role="admin", name="Bruno Boss", email="bruno@example.org")
    alice, bob = make.user(name="Alice Learner"), make.user(name="Bob Learner", email="bob@example.org")
    _event(other, "user.role_changed", alice, at=datetime(2025, 3, 2, 3, 0, tzinfo=UTC), old="learner",
           new="facilitator")  # 1 March, 22:00 in Bogotá
    _event(admin, "user.deactivated", bob, at=datetime(2025, 3, 5, 12, 0, tzinfo=UTC))
    _event(other, "user.reactivated", bob, at=datetime(2025, 3, 9, 12, 0, tzinfo=UTC))
    login(admin)

    def shown(query: str) -> str:
        response = client.get(f"/admin/audit?{query}")
        assert response.status_code == 200, query
        return _rows(_page(response))

    everything = shown("")
    assert all(label in everything for label in ("Changed a role", "Deactivated an account", "Reactivated an account"))
    by_who = shown("who=bruno@")
    assert "Changed a role" in by_who and "Reactivated an account" in by_who and "Deactivated" not in by_who
    assert "Deactivated an account" in shown("who=ada+admin") and "Changed a role" not in shown("who=ada+admin")
    by_whose = shown("whose=bob")
    assert "Changed a role" not in by_whose and "Deactivated an account" in by_whose
    assert "Reactivated an account" in by_whose
    by_what = shown("what=user.deactivated")
    assert "Deactivated an account" in by_what and "Reactivated" not in by_what
    first_day = shown("since=2025-03-01&until=2025-03-01")  # dates in the admin's time zone
    assert "Changed a role" in first_day and "Deactivated" not in first_day
    middle = shown("since=2025-03-02&until=2025-03-08")
    assert "Deactivated an account" in middle and "Changed a role" not in middle and "Reactivated" not in middle
    assert "Reactivated an account" in shown("since=2025-03-09") and "Changed a role" in shown("until=2025-03-01")
    assert "No event matches these filters." in _page(client.get("/admin/audit?who=bruno&what=user.deactivated"))
    # The role change shows its data; the "what" list offers only the actions present.
    assert "facilitator" in everything
    page = _page(client.get("/admin/audit"))
    assert 'value="user.deactivated"' in page and 'value="badge.revoked"' not in page


def test_bad_filters_are_form_errors(client, login, make):
    login(make.user(role="admin"))
    for query in ("since=yesterday", "until=2025-13-40", "since=2025-03-09&until=2025-03-01", "what=user.nothing",
                  "who=" + "x" * 101):
        response = client.get(f"/admin/audit?{query}")
        assert response.status_code == 400, query
        assert "error" in _page(response)
    assert "before the start date" in _page(client.get("/admin/audit?since=2025-03-09&until=2025-03-01"))
    assert client.get("/admin/audit.csv?since=yesterday").status_code == 400


def test_targets_are_linked(client, login, make):
    admin = make.user(role="admin")
    cohort = cohort_services.create_cohort(user=admin, now=utcnow(), name="Geneva workshop")
    db.session.commit()
    target = make.user(name="Target Person", email="target@example.org")
    _event(admin, "user.deactivated", target, at=utcnow())
    login(admin)
    rows = _rows(_page(client.get("/admin/audit")))
    assert f'href="/cohorts/{cohort.id}' in rows and "Geneva workshop" in rows
    assert "/admin/users" in rows and "Target Person" in rows


def test_newest_first_and_paginated(client, login, make, monkeypatch):
    admin = make.user(role="admin")
    people = [make.user(name=f"Person {n:02d}") for n in range(5)]
    for n, person in enumerate(people):
        _event(admin, "user.deactivated", person, at=datetime(2025, 3, 1 + n, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(audit_queries, "EVENTS_PER_PAGE", 2)
    login(admin)
    one = _page(client.get("/admin/audit"))
    assert "Page 1 of 3" in one and "5 events" in one
    rows = _rows(one)
    assert rows.index("Person 04") < rows.index("Person 03") and "Person 02" not in rows
    last = _page(client.get("/admin/audit?page=3&what=user.deactivated"))
    assert "Person 00" in _rows(last) and "Person 01" not in _rows(last)
    assert 'href="/admin/audit?page=2&amp;what=user.deactivated"' in last


def test_csv_export_follows_the_filters(client, login, make):
    admin = make.user(role="admin", name="Ada Admin", email="ada@example.org")
    learner = make.user(name="=HYPERLINK(1)", email="learner@example.org")
    _event(admin, "user.role_changed", learner, at=datetime(2025, 3, 1, 12, 0, tzinfo=UTC), old="learner",
           new="facilitator")
    _event(admin, "user.deactivated", learner, at=datetime(2025, 3, 2, 12, 0, tzinfo=UTC))
    login(admin)
    response = client.get("/admin/audit.csv?what=user.role_changed")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header, *rows = list(csv.reader(io.StringIO(_page(response).lstrip("\ufeff"))))
    assert header[:4] == ["When (UTC)", "Who", "Who (e-mail)", "What"]
    assert len(rows) == 1
    assert rows[0][:5] == ["2025-03-01 12:00", "Ada Admin", "ada@example.org", "Changed a role", "user.role_changed"]
    assert rows[0][6] == "'=HYPERLINK(1)"  # a spreadsheet reads it as text
    assert '"new": "facilitator"' in rows[0][8]


def test_the_page_runs_a_fixed_number_of_queries(client, login, make, count_queries):
    admin = make.user(role="admin")
    learner = make.user()
    award = _award(make, learner)
    cohort = cohort_services.create_cohort(user=admin, now=utcnow(), name="Cohort")
    db.session.commit()
    login(admin)

    def add(count: int) -> None:
        existing = db.session.scalar(select(db.func.count(AuditEvent.id)))
        for n in range(existing, count):
            target = (learner, award, cohort)[n % 3]
            audit.record(admin, ("user.deactivated", "badge.revoked", "cohort.updated")[n % 3], target,
                         subject=learner, reason=f"Reason {n}")
        db.session.commit()

    def measure() -> int:
        with count_queries() as counter:
            assert client.get("/admin/audit").status_code == 200
        return counter.count

    add(10)
    small = measure()
    add(100)
    assert measure() == small
    with count_queries() as counter:
        assert client.get("/admin/audit.csv").get_data(as_text=True).count("\n") == 101  # and the header
    add(150)
    with count_queries() as more:
        assert client.get("/admin/audit.csv").get_data(as_text=True).count("\n") == 151
    assert more.count == counter.count


def test_facilitator_actions_on_a_learner_are_found_by_whose_data(client, login, make):
    facilitator = make.user(role="facilitator", name="Fatou Facilitator")
    learner = make.user(name="Lena Learner", email="lena@example.org")
    newcomer = make.user(name="Nils Newcomer")
    newcomer.password_hash = None  # added before invitations had their own list: never chose a password
    cohort = cohort_services.create_cohort(user=facilitator, now=utcnow(), name="Dakar workshop")
    cohort_services.add_learners(cohort, [learner.id, newcomer.id], now=utcnow())
    db.session.commit()
    login(facilitator)
    assert client.post(f"/cohorts/{cohort.id}/members/{newcomer.id}/invite").status_code == 302
    assert client.post(f"/cohorts/{cohort.id}/members/{learner.id}/remove", data={"confirmed": "1"}).status_code == 302
    login(make.user(role="admin"))
    lena = _rows(_page(client.get("/admin/audit?whose=lena")))
    assert "Removed a learner from a cohort" in lena and "Fatou Facilitator" in lena and "Dakar workshop" in lena
    assert "Sent an invitation again" not in lena
    nils = _rows(_page(client.get("/admin/audit?whose=nils")))
    assert "Sent an invitation again" in nils and "Removed a learner" not in nils
