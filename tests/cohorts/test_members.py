"""The members page: list, search, pages, remove, move, invitations, join code."""
import re

from sqlalchemy import select

from lms.cohorts import queries
from lms.cohorts.models import Cohort
from lms.extensions import db
from tests.cohorts.conftest import active_learner_ids


def test_members_page_lists_learners_and_the_join_link(client, login, make, make_cohort, make_invited):
    me = make.user(role="facilitator")
    amina = make.user(name="Amina Diallo", email="amina@example.org")
    invited = make_invited(name="Ines Invited")
    cohort = make_cohort(facilitator=me, learners=[amina, invited], capacity=10)
    login(me)
    page = client.get(f"/cohorts/{cohort.id}/members").get_data(as_text=True)
    assert "Amina Diallo" in page and "amina@example.org" in page
    assert "Invited; no password yet" in page and "Send the invitation again" in page
    assert f"http://localhost/join/{cohort.join_code}" in page
    assert "2 of 10 places taken." in page
    assert "In the cohort (2)" in page


def test_search_state_filter_and_htmx_fragment(client, login, make, make_cohort):
    me = make.user(role="facilitator")
    amina, bruno = make.user(name="Amina Diallo"), make.user(name="Bruno 100%_Sure")
    cohort = make_cohort(facilitator=me, learners=[amina, bruno])
    from lms.cohorts import services
    from lms.core.db import utcnow
    services.remove_learner(cohort, bruno.id, user=me, now=utcnow())
    db.session.commit()
    login(me)
    url = f"/cohorts/{cohort.id}/members"
    page = client.get(url).get_data(as_text=True)
    assert "Amina Diallo" in page and "Bruno" not in page
    page = client.get(url + "?state=removed").get_data(as_text=True)
    assert "Bruno 100%_Sure" in page and "Removed on" in page and "Amina" not in page
    fragment = client.get(url + "?state=all&q=100%25_", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "Bruno" in fragment and "Amina" not in fragment
    assert "No learner matches" in client.get(url + "?q=zzz").get_data(as_text=True)


def test_members_are_paginated_with_a_fixed_number_of_queries(client, login, make, make_cohort, count_queries):
    me = make.user(role="facilitator")
    cohort = make_cohort(facilitator=me, learners=[make.user(name=f"Small {n}") for n in range(3)])
    make_cohort(facilitator=me, name="Other cohort")   # a move target
    login(me)
    url = f"/cohorts/{cohort.id}/members"
    with count_queries() as small:
        assert client.get(url).status_code == 200
    db.session.rollback()
    from lms.cohorts import services
    from lms.core.db import utcnow
    extra = [make.user(name=f"Large {n:03d}") for n in range(queries.MEMBERS_PER_PAGE + 20)]
    services.add_learners(cohort, [u.id for u in extra], now=utcnow())
    db.session.commit()
    with count_queries() as large:
        page = client.get(url).get_data(as_text=True)
    assert small.count == large.count
    assert "Page 1 of 2" in page
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert "Small 2" in second and "Page 2 of 2" in second


def test_remove_keeps_history_and_move_goes_to_my_other_cohort(client, login, make, make_cohort):
    me = make.user(role="facilitator")
    stays, moves = make.user(name="Stays"), make.user(name="Mover")
    cohort = make_cohort(facilitator=me, learners=[stays, moves], name="First")
    target = make_cohort(facilitator=me, name="Second")
    login(me)
    page = client.get(f"/cohorts/{cohort.id}/members").get_data(as_text=True)
    assert f'<option value="{target.id}">Second</option>' in page
    asked = client.post(f"/cohorts/{cohort.id}/members/{stays.id}/remove")
    assert asked.status_code == 200 and "Remove Stays?" in asked.get_data(as_text=True)
    assert stays.id in active_learner_ids(cohort.id)                          # asking changed nothing
    confirmed = {"confirmed": "1"}
    assert client.post(f"/cohorts/{cohort.id}/members/{stays.id}/remove", data=confirmed).status_code == 302
    assert client.post(f"/cohorts/{cohort.id}/members/{stays.id}/remove", data=confirmed).status_code == 404
    response = client.post(f"/cohorts/{cohort.id}/members/{moves.id}/move", data={"target_id": target.id})
    assert response.status_code == 302
    assert "The learner was moved to Second." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert active_learner_ids(cohort.id) == set()
    assert active_learner_ids(target.id) == {moves.id}
    page = client.get(f"/cohorts/{cohort.id}/members?state=removed").get_data(as_text=True)
    assert "Stays" in page and "Mover" in page


def test_move_into_a_full_cohort_says_so(client, login, make, make_cohort):
    me = make.user(role="facilitator")
    learner = make.user()
    cohort = make_cohort(facilitator=me, learners=[learner])
    full = make_cohort(facilitator=me, learners=[make.user()], capacity=1, name="Full one")
    login(me)
    response = client.post(f"/cohorts/{cohort.id}/members/{learner.id}/move", data={"target_id": full.id})
    assert response.status_code == 409
    assert "Full one is full." in response.get_data(as_text=True)
    assert client.post(f"/cohorts/{cohort.id}/members/{learner.id}/move",
                       data={"target_id": 999999}).status_code == 404
    assert client.post(f"/cohorts/{cohort.id}/members/{learner.id}/move", data={}).status_code == 400
    assert active_learner_ids(cohort.id) == {learner.id}


def test_resend_invitation_mails_a_working_link(client, login, make, make_cohort, make_invited, smtp_server):
    me = make.user(role="facilitator")
    invited = make_invited(email="ines@example.org", locale="es")
    cohort = make_cohort(facilitator=me, learners=[invited], name="Cohorte")
    login(me)
    assert client.post(f"/cohorts/{cohort.id}/members/{invited.id}/invite").status_code == 302
    (message,) = smtp_server.messages
    assert message["To"] == "ines@example.org"
    link = re.search(r"http://localhost(/welcome/\S+)", message.get_content()).group(1)
    assert client.get(link).status_code == 200


def test_join_code_buttons(client, login, make, make_cohort, app):
    me = make.user(role="facilitator")
    cohort = make_cohort(facilitator=me)
    old = cohort.join_code
    login(me)
    url = f"/cohorts/{cohort.id}/join-code"
    client.post(url, data={"action": "rotate"})
    db.session.rollback()
    new = db.session.scalar(select(Cohort.join_code))
    assert new != old
    client.post(url, data={"action": "disable"})
    page = client.get(f"/cohorts/{cohort.id}/members").get_data(as_text=True)
    assert "Joining by link and code is switched off." in page and new not in page.split("Learners</h2>")[0]
    visitor = app.test_client()
    assert visitor.get(f"/join/{new}").status_code == 409
    client.post(url, data={"action": "enable"})
    assert visitor.get(f"/join/{new}").status_code == 200
    assert client.post(url, data={"action": "explode"}).status_code == 400


def test_many_target_cohorts_move_through_a_page_of_their_own(client, login, make, make_cohort):
    from lms.cohorts import member_views

    me = make.user(role="facilitator")
    learner = make.user(name="Mover")
    cohort = make_cohort(facilitator=me, learners=[learner], name="Home")
    targets = [make_cohort(facilitator=me, name=f"Target {n:02d}") for n in range(member_views.INLINE_MOVE_TARGETS + 1)]
    login(me)
    page = client.get(f"/cohorts/{cohort.id}/members").get_data(as_text=True)
    move_url = f"/cohorts/{cohort.id}/members/{learner.id}/move"
    assert f'href="{move_url}"' in page and "<select id=\"move-" not in page
    page = client.get(move_url).get_data(as_text=True)
    assert all(f">{t.name}</option>" in page for t in targets) and ">Home</option>" not in page
    assert client.get(f"/cohorts/{cohort.id}/members/999999/move").status_code == 404
    assert client.post(move_url, data={"target_id": targets[-1].id}).status_code == 302
    assert active_learner_ids(targets[-1].id) == {learner.id}
