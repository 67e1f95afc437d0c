"""Organisations in the back office: how each was created, merge, delete (refused while
referenced, or delete and detach), countries outside the UN list; permissions."""
import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.cohorts.models import Cohort, Organisation
from lms.core.models import AuditEvent
from lms.extensions import db
from tests.cohorts.test_upload import upload


def state():
    """{organisation name: (people ids, cohort ids)} as committed."""
    db.session.rollback()
    found = {o.name: (set(), set()) for o in db.session.scalars(select(Organisation))}
    names = {o.id: o.name for o in db.session.scalars(select(Organisation))}
    for user_id, org_id in db.session.execute(select(User.id, User.organisation_id)):
        if org_id:
            found[names[org_id]][0].add(user_id)
    for cohort_id, org_id in db.session.execute(select(Cohort.id, Cohort.organisation_id)):
        if org_id:
            found[names[org_id]][1].add(cohort_id)
    db.session.rollback()
    return found


@pytest.fixture
def two_spellings(make, make_cohort, make_organisation):
    """(kept, gone, people, stayer, cohort) as plain ids: the rows may not outlive the test."""
    kept = make_organisation("Ministry of Justice", "sur_ministry", "KE").id
    gone = make_organisation("Min. of Justice", "other", None).id
    people = [make.user(organisation_id=gone).id for _ in range(3)]
    stayer = make.user(organisation_id=kept).id
    cohort = make_cohort(name="Nairobi", organisation_id=gone).id
    return kept, gone, people, stayer, cohort


def test_merge_is_confirmed_then_moves_people_and_cohorts_and_deletes_the_other(client, login, make, two_spellings):
    kept, gone, people, stayer, cohort = two_spellings
    admin = make.user(role="admin")
    login(admin)
    before = state()
    response = client.post(f"/admin/organisations/{gone}/merge", data={"other_id": kept, "keep": "other"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Moving from Min. of Justice to Ministry of Justice: 3 people, 1 cohort." in page
    assert state() == before                                   # the first POST changes nothing
    response = client.post(f"/admin/organisations/{gone}/merge",
                           data={"other_id": kept, "keep": "other", "confirmed": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/organisations/{kept}")
    assert state() == {"Ministry of Justice": (set(people) | {stayer}, {cohort})}
    kept_now = db.session.get(Organisation, kept)
    assert (kept_now.kind, kept_now.country) == ("sur_ministry", "KE")
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "organisation.merged"))
    assert (event.actor_id, event.target_id) == (admin.id, kept)
    assert event.data == {"merged_id": gone, "merged_name": "Min. of Justice", "people": 3, "cohorts": 1}


def test_merge_can_keep_this_organisation_instead(client, login, make, two_spellings):
    kept, gone, people, stayer, cohort = two_spellings
    login(make.user(role="admin"))
    client.post(f"/admin/organisations/{gone}/merge", data={"other_id": kept, "keep": "this", "confirmed": "1"})
    assert state() == {"Min. of Justice": (set(people) | {stayer}, {cohort})}


def test_merge_refuses_bad_input(client, login, make, two_spellings):
    kept, gone, *_ = two_spellings
    login(make.user(role="admin"))
    before = state()
    for data in ({"other_id": gone, "keep": "other"}, {"other_id": 999999, "keep": "other"},
                 {"other_id": kept, "keep": "both"}, {}):
        assert client.post(f"/admin/organisations/{gone}/merge", data={**data, "confirmed": "1"}).status_code == 400
    assert client.post("/admin/organisations/999999/merge", data={"other_id": kept}).status_code == 404
    assert state() == before


def test_delete_is_refused_while_referenced_and_offers_merge_or_detach(client, login, make, two_spellings):
    kept, gone, people, stayer, cohort = two_spellings
    db.session.get(User, people[0]).organisation_text = "Ministère de la Justice"
    db.session.commit()
    login(make.user(role="admin"))
    before = state()
    response = client.post(f"/admin/organisations/{gone}/delete")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Still referring to it: 3 people, 1 cohort." in page
    assert f'action="/admin/organisations/{gone}/merge"' in page
    assert "3 people are detached from it" in page and 'name="detach" value="1"' in page
    assert client.post(f"/admin/organisations/{gone}/delete", data={"confirmed": "1"}).status_code == 409
    assert state() == before
    response = client.post(f"/admin/organisations/{gone}/delete", data={"confirmed": "1", "detach": "1"})
    assert response.status_code == 302
    assert state() == {"Ministry of Justice": ({stayer}, set())}
    texts = dict(db.session.execute(select(User.id, User.organisation_text).where(
        User.id.in_(people))).tuples().all())
    assert texts == {people[0]: "Ministère de la Justice", people[1]: "Min. of Justice", people[2]: "Min. of Justice"}
    assert db.session.get(Cohort, cohort).organisation_id is None
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "organisation.deleted"))
    assert event.data == {"name": "Min. of Justice", "people": 3, "cohorts": 1}


