"""The permission matrix: every cohort and admin route × who is asking.

Roles: anonymous, a learner of the cohort, a facilitator of this cohort ("own"), a
facilitator of another cohort ("other") and an admin. A refusal never changes the database.
"""
import io
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lms.cohorts import permissions, services
from lms.cohorts.models import Cohort
from lms.core.db import utcnow
from lms.extensions import db

ROLES = ["anonymous", "learner", "own", "other", "admin"]


@pytest.fixture
def world(make, make_cohort, make_organisation, make_invited):
    own, own2, other = (make.user(role="facilitator") for _ in range(3))
    spare = make.user(role="facilitator")
    learner, learner_b = make.user(), make.user()
    invited = make_invited()
    course, course2 = make.course(), make.course()
    cohort = make_cohort(facilitator=own, learners=[learner, invited], courses=[course], name="Cohort Alpha")
    services.add_facilitator(cohort, own2, user=own, now=utcnow())
    sibling = make_cohort(facilitator=own, name="Cohort Alpha Two")
    foreign = make_cohort(facilitator=other, learners=[learner_b], name="Cohort Bravo")
    organisation = make_organisation()
    organisation2 = make_organisation("Ministry of Foreign Affairs")
    db.session.commit()
    return SimpleNamespace(own=own, own2=own2, other=other, spare=spare, learner=learner, learner_b=learner_b,
                           invited=invited,
                           admin=make.user(role="admin"), cohort=cohort, sibling=sibling, foreign=foreign,
                           course=course, course2=course2, organisation=organisation,
                           organisation2=organisation2)


def csv_file():
    return (io.BytesIO(b"name,email\nNew Person,new.person@example.org\n"), "learners.csv")


