"""The admin's user page: details, edit, role and deactivation behind a confirmation, reset and
invitation mails, enrolments and cohorts, anonymisation; permissions and refusals."""
import re

import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.cohorts import admin_services
from lms.cohorts.services import CohortError
from lms.core.models import AuditEvent
from lms.extensions import db
from lms.learning.models import Enrollment


def events(action=None):
    db.session.rollback()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def fresh_user(user_id) -> User:
    db.session.rollback()
    return db.session.get(User, user_id)


def test_the_user_page_shows_details_enrolments_and_cohorts(client, login, make, make_cohort, make_organisation):
    organisation = make_organisation("INDH Chile", "nhri", "CL")
    course = make.course()
    learner = make.user(name="Lena Learner", email="lena@example.org", organisation_id=organisation.id, locale="fr")
    cohort = make_cohort(learners=[learner], courses=[course], name="Santiago 2026")
    login(make.user(role="admin"))
    listing = client.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{learner.id}"' in listing
    page = client.get(f"/admin/users/{learner.id}").get_data(as_text=True)
    assert "<h1>Lena Learner</h1>" in page and "lena@example.org" in page and "Français" in page
    assert f'href="/admin/organisations/{organisation.id}">INDH Chile</a>' in page
    assert "Last login" in page and "Never" in page
    assert course.title in page and "0 of 7 items" in page
    assert f'href="/cohorts/{cohort.id}/members">Santiago 2026</a>' in page
    assert f'href="/cohorts/{cohort.id}/learners/{learner.id}"' in page
    assert client.get("/admin/users/999999").status_code == 404


def test_the_user_page_costs_the_same_queries_whatever_the_history(client, login, make, make_cohort, count_queries):
    learner = make.user()
    make_cohort(learners=[learner], courses=[make.course()])
    login(make.user(role="admin"))
    with count_queries() as small:
        assert client.get(f"/admin/users/{learner.id}").status_code == 200
    db.session.rollback()
    for n in range(3):
        make_cohort(learners=[learner], courses=[make.course(), make.course()], name=f"Cohort {n}")
    with count_queries() as large:
        page = client.get(f"/admin/users/{learner.id}").get_data(as_text=True)
    assert page.count("Progress in this cohort") == 4
    assert small.count == large.count


@pytest.mark.parametrize("role", ["learner", "facilitator"])
def test_non_admins_get_403_on_every_user_action(client, login, make, role):
    target = make.user(email="target@example.org")
    login(make.user(role=role))
    assert client.get(f"/admin/users/{target.id}").status_code == 403
    for path, data in (("", {"name": "X", "email": "x@example.org"}), ("/role", {"role": "admin", "confirmed": "1"}),
                       ("/active", {"active": "0", "confirmed": "1"}), ("/reset", {}), ("/invite", {}),
                       ("/anonymise", {"confirmed": "1"})):
        assert client.post(f"/admin/users/{target.id}{path}", data=data).status_code == 403
    user = fresh_user(target.id)
    assert (user.name, user.email, user.role, user.active, user.deleted_at) == (
        target.name, "target@example.org", "learner", True, None)
    assert events() == []


