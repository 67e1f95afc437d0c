"""Admin pages: overview figures, organisations, users (role, deactivate), all cohorts."""
from datetime import timedelta

from sqlalchemy import select

from lms.auth.models import User
from lms.cohorts.models import Organisation
from lms.core.db import utcnow
from lms.core.models import AuditEvent
from lms.extensions import db
from lms.learning.models import Enrollment


def build_platform(make, make_organisation, learners_per_org: int):
    kenya = make_organisation("Ministry of Justice", "sur_ministry", "KE")
    chile = make_organisation("INDH Chile", "nhri", "CL")
    course = make.course()
    for organisation in (kenya, chile):
        for n in range(learners_per_org):
            learner = make.user(organisation_id=organisation.id)
            db.session.add(Enrollment(user_id=learner.id, course_id=course.id,
                                      completed_at=utcnow() - timedelta(days=1) if n % 2 == 0 else None))
    make.user()  # a learner with no organisation
    db.session.commit()
    return course


def test_overview_counts_learners_by_country_and_kind_and_completions(client, login, make, make_organisation):
    course = build_platform(make, make_organisation, learners_per_org=2)
    login(make.user(role="admin"))
    page = client.get("/admin").get_data(as_text=True)
    assert "<td>Kenya</td><td>2</td>" in page
    assert "<td>Chile</td><td>2</td>" in page
    assert "<td>Not known</td><td>1</td>" in page
    assert "<td>National human rights institution</td><td>2</td>" in page
    assert "<td>No organisation</td><td>1</td>" in page
    assert f"{course.title}" in page and "<td>4</td><td>2</td>" in page


def test_overview_query_count_does_not_grow(client, login, make, make_organisation, count_queries):
    admin = make.user(role="admin")
    build_platform(make, make_organisation, learners_per_org=1)
    login(admin)
    with count_queries() as small:
        client.get("/admin")
    db.session.rollback()
    for n in range(3):
        organisation = make_organisation(f"Org {n}", "cso", "SN")
        for _ in range(5):
            make.user(organisation_id=organisation.id)
    make.course()
    with count_queries() as large:
        client.get("/admin")
    assert small.count == large.count


def test_organisations_create_edit_and_refuse_duplicates(client, login, make, make_organisation):
    admin = make.user(role="admin")
    existing = make_organisation("Ministry of Justice")
    login(admin)
    response = client.post("/admin/organisations", data={"name": "INDH Chile", "kind": "nhri", "country": "CL"})
    assert response.status_code == 302
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert "INDH Chile" in page and "Chile" in page and "National human rights institution" in page
    response = client.post("/admin/organisations", data={"name": "ministry OF justice", "kind": "cso"})
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)
    response = client.post("/admin/organisations", data={"name": "X", "kind": "club", "country": "ZZ"})
    assert response.status_code == 400
    response = client.post(f"/admin/organisations/{existing.id}",
                           data={"name": "Ministry of Justice and Human Rights", "kind": "sur_ministry", "country": "ke"})
    assert response.status_code == 400   # country codes come from the list, upper case
    response = client.post(f"/admin/organisations/{existing.id}",
                           data={"name": "Ministry of Justice and Human Rights", "kind": "sur_ministry", "country": "KE"})
    assert response.status_code == 302
    organisation = make.fresh(existing)
    assert (organisation.name, organisation.country) == ("Ministry of Justice and Human Rights", "KE")
    assert client.get("/admin/organisations/999999").status_code == 404
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"organisation.created", "organisation.updated"} <= actions


def test_users_search_and_pages(client, login, make, count_queries):
    admin = make.user(role="admin", name="Ada Admin")
    make.user(name="Zoë Search", email="zoe@example.org")
    login(admin)
    page = client.get("/admin/users?q=ZOË").get_data(as_text=True)
    assert "zoe@example.org" in page and "Ada Admin" not in page
    page = client.get("/admin/users?role=admin").get_data(as_text=True)
    assert "Ada Admin" in page and "zoe@example.org" not in page
    with count_queries() as small:
        client.get("/admin/users", headers={"HX-Request": "true"})
    db.session.rollback()
    for n in range(60):
        make.user(name=f"Bulk {n:02d}")
    with count_queries() as large:
        page = client.get("/admin/users", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert small.count == large.count
    assert "<html" not in page and "Page 1 of 2" in page
    assert "Page 2 of 2" in client.get("/admin/users?page=2").get_data(as_text=True)


def test_change_role_and_deactivate_are_audited_and_end_sessions(client, login, make, app):
    admin = make.user(role="admin")
    target = make.user(email="target@example.org")
    target_client = login(target, c=app.test_client())
    login(admin)
    assert client.post(f"/admin/users/{target.id}/role", data={"role": "facilitator", "confirmed": "1"}).status_code == 302
    assert target_client.get("/cohorts").status_code == 302          # old session ended: log in again
    assert login(target, c=target_client).get("/cohorts").status_code == 200
    assert client.post(f"/admin/users/{target.id}/active", data={"active": "0", "confirmed": "1"}).status_code == 302
    assert target_client.get("/cohorts").status_code == 302
    response = target_client.post("/login", data={"email": "target@example.org", "password": make.PASSWORD})
    assert response.status_code == 403 and "deactivated" in response.get_data(as_text=True)
    assert client.post(f"/admin/users/{target.id}/active", data={"active": "1", "confirmed": "1"}).status_code == 302
    db.session.rollback()
    events = [(e.action, e.actor_id, e.target_id, e.data) for e in db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.id))]
    assert events == [
        ("user.role_changed", admin.id, target.id, {"old": "learner", "new": "facilitator"}),
        ("user.deactivated", admin.id, target.id, {}),
        ("user.reactivated", admin.id, target.id, {}),
    ]


def test_admin_cannot_lock_themselves_out(client, login, make):
    admin = make.user(role="admin")
    login(admin)
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "learner"})
    assert response.status_code == 409 and "your own role" in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    assert response.status_code == 409
    assert make.fresh(admin).role == "admin" and admin.active
    assert client.post("/admin/users/999999/role", data={"role": "learner"}).status_code == 404
    assert client.post(f"/admin/users/{admin.id}/role", data={"role": "king"}).status_code == 400


def test_all_cohorts_with_facilitators_and_status_filter(client, login, make, make_cohort):
    fatou = make.user(role="facilitator", name="Fatou Facilitator")
    make_cohort(facilitator=fatou, name="Running cohort")
    make_cohort(name="Old cohort", status="archived")
    login(make.user(role="admin"))
    page = client.get("/admin/cohorts").get_data(as_text=True)
    assert "Running cohort" in page and "Old cohort" in page and "Fatou Facilitator" in page
    page = client.get("/admin/cohorts?status=archived").get_data(as_text=True)
    assert "Old cohort" in page and "Running cohort" not in page


def test_organisation_form_lists_countries_in_the_users_language(client, login, make):
    admin = make.user(role="admin", locale="fr")
    login(admin)
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert '<option value="DE">Allemagne</option>' in page
    assert db.session.scalar(select(User.locale).where(User.id == admin.id)) == "fr"
    assert db.session.scalar(select(Organisation)) is None
