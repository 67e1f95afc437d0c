"""Bulk actions on the members page (remind, move, remove, export a selection) and the list of
invited people (send again, withdraw)."""
import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.cohorts import services
from lms.cohorts.models import CohortInvitation, Reminder
from lms.core.db import utcnow
from lms.core.models import AuditEvent
from lms.extensions import db
from tests.cohorts.conftest import active_learner_ids


@pytest.fixture
def invite():
    """invite(cohort, account, name=..., response=None) -> CohortInvitation (committed)."""

    def _invite(cohort, account, name="Written Name", response=None, by=None):
        now = utcnow()
        row = CohortInvitation(cohort_id=cohort.id, user_id=account.id, name=name, invited_at=now - timedelta(days=3),
                               sent_at=now - timedelta(days=3), response=response,
                               invited_by_id=getattr(by, "id", None),
                               responded_at=now if response else None)
        db.session.add(row)
        db.session.commit()
        return row

    return _invite


@pytest.fixture
def home(make, make_cohort):
    """A facilitator's cohort on one course with three learners, and a second cohort of theirs."""
    me = make.user(role="facilitator", name="Fatou Facilitator")
    course = make.course()
    amina, bruno, chen = (make.user(name=n, email=f"{n.split()[0].lower()}@example.org")
                          for n in ("Amina Diallo", "Bruno Silva", "Chen Wei"))
    cohort = make_cohort(facilitator=me, learners=[amina, bruno, chen], courses=[course], name="First")
    second = make_cohort(facilitator=me, courses=[course], name="Second")
    return me, course, cohort, second, amina, bruno, chen


def bulk(client, cohort, action, ids=(), **data):
    return client.post(f"/cohorts/{cohort.id}/members/bulk",
                       data={"action": action, "ids": [str(i) for i in ids], **data})


def audit_events(action):
    db.session.rollback()
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
    db.session.rollback()
    return events


# ---- the page -------------------------------------------------------------------------------

def test_each_learner_row_has_a_box_and_the_form_offers_every_action(client, login, home):
    me, course, cohort, second, amina, bruno, chen = home
    login(me)
    page = client.get(f"/cohorts/{cohort.id}/members").get_data(as_text=True)
    assert f'name="ids" value="{amina.id}" form="bulk-members"' in page
    assert "Or all 3 learners in the cohort, not only those ticked" in page
    for label in ("Send a reminder", "Move to another cohort", "Remove from the cohort", "Export (CSV)"):
        assert f">{label}</option>" in page
    assert f'<option value="{second.id}">Second</option>' in page
    searched = client.get(f"/cohorts/{cohort.id}/members?q=bruno").get_data(as_text=True)
    assert "Or all 1 learner that matches “bruno”" in searched
    assert f'name="ids" value="{amina.id}"' not in searched
    removed = client.get(f"/cohorts/{cohort.id}/members?state=removed").get_data(as_text=True)
    assert 'id="bulk-members"' not in removed


# ---- remind ---------------------------------------------------------------------------------

def test_remind_the_ticked_then_all_matching_skips_the_recently_reminded(client, login, home, smtp_server):
    me, course, cohort, second, amina, bruno, chen = home
    login(me)
    response = bulk(client, cohort, "remind", [amina.id, bruno.id])
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reminders sent to 2 learners." in page
    assert sorted(m["To"] for m in smtp_server.messages) == ["amina@example.org", "bruno@example.org"]
    response = bulk(client, cohort, "remind", all_matching="1")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reminder sent to 1 learner." in page
    assert "2 learners were not sent it again (reminded in the last 24 hours" in page
    assert [m["To"] for m in smtp_server.messages][2:] == ["chen@example.org"]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Reminder.id))) == 3


def test_remind_needs_a_course_and_only_one_of_the_cohorts(client, login, make, make_cohort, home):
    me, course, cohort, second, amina, bruno, chen = home
    bare = make_cohort(facilitator=me, learners=[make.user()], name="No course")
    login(me)
    response = bulk(client, bare, "remind", all_matching="1")
    assert response.status_code == 409 and "Assign a course" in response.get_data(as_text=True)
    assert bulk(client, cohort, "remind", [amina.id], course=make.course().id).status_code == 404
    db.session.rollback()
    assert db.session.scalar(select(func.count(Reminder.id))) == 0


# ---- move -----------------------------------------------------------------------------------

def test_move_the_ticked_learners_in_one_go(client, login, home):
    me, course, cohort, second, amina, bruno, chen = home
    login(me)
    response = bulk(client, cohort, "move", [amina.id, bruno.id], target_id=second.id)
    assert response.status_code == 303
    assert "Moved 2 learners to Second." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert active_learner_ids(cohort.id) == {chen.id}
    assert active_learner_ids(second.id) == {amina.id, bruno.id}
    (event,) = audit_events("cohort.learners_moved")
    assert event.data["count"] == 2 and sorted(event.data["user_ids"]) == sorted([amina.id, bruno.id])
    assert event.data["to_cohort_id"] == second.id


