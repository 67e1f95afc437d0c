"""Joining by link and by code, from an account or by creating one; capacity under load."""
import threading

from sqlalchemy import func, select

from lms.auth.models import User
from lms.cohorts import services
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning.models import Enrollment
from tests.cohorts.conftest import active_learner_ids

NEW_ACCOUNT = {"name": "Nadia Nouvelle", "email": "nadia@example.org", "password": "a long passphrase here",
               "locale": "fr", "organisation_text": "NHRI"}


def users():
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(User))


def test_unknown_code_is_404_with_a_message(client, make):
    for response in (client.get("/join/NOPE234567"), client.post("/join/NOPE234567", data=NEW_ACCOUNT)):
        assert response.status_code == 404
        assert "No cohort uses this code" in response.get_data(as_text=True)
    assert users() == 0


def test_anonymous_visitor_sees_the_cohort_and_both_ways_in(client, make, make_cohort):
    course = make.course()
    cohort = make_cohort(name="Justice <2026>", courses=[course])
    page = client.get(f"/join/{cohort.join_code}").get_data(as_text=True)
    assert "Join Justice &lt;2026&gt;" in page and course.title in page
    assert f"/login?next=/join/{cohort.join_code}" in page
    assert "Create my account and join" in page


def test_new_account_joins_in_one_step(client, make, make_cohort):
    course = make.course()
    cohort = make_cohort(courses=[course])
    response = client.post(f"/join/{cohort.join_code}", data=NEW_ACCOUNT)
    assert response.status_code == 303 and response.headers["Location"] == f"/courses/{course.slug}"
    db.session.rollback()
    nadia = db.session.scalar(select(User).where(User.email == "nadia@example.org"))
    assert nadia.locale == "fr" and nadia.organisation_text == "NHRI"
    assert active_learner_ids(cohort.id) == {nadia.id}
    enrolment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == nadia.id))
    assert (enrolment.course_id, enrolment.cohort_id, enrolment.source) == (course.id, cohort.id, "cohort")
    home = client.get("/").get_data(as_text=True)
    assert "Nadia Nouvelle" in home and '<html lang="fr">' in home               # logged in, in French
    assert "UPR Academy, Nadia Nouvelle" in home                                 # welcomed, not "welcome back"


def test_joining_a_cohort_of_several_courses_lands_on_my_learning(client, make, make_cohort):
    cohort = make_cohort(courses=[make.course(), make.course()])
    response = client.post(f"/join/{cohort.join_code}", data={**NEW_ACCOUNT, "locale": "en"})
    assert response.headers["Location"] == "/learning"
    home = client.get("/").get_data(as_text=True)
    assert "Welcome, Nadia Nouvelle." in home and "Welcome back" not in home


def test_no_account_is_left_behind_when_the_cohort_is_full(client, make, make_cohort):
    cohort = make_cohort(learners=[make.user()], capacity=1)
    before = users()
    response = client.post(f"/join/{cohort.join_code}", data=NEW_ACCOUNT)
    assert response.status_code == 409
    assert "This cohort is full" in response.get_data(as_text=True)
    assert users() == before


def test_registration_errors_stay_on_the_join_page(client, make, make_cohort):
    make.user(email="nadia@example.org")
    cohort = make_cohort()
    response = client.post(f"/join/{cohort.join_code}", data=NEW_ACCOUNT)
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    response = client.post(f"/join/{cohort.join_code}", data={**NEW_ACCOUNT, "email": "x@example.org", "password": "short"})
    assert response.status_code == 400
    assert active_learner_ids(cohort.id) == set()


def test_logged_in_learner_confirms_and_joins_once(client, login, make, make_cohort):
    learner = make.user()
    cohort = make_cohort(name="Justice")
    login(learner)
    page = client.get(f"/join/{cohort.join_code}").get_data(as_text=True)
    assert "Join the cohort" in page and learner.email in page
    assert client.post(f"/join/{cohort.join_code}").status_code == 303
    assert "You have joined Justice." in client.get("/").get_data(as_text=True)
    client.post(f"/join/{cohort.join_code}")
    assert "You are already in Justice." in client.get("/").get_data(as_text=True)
    assert "You are already in this cohort." in client.get(f"/join/{cohort.join_code}").get_data(as_text=True)
    assert active_learner_ids(cohort.id) == {learner.id}