def test_an_organisation_nothing_refers_to_is_deleted_after_confirmation(client, login, make, make_organisation):
    empty = make_organisation("Nobody's organisation", "cso", "SN").id
    login(make.user(role="admin"))
    response = client.post(f"/admin/organisations/{empty}/delete")
    assert response.status_code == 200 and "cannot be undone" in response.get_data(as_text=True)
    assert "Nobody's organisation" in state()
    assert client.post(f"/admin/organisations/{empty}/delete", data={"confirmed": "1"}).status_code == 302
    assert state() == {}
    assert client.post(f"/admin/organisations/{empty}/delete", data={"confirmed": "1"}).status_code == 404


@pytest.mark.parametrize("role", ["learner", "facilitator"])
def test_non_admins_get_403_on_organisations(client, login, make, two_spellings, role):
    kept, gone, *_ = two_spellings
    login(make.user(role=role))
    before = state()
    assert client.get("/admin/organisations").status_code == 403
    assert client.get(f"/admin/organisations/{gone}").status_code == 403
    assert client.post(f"/admin/organisations/{gone}/merge",
                       data={"other_id": kept, "keep": "other", "confirmed": "1"}).status_code == 403
    assert client.post(f"/admin/organisations/{gone}/delete",
                       data={"confirmed": "1", "detach": "1"}).status_code == 403
    assert state() == before


def test_the_list_shows_people_cohorts_and_how_each_was_created(client, login, make, make_cohort, two_spellings):
    fatou = make.user(role="facilitator", name="Fatou Facilitator")
    cohort = make_cohort(facilitator=fatou, name="Dakar 2026")
    admin = make.user(role="admin", name="Ada Admin")
    login(fatou)
    assert upload(client, cohort, "name,email,organisation\nAwa,awa@example.org,Barreau de Dakar\n").status_code == 200
    login(admin)
    assert client.post("/admin/organisations", data={"name": "INDH Chile", "kind": "nhri", "country": "CL"}).status_code == 302
    page = client.get("/admin/organisations").get_data(as_text=True)
    rows = {name: page[page.index(f">{name}</a>"):][:700] for name in ("Barreau de Dakar", "INDH Chile", "Min. of Justice")}
    assert "from a CSV upload to Dakar 2026 (Fatou Facilitator)" in rows["Barreau de Dakar"]
    assert "added by Ada Admin" in rows["INDH Chile"]
    assert "from the command line or older data" in rows["Min. of Justice"]
    assert "<td>3</td>\n            <td>1</td>" in rows["Min. of Justice"]


def test_the_list_costs_the_same_queries_whatever_the_number_of_organisations(client, login, make, make_organisation,
                                                                               count_queries):
    make_organisation("Older one")
    login(make.user(role="admin"))
    client.post("/admin/organisations", data={"name": "One", "kind": "cso", "country": "SN"})
    with count_queries() as small:
        client.get("/admin/organisations")
    db.session.rollback()
    for n in range(5):
        client.post("/admin/organisations", data={"name": f"Org {n}", "kind": "cso", "country": "SN"})
    with count_queries() as large:
        page = client.get("/admin/organisations").get_data(as_text=True)
    assert page.count("added by") == 6
    assert small.count == large.count


def test_a_country_outside_the_list_still_shows_and_must_be_replaced_on_save(client, login, make, make_organisation):
    polar = make_organisation("Polar Institute", "other", "AQ")
    login(make.user(role="admin"))
    assert "<td>AQ</td>" in client.get("/admin/organisations").get_data(as_text=True)
    page = client.get(f"/admin/organisations/{polar.id}").get_data(as_text=True)
    assert "(AQ) is not a UN Member or Observer State" in page
    assert '<option selected value="AQ">' in page
    response = client.post(f"/admin/organisations/{polar.id}", data={"name": "Polar Institute", "kind": "other",
                                                                     "country": "AQ"})
    assert response.status_code == 400 and "Choose one of the UN Member and Observer States" in response.get_data(as_text=True)
    assert make.fresh(polar).country == "AQ"
    response = client.post(f"/admin/organisations/{polar.id}", data={"name": "Polar Institute", "kind": "other",
                                                                     "country": "CL"})
    assert response.status_code == 302 and make.fresh(polar).country == "CL"