def test_move_without_a_target_asks_for_one_and_skips_those_already_there(client, login, home):
    me, course, cohort, second, amina, bruno, chen = home
    services.add_learners(second, [chen.id], now=utcnow())   # Chen is in both
    db.session.commit()
    login(me)
    page = bulk(client, cohort, "move", all_matching="1", q="")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Move 3 learners" in text and ">Second</option>" in text
    assert active_learner_ids(cohort.id) == {amina.id, bruno.id, chen.id}   # nothing yet
    response = bulk(client, cohort, "move", all_matching="1", confirmed="1", target_id=second.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Moved 2 learners to Second." in page
    assert "1 learner is already in Second and was not moved." in page
    assert active_learner_ids(cohort.id) == {chen.id}


def test_move_into_a_cohort_without_room_moves_nobody(client, login, make, make_cohort, home):
    me, course, cohort, second, amina, bruno, chen = home
    small = make_cohort(facilitator=me, learners=[make.user()], capacity=2, name="Small one")
    login(me)
    response = bulk(client, cohort, "move", [amina.id, bruno.id], target_id=small.id)
    assert response.status_code == 409
    assert "Small one has room for 1 more learner only." in response.get_data(as_text=True)
    assert active_learner_ids(cohort.id) == {amina.id, bruno.id, chen.id}
    assert bulk(client, cohort, "move", [amina.id], target_id=cohort.id).status_code == 400
    assert bulk(client, cohort, "move", [amina.id], target_id=999999).status_code == 404
    assert bulk(client, cohort, "move", [amina.id], target_id="many").status_code == 400


# ---- remove ---------------------------------------------------------------------------------

def test_remove_asks_first_saying_how_many_and_that_progress_is_kept(client, login, home):
    me, course, cohort, second, amina, bruno, chen = home
    login(me)
    response = bulk(client, cohort, "remove", [amina.id, bruno.id])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Remove 2 learners from First?" in page and "progress, quiz results and badges are kept" in page
    assert "Amina Diallo, Bruno Silva" in page and 'name="confirmed" value="1"' in page
    assert active_learner_ids(cohort.id) == {amina.id, bruno.id, chen.id}
    response = bulk(client, cohort, "remove", [f"{amina.id},{bruno.id}"], confirmed="1")
    assert response.status_code == 303
    assert "Removed 2 learners." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert active_learner_ids(cohort.id) == {chen.id}
    (event,) = audit_events("cohort.learners_removed")
    assert event.data["count"] == 2 and event.actor_id == me.id


def test_remove_all_matching_asks_again_when_the_list_changed(client, login, make, home):
    me, course, cohort, second, amina, bruno, chen = home
    login(me)
    page = bulk(client, cohort, "remove", all_matching="1", q="example.org").get_data(as_text=True)
    assert "Remove 3 learners from First?" in page and 'name="count" value="3"' in page
    services.add_learners(cohort, [make.user(email="late@example.org").id], now=utcnow())
    db.session.commit()
    response = bulk(client, cohort, "remove", all_matching="1", q="example.org", count="3", confirmed="1")
    assert response.status_code == 200 and "Remove 4 learners from First?" in response.get_data(as_text=True)
    assert len(active_learner_ids(cohort.id)) == 4
    response = bulk(client, cohort, "remove", all_matching="1", q="example.org", count="4", confirmed="1")
    assert response.status_code == 303 and active_learner_ids(cohort.id) == set()


@pytest.mark.parametrize("action", ["remove", "move", "remind", "csv"])
def test_a_bulk_action_costs_the_same_queries_for_20_and_200_learners(client, login, make, make_cohort,
                                                                      count_queries, action):
    me = make.user(role="facilitator")
    course = make.course()
    counts = []
    for size in (20, 200):
        cohort = make_cohort(facilitator=me, learners=[make.user() for _ in range(size)], courses=[course],
                             name=f"Size {size}")
        target = make_cohort(facilitator=me, courses=[course], name=f"Target {size}")
        login(me)
        with count_queries() as counter:
            response = bulk(client, cohort, action, all_matching="1", count=str(size), confirmed="1",
                            target_id=str(target.id))
            response.get_data()   # an export streams: its queries run while it is read
        assert response.status_code == (200 if action == "csv" else 303)
        # Reminders are written one by one by the dashboards' send_reminders: there, only reads count.
        counts.append(sum(1 for x in counter.statements if x.lstrip().upper().startswith("SELECT"))
                      if action == "remind" else counter.count)
        if action in ("remove", "move"):
            assert active_learner_ids(cohort.id) == set()
        if action == "move":
            assert len(active_learner_ids(target.id)) == size
    assert counts[0] == counts[1]


# ---- export ---------------------------------------------------------------------------------

def test_export_the_selection_as_csv_and_xlsx(client, login, home):
    me, course, cohort, second, amina, bruno, chen = home
    login(me)
    response = bulk(client, cohort, "csv", [amina.id, chen.id])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "selection" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:2] == ["Name", "E-mail"]
    assert sorted(r[0] for r in rows[1:]) == ["Amina Diallo", "Chen Wei"]
    response = bulk(client, cohort, "xlsx", all_matching="1", q="bruno")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Bruno Silva"]