def test_login_from_the_join_page_comes_back_to_it(client, make, make_cohort):
    learner = make.user()
    cohort = make_cohort()
    response = client.post(f"/login?next=/join/{cohort.join_code}",
                           data={"email": learner.email, "password": make.PASSWORD})
    assert response.headers["Location"] == f"/join/{cohort.join_code}"


def test_disabled_archived_and_full_cohorts_say_why(client, login, make, make_cohort):
    learner = make.user()
    disabled = make_cohort(learners=[make.user()])
    disabled.join_enabled = False
    archived = make_cohort(learners=[make.user()], status="archived")
    full = make_cohort(learners=[make.user()], capacity=1)
    db.session.commit()
    cases = [(disabled.id, disabled.join_code, "switched off"), (archived.id, archived.join_code, "archived"),
             (full.id, full.join_code, "full")]
    login(learner)
    for cohort_id, code, message in cases:
        get = client.get(f"/join/{code}")
        post = client.post(f"/join/{code}")
        assert get.status_code == post.status_code == 409
        assert message in get.get_data(as_text=True) and message in post.get_data(as_text=True)
        assert learner.id not in active_learner_ids(cohort_id)


def test_rotated_code_stops_the_old_link(client, make, make_cohort):
    cohort = make_cohort()
    old = cohort.join_code
    services.set_join_code(cohort, user=None, action="rotate")
    db.session.commit()
    assert client.get(f"/join/{old}").status_code == 404
    assert client.get(f"/join/{cohort.join_code}").status_code == 200


def test_codes_typed_loosely_lead_to_the_join_page(client, make, make_cohort):
    cohort = make_cohort()
    loose = f" {cohort.join_code[:5].lower()}-{cohort.join_code[5:]} "
    response = client.post("/join", data={"code": loose})
    assert response.headers["Location"] == f"/join/{cohort.join_code}"
    assert client.get(f"/join/{cohort.join_code.lower()}").headers["Location"] == f"/join/{cohort.join_code}"
    response = client.post("/join", data={"code": "WRONGCODE9"})
    assert response.status_code == 400 and "No cohort uses this code" in response.get_data(as_text=True)
    assert client.get("/join").status_code == 200


def test_facilitator_opening_their_own_link(client, login, make, make_cohort):
    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator)
    login(facilitator)
    assert "You facilitate this cohort." in client.get(f"/join/{cohort.join_code}").get_data(as_text=True)
    assert client.post(f"/join/{cohort.join_code}").status_code == 409


def test_concurrent_joins_never_exceed_capacity(app, make, make_cohort):
    capacity, crowd = 5, 12
    cohort = make_cohort(capacity=capacity, courses=[make.course()])
    learners = [make.user() for _ in range(crowd)]
    clients = []
    for learner in learners:
        client = app.test_client()
        assert client.post("/login", data={"email": learner.email, "password": make.PASSWORD}).status_code == 302
        clients.append(client)
    barrier = threading.Barrier(crowd)
    statuses = []

    code = cohort.join_code
    errors = []

    def join(client):
        try:
            barrier.wait()
            statuses.append(client.post(f"/join/{code}").status_code)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=join, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(statuses) == [303] * capacity + [409] * (crowd - capacity)
    assert len(active_learner_ids(cohort.id)) == capacity
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == capacity


def test_join_then_leave_then_join_again_through_the_link(client, login, make, make_cohort):
    learner = make.user()
    cohort = make_cohort(learners=[learner])
    services.remove_learner(cohort, learner.id, user=None, now=utcnow())
    db.session.commit()
    login(learner)
    assert client.post(f"/join/{cohort.join_code}").status_code == 303
    assert active_learner_ids(cohort.id) == {learner.id}
