"""Cohort list, creation and settings pages, as a facilitator uses them."""
from sqlalchemy import select

from lms.cohorts.models import Cohort, CohortCourse
from lms.extensions import db
from lms.learning.models import Enrollment


def test_cohort_list_shows_only_my_cohorts_with_counts(client, login, make, make_cohort, count_queries):
    me = make.user(role="facilitator")
    mine = make_cohort(facilitator=me, name="Ministry cohort", learners=[make.user(), make.user()],
                       courses=[make.course()], capacity=40)
    make_cohort(name="Someone else's cohort")
    login(me)
    page = client.get("/cohorts").get_data(as_text=True)
    assert "Ministry cohort" in page and "Someone else" not in page
    assert "2 / 40" in page
    assert f"/cohorts/{mine.id}/members" in page


def test_cohort_list_query_count_does_not_grow(client, login, make, make_cohort, count_queries):
    me = make.user(role="facilitator")
    make_cohort(facilitator=me, learners=[make.user()])
    login(me)
    with count_queries() as small:
        client.get("/cohorts")
    db.session.rollback()  # the test's read snapshot predates the login's write
    for n in range(5):
        make_cohort(facilitator=me, learners=[make.user() for _ in range(3)], name=f"More {n}")
    with count_queries() as large:
        assert "More 4" in client.get("/cohorts").get_data(as_text=True)
    assert small.count == large.count


def test_create_cohort_makes_me_its_facilitator(client, login, make, make_organisation):
    me = make.user(role="facilitator")
    organisation = make_organisation()
    login(me)
    assert "New cohort" in client.get("/cohorts/new").get_data(as_text=True)
    response = client.post("/cohorts/new", data={
        "name": "NHRI staff 2026", "organisation_id": organisation.id, "status": "planned",
        "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": "25", "description": "Spring"})
    assert response.status_code == 302
    db.session.rollback()
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "NHRI staff 2026"))
    assert (cohort.organisation_id, cohort.status, cohort.capacity) == (organisation.id, "planned", 25)
    assert str(cohort.ends_on) == "2026-06-30"
    assert response.headers["Location"] == f"/cohorts/{cohort.id}/settings"
    assert "NHRI staff 2026" in client.get("/cohorts").get_data(as_text=True)


def test_create_cohort_validates(client, login, make):
    login(make.user(role="facilitator"))
    response = client.post("/cohorts/new", data={"name": "", "status": "closed", "organisation_id": "None",
                                                 "starts_on": "2026-06-01", "ends_on": "2026-01-01",
                                                 "capacity": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The end date is before the start date." in page and "Not a valid choice" in page
    assert db.session.scalar(select(Cohort)) is None


def test_settings_save_and_refuse_a_capacity_below_the_learners(client, login, make, make_cohort):
    me = make.user(role="facilitator")
    cohort = make_cohort(facilitator=me, learners=[make.user(), make.user()])
    login(me)
    base = {"name": "Renamed", "status": "archived", "organisation_id": "None"}
    response = client.post(f"/cohorts/{cohort.id}/settings", data={**base, "capacity": "1"})
    assert response.status_code == 400
    assert "at least 2" in response.get_data(as_text=True)
    assert client.post(f"/cohorts/{cohort.id}/settings", data={**base, "capacity": "2"}).status_code == 302
    cohort = make.fresh(cohort)
    assert (cohort.name, cohort.status, cohort.capacity) == ("Renamed", "archived", 2)


def test_assign_change_due_date_and_unassign_courses(client, login, make, make_cohort):
    me = make.user(role="facilitator")
    learner, course = make.user(), make.course()
    cohort = make_cohort(facilitator=me, learners=[learner])
    login(me)
    page = client.get(f"/cohorts/{cohort.id}/settings").get_data(as_text=True)
    assert course.title in page
    client.post(f"/cohorts/{cohort.id}/courses", data={"course_id": course.id, "due_on": "2026-12-31"})
    client.post(f"/cohorts/{cohort.id}/courses", data={"course_id": course.id, "due_on": "2027-01-15"})
    db.session.rollback()
    link = db.session.scalar(select(CohortCourse))
    assert str(link.due_on) == "2027-01-15"
    assert db.session.scalar(select(Enrollment.user_id)) == learner.id
    assert 'value="2027-01-15"' in client.get(f"/cohorts/{cohort.id}/settings").get_data(as_text=True)
    assert client.post(f"/cohorts/{cohort.id}/courses/{course.id}/remove").status_code == 302
    assert client.post(f"/cohorts/{cohort.id}/courses/{course.id}/remove").status_code == 404
    db.session.rollback()
    assert db.session.scalar(select(CohortCourse)) is None
    assert db.session.scalar(select(Enrollment.user_id)) == learner.id     # progress kept
    assert client.post(f"/cohorts/{cohort.id}/courses", data={"course_id": 999999}).status_code == 400


def test_facilitators_added_by_email_and_removed(client, login, make, make_cohort):
    me = make.user(role="facilitator")
    colleague = make.user(role="facilitator", email="colleague@example.org", name="Colleague")
    make.user(role="learner", email="learner@example.org")
    cohort = make_cohort(facilitator=me)
    login(me)
    response = client.post(f"/cohorts/{cohort.id}/facilitators", data={"email": "nobody@example.org"})
    assert response.status_code == 400 and "No account uses this address" in response.get_data(as_text=True)
    response = client.post(f"/cohorts/{cohort.id}/facilitators", data={"email": "learner@example.org"})
    assert response.status_code == 400 and "not a facilitator account" in response.get_data(as_text=True)
    assert client.post(f"/cohorts/{cohort.id}/facilitators", data={"email": "Colleague@Example.org"}).status_code == 302
    assert "colleague@example.org" in client.get(f"/cohorts/{cohort.id}/settings").get_data(as_text=True)
    # Removing myself hands the cohort over: I no longer see it.
    response = client.post(f"/cohorts/{cohort.id}/facilitators/{me.id}/remove")
    assert response.headers["Location"] == "/cohorts"
    assert client.get(f"/cohorts/{cohort.id}/settings").status_code == 403
    other = login(colleague, c=client)
    response = other.post(f"/cohorts/{cohort.id}/facilitators/{colleague.id}/remove")
    assert response.status_code == 409
    assert "at least one facilitator" in response.get_data(as_text=True)