# ---- permissions and bad input --------------------------------------------------------------

def test_ids_of_another_cohorts_learners_are_ignored(client, login, make, make_cohort, home, smtp_server):
    me, course, cohort, second, amina, bruno, chen = home
    stranger = make.user(name="Somebody Else")
    theirs = make_cohort(learners=[stranger], courses=[course], name="Theirs")
    login(me)
    response = bulk(client, cohort, "remove", [stranger.id], confirmed="1")
    assert response.status_code == 400 and "Tick at least one learner" in response.get_data(as_text=True)
    response = bulk(client, cohort, "remove", [stranger.id, amina.id], confirmed="1")
    assert response.status_code == 303
    assert active_learner_ids(theirs.id) == {stranger.id}
    assert active_learner_ids(cohort.id) == {bruno.id, chen.id}
    page = bulk(client, cohort, "csv", [stranger.id, bruno.id]).get_data(as_text=True)
    assert "Bruno Silva" in page and "Somebody Else" not in page
    bulk(client, cohort, "remind", [stranger.id, bruno.id])
    assert [m["To"] for m in smtp_server.messages] == ["bruno@example.org"]


def test_others_cannot_act_on_a_cohort_they_do_not_run(client, login, make, make_cohort, home, app):
    me, course, cohort, second, amina, bruno, chen = home
    other = make.user(role="facilitator")
    foreign = make_cohort(facilitator=other, name="Foreign")
    for who in (other, amina):
        login(who)
        assert bulk(client, cohort, "remove", [bruno.id], confirmed="1").status_code == 403
        assert client.post(f"/cohorts/{cohort.id}/invitations/bulk", data={"action": "send"}).status_code == 403
    assert active_learner_ids(cohort.id) == {amina.id, bruno.id, chen.id}
    login(me)
    assert bulk(client, cohort, "move", [bruno.id], target_id=foreign.id).status_code == 403
    assert active_learner_ids(cohort.id) == {amina.id, bruno.id, chen.id}
    anonymous = app.test_client()
    response = anonymous.post(f"/cohorts/{cohort.id}/members/bulk", data={"action": "remove", "ids": [bruno.id]})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_bad_bulk_posts_are_refused(client, login, home):
    me, course, cohort, second, amina, bruno, chen = home
    login(me)
    assert bulk(client, cohort, "explode", [amina.id]).status_code == 400
    assert bulk(client, cohort, "remove", []).status_code == 400
    assert bulk(client, cohort, "remove", ["x;1"]).status_code == 400
    assert bulk(client, cohort, "remove", [amina.id], q="x" * 101).status_code == 400
    assert client.post("/cohorts/999999/members/bulk", data={"action": "remove"}).status_code == 404
    assert active_learner_ids(cohort.id) == {amina.id, bruno.id, chen.id}


def test_the_bulk_form_needs_its_csrf_token(csrf_app, make, make_cohort):
    me, learner = make.user(role="facilitator"), make.user()
    cohort = make_cohort(facilitator=me, learners=[learner])
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": me.email, "password": make.PASSWORD, "csrf_token": token})
    response = client.post(f"/cohorts/{cohort.id}/members/bulk",
                           data={"action": "remove", "ids": [learner.id], "confirmed": "1"})
    assert response.status_code == 400
    assert active_learner_ids(cohort.id) == {learner.id}


# ---- invitations ----------------------------------------------------------------------------