# (scope, method, url(w), data(w))
ROUTES = {
    "members": ("cohort", "GET", lambda w: f"/cohorts/{w.cohort.id}/members", None),
    "settings": ("cohort", "GET", lambda w: f"/cohorts/{w.cohort.id}/settings", None),
    "upload form": ("cohort", "GET", lambda w: f"/cohorts/{w.cohort.id}/upload", None),
    "move page": ("cohort", "GET", lambda w: f"/cohorts/{w.cohort.id}/members/{w.learner.id}/move", None),
    "save settings": ("cohort", "POST", lambda w: f"/cohorts/{w.cohort.id}/settings",
                      lambda w: {"name": "Renamed", "status": "active", "organisation_id": "None"}),
    "assign course": ("cohort", "POST", lambda w: f"/cohorts/{w.cohort.id}/courses",
                      lambda w: {"course_id": w.course2.id}),
    "unassign course": ("cohort", "POST", lambda w: f"/cohorts/{w.cohort.id}/courses/{w.course.id}/remove",
                        lambda w: {}),
    "add facilitator": ("cohort", "POST", lambda w: f"/cohorts/{w.cohort.id}/facilitators",
                        lambda w: {"email": w.spare.email}),
    "remove facilitator": ("cohort", "POST",
                           lambda w: f"/cohorts/{w.cohort.id}/facilitators/{w.own2.id}/remove", lambda w: {}),
    "remove learner": ("cohort", "POST", lambda w: f"/cohorts/{w.cohort.id}/members/{w.learner.id}/remove",
                       lambda w: {"confirmed": "1"}),
    "move learner": ("cohort", "POST", lambda w: f"/cohorts/{w.cohort.id}/members/{w.learner.id}/move",
                     lambda w: {"target_id": w.sibling.id}),
    "resend invitation": ("cohort", "POST", lambda w: f"/cohorts/{w.cohort.id}/members/{w.invited.id}/invite",
                          lambda w: {}),
    "rotate code": ("cohort", "POST", lambda w: f"/cohorts/{w.cohort.id}/join-code", lambda w: {"action": "rotate"}),
    "disable code": ("cohort", "POST", lambda w: f"/cohorts/{w.cohort.id}/join-code", lambda w: {"action": "disable"}),
    "upload csv": ("cohort", "POST", lambda w: f"/cohorts/{w.cohort.id}/upload", lambda w: {"file": csv_file()}),
    "cohort list": ("facilitator", "GET", lambda w: "/cohorts", None),
    "new cohort form": ("facilitator", "GET", lambda w: "/cohorts/new", None),
    "create cohort": ("facilitator", "POST", lambda w: "/cohorts/new",
                      lambda w: {"name": "Fresh", "status": "planned", "organisation_id": "None"}),
    "admin home": ("admin", "GET", lambda w: "/admin", None),
    "admin organisations": ("admin", "GET", lambda w: "/admin/organisations", None),
    "admin organisation": ("admin", "GET", lambda w: f"/admin/organisations/{w.organisation.id}", None),
    "admin users": ("admin", "GET", lambda w: "/admin/users", None),
    "admin cohorts": ("admin", "GET", lambda w: "/admin/cohorts", None),
    "admin create organisation": ("admin", "POST", lambda w: "/admin/organisations",
                                  lambda w: {"name": "NHRI of Chile", "kind": "nhri", "country": "CL"}),
    "admin edit organisation": ("admin", "POST", lambda w: f"/admin/organisations/{w.organisation.id}",
                                lambda w: {"name": "Renamed ministry", "kind": "sur_ministry", "country": "KE"}),
    "admin change role": ("admin", "POST", lambda w: f"/admin/users/{w.learner.id}/role",
                          lambda w: {"role": "facilitator", "confirmed": "1"}),
    "admin deactivate": ("admin", "POST", lambda w: f"/admin/users/{w.learner.id}/active",
                         lambda w: {"active": "0", "confirmed": "1"}),
    "admin user page": ("admin", "GET", lambda w: f"/admin/users/{w.learner.id}", None),
    "admin edit user": ("admin", "POST", lambda w: f"/admin/users/{w.learner.id}",
                        lambda w: {"name": "Renamed learner", "email": w.learner.email}),
    "admin send reset": ("admin", "POST", lambda w: f"/admin/users/{w.learner.id}/reset", lambda w: {}),
    "admin send invitation": ("admin", "POST", lambda w: f"/admin/users/{w.invited.id}/invite", lambda w: {}),
    "admin anonymise": ("admin", "POST", lambda w: f"/admin/users/{w.learner_b.id}/anonymise",
                        lambda w: {"confirmed": "1"}),
    "admin merge organisations": ("admin", "POST", lambda w: f"/admin/organisations/{w.organisation.id}/merge",
                                  lambda w: {"other_id": w.organisation2.id, "keep": "other", "confirmed": "1"}),
    "admin delete organisation": ("admin", "POST", lambda w: f"/admin/organisations/{w.organisation.id}/delete",
                                  lambda w: {"confirmed": "1", "detach": "1"}),
}


READ_ONLY_POSTS = {"resend invitation"}  # sends a mail, writes nothing


def expected(scope: str, role: str):
    if role == "anonymous":
        return "login"
    allowed = {"cohort": {"own", "admin"}, "facilitator": {"own", "other", "admin"}, "admin": {"admin"}}[scope]
    return "ok" if role in allowed else 403


def snapshot():
    db.session.rollback()
    return {table.name: sorted(map(repr, db.session.execute(select(table)).all()))
            for table in db.metadata.sorted_tables if table.name != "login_failure"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(ROUTES))
def test_route_matrix(client, login, world, role, name):
    scope, method, url, data = ROUTES[name]
    if role != "anonymous":
        login({"learner": world.learner, "own": world.own, "other": world.other, "admin": world.admin}[role])
    before = snapshot() if method == "POST" else None
    response = client.open(url(world), method=method, data=data(world) if data else None)
    outcome = expected(scope, role)
    if outcome == "login":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif outcome == 403:
        assert response.status_code == 403
        assert "Cohort Alpha" not in response.get_data(as_text=True)
    else:
        assert response.status_code in ((200,) if method == "GET" or name == "upload csv" else (302,)), \
            response.get_data(as_text=True)[:800]
    if method == "POST":
        after = snapshot()
        if outcome != "ok":
            assert after == before, "a refused POST changed data"
        elif name not in READ_ONLY_POSTS:
            assert after != before, "an allowed POST changed nothing"