def test_a_role_change_says_what_the_role_can_do_and_changes_nothing_until_confirmed(client, login, make):
    admin, target = make.user(role="admin"), make.user(name="Tom Target")
    login(admin)
    response = client.post(f"/admin/users/{target.id}/role?back=user", data={"role": "admin"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "An administrator can see every cohort and every learner" in page
    assert 'name="confirmed" value="1"' in page and 'name="role" value="admin"' in page
    assert fresh_user(target.id).role == "learner" and events() == []
    response = client.post(f"/admin/users/{target.id}/role?back=user", data={"role": "admin", "confirmed": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/users/{target.id}")
    assert fresh_user(target.id).role == "admin"
    [event] = events("user.role_changed")
    assert (event.actor_id, event.subject_id, event.data) == (admin.id, target.id, {"old": "learner", "new": "admin"})


def test_demoting_a_facilitator_warns_they_still_facilitate_their_cohorts(client, login, make, make_cohort):
    fatou = make.user(role="facilitator", name="Fatou")
    make_cohort(facilitator=fatou)
    login(make.user(role="admin"))
    page = client.post(f"/admin/users/{fatou.id}/role", data={"role": "learner"}).get_data(as_text=True)
    assert "A learner takes courses" in page and "They still facilitate 1 cohort" in page


def test_deactivation_from_the_list_and_the_page_needs_confirmation(client, login, make, app):
    admin, target = make.user(role="admin"), make.user(name="Dee Active")
    login(admin)
    response = client.post(f"/admin/users/{target.id}/active?q=dee", data={"active": "0"})
    assert response.status_code == 200 and "can no longer log in" in response.get_data(as_text=True)
    assert fresh_user(target.id).active is True
    response = client.post(f"/admin/users/{target.id}/active?q=dee", data={"active": "0", "confirmed": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/users?q=dee")
    assert fresh_user(target.id).active is False
    response = client.post(f"/admin/users/{target.id}/active?back=user", data={"active": "1"})
    assert "can log in again" in response.get_data(as_text=True) and fresh_user(target.id).active is False
    client.post(f"/admin/users/{target.id}/active?back=user", data={"active": "1", "confirmed": "1"})
    assert fresh_user(target.id).active is True
    assert [(e.action, e.subject_id) for e in events()] == [("user.deactivated", target.id),
                                                           ("user.reactivated", target.id)]


def test_an_admin_cannot_demote_deactivate_or_anonymise_themselves(client, login, make):
    admin = make.user(role="admin")
    login(admin)
    for path, data in (("/role", {"role": "learner"}), ("/active", {"active": "0"}), ("/anonymise", {})):
        for confirmed in ({}, {"confirmed": "1"}):
            response = client.post(f"/admin/users/{admin.id}{path}", data={**data, **confirmed})
            assert response.status_code == 409, path
    assert "your own role" in client.post(f"/admin/users/{admin.id}/role", data={"role": "learner"}).get_data(as_text=True)
    user = fresh_user(admin.id)
    assert (user.role, user.active, user.deleted_at) == ("admin", True, None)


def test_the_last_active_admin_cannot_be_demoted(app, make):
    only_admin, facilitator = make.user(role="admin"), make.user(role="facilitator")
    with pytest.raises(CohortError, match="only active administrator"):
        admin_services.change_role(only_admin, "facilitator", user=facilitator)
    other = make.user(role="admin")
    admin_services.change_role(only_admin, "facilitator", user=other)
    assert only_admin.role == "facilitator"


def test_editing_name_and_email_audits_ends_sessions_and_tells_the_old_address(client, login, make, app, smtp_server):
    admin = make.user(role="admin")
    target = make.user(name="Old Name", email="old@example.org")
    make.user(email="taken@example.org")
    target_client = login(target, c=app.test_client())
    login(admin)
    response = client.post(f"/admin/users/{target.id}", data={"name": "New Name", "email": "taken@example.org"})
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{target.id}", data={"name": "New Name", "email": "not an address"})
    assert response.status_code == 400
    assert fresh_user(target.id).email == "old@example.org" and events() == []
    response = client.post(f"/admin/users/{target.id}", data={"name": "New Name", "email": " New@Example.org "})
    assert response.status_code == 302
    user = fresh_user(target.id)
    assert (user.name, user.email) == ("New Name", "new@example.org")
    assert target_client.get("/account").status_code == 302            # logged out everywhere
    assert {(e.action, e.actor_id, e.subject_id) for e in events()} == {
        ("user.email_changed", admin.id, target.id), ("user.renamed", admin.id, target.id)}
    assert all("old@example.org" not in str(e.data) for e in events())
    [notice] = smtp_server.messages
    assert notice["To"] == "old@example.org" and "new@example.org" in notice.get_content()


def test_a_name_change_alone_keeps_the_person_logged_in(client, login, make, app):
    target = make.user(name="Old Name")
    target_client = login(target, c=app.test_client())
    login(make.user(role="admin"))
    assert client.post(f"/admin/users/{target.id}", data={"name": "Other Name", "email": target.email}).status_code == 302
    assert target_client.get("/account").status_code == 200
    assert [e.action for e in events()] == ["user.renamed"]


def test_send_a_password_reset_or_an_invitation(client, login, make, app, smtp_server):
    admin = make.user(role="admin")
    with_password = make.user(email="has@example.org", locale="es")
    without = make.user(email="none@example.org")
    without.password_hash = None
    db.session.commit()
    login(admin)
    assert client.post(f"/admin/users/{with_password.id}/reset").status_code == 302
    assert client.post(f"/admin/users/{without.id}/invite").status_code == 302
    assert client.post(f"/admin/users/{with_password.id}/invite").status_code == 409   # has a password
    reset, invitation = sorted(smtp_server.messages, key=lambda m: m["To"])
    assert reset["To"] == "has@example.org" and "/reset/" in reset.get_content()
    assert reset["Subject"] != "Reset your UPR Academy password"       # in the person's language
    link = re.search(r"http://localhost(/welcome/\S+)", invitation.get_content()).group(1)
    welcome = app.test_client().get(link)
    assert invitation["To"] == "none@example.org" and welcome.status_code == 200
    assert 'type="password"' in welcome.get_data(as_text=True)
    assert [(e.action, e.subject_id) for e in events()] == [("user.password_reset_sent", with_password.id),
                                                           ("user.invitation_sent", without.id)]
    admin_services.set_active(fresh_user(with_password.id), False, user=fresh_user(admin.id))
    db.session.commit()
    assert client.post(f"/admin/users/{with_password.id}/reset").status_code == 409


def test_anonymising_is_confirmed_says_what_is_kept_and_reuses_the_account_deletion(client, login, make, make_cohort):
    admin = make.user(role="admin")
    course = make.course()
    target = make.user(name="Ana Gone", email="ana@example.org")
    make_cohort(learners=[target], courses=[course])
    login(admin)
    response = client.post(f"/admin/users/{target.id}/anonymise")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Kept, with nobody&#39;s name on them" in page
    assert "badges are revoked" in page and "cannot be undone" in page
    assert fresh_user(target.id).name == "Ana Gone"
    response = client.post(f"/admin/users/{target.id}/anonymise", data={"confirmed": "1"})
    assert response.status_code == 302
    user = fresh_user(target.id)
    assert (user.name, user.email, user.active) == ("Deleted account", f"deleted-{target.id}@invalid", False)
    assert user.deleted_at is not None
    assert db.session.scalar(select(Enrollment.user_id).where(Enrollment.course_id == course.id)) == target.id
    [event] = events("user.deleted")
    assert (event.actor_id, event.subject_id) == (admin.id, target.id)
    page = client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert "Anonymised on" in page and "Ana Gone" not in page and "Anonymise…" not in page
    assert client.post(f"/admin/users/{target.id}/anonymise", data={"confirmed": "1"}).status_code == 409
    assert client.post(f"/admin/users/{target.id}/active", data={"active": "1", "confirmed": "1"}).status_code == 409


def test_the_confirmation_step_carries_the_csrf_token(csrf_app, make):
    admin, target = make.user(role="admin"), make.user()
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', login_page).group(1)
    make.end_read_snapshot()
    assert client.post("/login", data={"email": admin.email, "password": make.PASSWORD,
                                       "csrf_token": token}).status_code == 302
    page = client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/admin/users/{target.id}/role", data={"role": "facilitator"}).status_code == 400
    confirmation = client.post(f"/admin/users/{target.id}/role", data={"role": "facilitator", "csrf_token": token})
    token = re.search(r'name="csrf_token" value="([^"]+)"', confirmation.get_data(as_text=True)).group(1)
    response = client.post(f"/admin/users/{target.id}/role",
                           data={"role": "facilitator", "confirmed": "1", "csrf_token": token})
    assert response.status_code == 302 and fresh_user(target.id).role == "facilitator"