def test_the_invited_list_shows_the_name_the_facilitator_wrote(client, login, make, make_cohort, invite):
    me = make.user(role="facilitator")
    cohort = make_cohort(facilitator=me, learners=[make.user(name="Member Person")])
    invite(cohort, make.user(name="Account Own Name", email="ines@example.org"), name="Ines as Written")
    invite(cohort, make.user(name="Other Account", email="diego@example.org"), name="Diego Declined",
           response="declined")
    invite(cohort, make.user(name="Joined Account"), name="Joined Already", response="accepted")
    login(me)
    url = f"/cohorts/{cohort.id}/members"
    page = client.get(url).get_data(as_text=True)
    assert "Invited (2)" in page and "In the cohort (1)" in page and "Ines as Written" not in page
    page = client.get(url + "?state=invited").get_data(as_text=True)
    assert "Ines as Written" in page and "ines@example.org" in page and "Diego Declined" in page
    assert "Account Own Name" not in page and "Other Account" not in page and "Joined Already" not in page
    assert "Member Person" not in page
    assert ">Invited</span>" in page and ">Declined</span>" in page
    assert page.count(">Send again<") == 1 and page.count(">Withdraw<") == 2
    assert "Or all 2 invitations, not only those ticked" in page
    # Searching finds the written name and the e-mail, never the account's own name.
    assert "Ines as Written" in client.get(url + "?state=invited&q=written").get_data(as_text=True)
    assert "Ines as Written" in client.get(url + "?state=invited&q=ines@").get_data(as_text=True)
    assert "No invitation matches" in client.get(url + "?state=invited&q=own name").get_data(as_text=True)
    fragment = client.get(url + "?state=invited", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "Ines as Written" in fragment


def invited_bulk(client, cohort, action, ids=(), **data):
    return client.post(f"/cohorts/{cohort.id}/invitations/bulk",
                       data={"action": action, "ids": [str(i) for i in ids], **data})


def test_send_again_one_and_all_matching_skips_the_declined(client, login, make, make_cohort, invite,
                                                            smtp_server):
    me = make.user(role="facilitator")
    cohort = make_cohort(facilitator=me, name="Cohorte")
    ines = invite(cohort, make.user(email="ines@example.org"), name="Ines", by=me)
    invite(cohort, make.user(email="jo@example.org"), name="Jo", by=me)
    invite(cohort, make.user(email="no@example.org"), name="Nadia", response="declined", by=me)
    login(me)
    response = invited_bulk(client, cohort, "send", [ines.id])
    assert response.status_code == 303 and "state=invited" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The invitation was sent again to 1 person." in page
    assert [m["To"] for m in smtp_server.messages] == ["ines@example.org"]
    response = invited_bulk(client, cohort, "send", all_matching="1")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The invitation was sent again to 2 people." in page
    assert "1 person declined and was not asked again." in page
    assert sorted(m["To"] for m in smtp_server.messages[1:]) == ["ines@example.org", "jo@example.org"]


def test_withdraw_asks_first_then_the_invitation_is_gone(client, login, make, make_cohort, invite):
    me = make.user(role="facilitator")
    cohort = make_cohort(facilitator=me)
    ines = invite(cohort, make.user(), name="Ines as Written")
    keep = invite(cohort, make.user(), name="Kept Person")
    ines_id, keep_id = ines.id, keep.id
    login(me)
    response = invited_bulk(client, cohort, "withdraw", [ines_id])
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Withdraw 1 invitation?" in page and "Ines as Written" in page
    assert "stop working" in page
    assert db.session.get(CohortInvitation, ines_id) is not None
    response = invited_bulk(client, cohort, "withdraw", [ines_id], confirmed="1")
    assert response.status_code == 303
    assert "Withdrew 1 invitation." in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(CohortInvitation, ines_id) is None and db.session.get(CohortInvitation, keep_id)
    (event,) = audit_events("cohort.invitations_withdrawn")
    assert event.data["count"] == 1


def test_invitations_of_another_cohort_are_ignored(client, login, make, make_cohort, invite, smtp_server):
    me = make.user(role="facilitator")
    cohort = make_cohort(facilitator=me)
    theirs = make_cohort(name="Theirs")
    foreign = invite(theirs, make.user(), name="Foreign Person")
    foreign_id = foreign.id
    login(me)
    assert invited_bulk(client, cohort, "withdraw", [foreign_id], confirmed="1").status_code == 400
    assert invited_bulk(client, cohort, "send", [foreign_id]).status_code == 400
    db.session.rollback()
    assert db.session.get(CohortInvitation, foreign_id) is not None
    assert smtp_server.messages == []
    # Member ids posted as invitation ids, or invitation actions on the learners' form: refused.
    assert invited_bulk(client, cohort, "remove", [foreign_id]).status_code == 400


def test_the_old_resend_button_sends_a_pending_invitation_again(client, login, make, make_cohort, invite,
                                                               smtp_server):
    me = make.user(role="facilitator")
    cohort = make_cohort(facilitator=me)
    person = make.user(email="ines@example.org")
    invite(cohort, person, name="Ines")
    login(me)
    response = client.post(f"/cohorts/{cohort.id}/members/{person.id}/invite")
    assert response.status_code == 302 and "state=invited" in response.headers["Location"]
    assert [m["To"] for m in smtp_server.messages] == ["ines@example.org"]