def test_unknown_cohort_is_404_for_admin_and_facilitator(client, login, world):
    login(world.own)
    assert client.get("/cohorts/999999/members").status_code == 404
    assert client.post("/cohorts/999999/join-code", data={"action": "rotate"}).status_code == 404


def test_facilitator_cannot_move_a_learner_into_a_cohort_they_do_not_run(client, login, world):
    login(world.own)
    before = snapshot()
    response = client.post(f"/cohorts/{world.cohort.id}/members/{world.learner.id}/move",
                           data={"target_id": world.foreign.id})
    assert response.status_code == 403
    assert snapshot() == before


def test_facilitator_cannot_act_on_a_learner_of_another_cohort_through_their_own(client, login, world):
    login(world.own)
    before = snapshot()
    for action in ("remove", "move", "invite"):
        response = client.post(f"/cohorts/{world.cohort.id}/members/{world.learner_b.id}/{action}",
                               data={"target_id": world.sibling.id})
        assert response.status_code == 404, action
    assert snapshot() == before


def test_predicates_and_query_filter_agree(world):
    for user, visible in [(world.own, {"Cohort Alpha", "Cohort Alpha Two"}), (world.other, {"Cohort Bravo"}),
                          (world.admin, {"Cohort Alpha", "Cohort Alpha Two", "Cohort Bravo"})]:
        names = set(db.session.scalars(permissions.visible_cohorts(select(Cohort.name), user)))
        assert names == visible
        for cohort in (world.cohort, world.sibling, world.foreign):
            assert permissions.can_manage_cohort(user, cohort) == (cohort.name in visible)
    assert not permissions.can_view_cohort(world.learner, world.cohort)
    assert permissions.is_learner_of(world.learner, world.cohort)
    assert permissions.can_view_learner(world.own, world.learner, world.cohort)
    assert not permissions.can_view_learner(world.other, world.learner, world.cohort)
    assert not permissions.can_view_learner(world.own, world.learner_b, world.cohort)
    assert permissions.can_create_cohort(world.own) and not permissions.can_create_cohort(world.learner)
    assert permissions.can_move_learner(world.own, world.cohort, world.sibling)
    assert not permissions.can_move_learner(world.own, world.cohort, world.foreign)


def test_posts_without_a_csrf_token_are_refused_and_change_nothing(csrf_app, make, make_cohort):
    facilitator = make.user(role="facilitator")
    learner = make.user()
    cohort = make_cohort(facilitator=facilitator, learners=[learner])
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/login", data={"email": facilitator.email, "password": "correct horse battery staple",
                                       "csrf_token": token}).status_code == 302
    before = snapshot()
    for url, data in [(f"/cohorts/{cohort.id}/join-code", {"action": "rotate"}),
                      (f"/cohorts/{cohort.id}/members/{learner.id}/remove", {}),
                      (f"/cohorts/{cohort.id}/settings", {"name": "Hijacked", "status": "active"}),
                      ("/cohorts/new", {"name": "Forged", "status": "active"}),
                      (f"/join/{cohort.join_code}", {})]:
        assert client.post(url, data=data).status_code == 400, url
    assert snapshot() == before


def test_control_characters_in_names_are_refused(client, login, make, make_cohort):
    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator)
    login(facilitator)
    response = client.post(f"/cohorts/{cohort.id}/settings",
                           data={"name": "Evil\r\nBcc: x@example.org", "status": "active", "organisation_id": "None"})
    assert response.status_code == 400
    assert "single line" in response.get_data(as_text=True)
