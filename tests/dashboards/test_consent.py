"""A learner listed in another facilitator's CSV: invisible until they accept, and after that
nothing from before the acceptance shows in any page or export of that cohort."""
import io
import re
from datetime import timedelta

from sqlalchemy import select

from lms.auth.models import User
from lms.catalog.models import Module, Quiz
from lms.core.db import utcnow
from lms.extensions import db


def upload(client, cohort, text):
    return client.post(f"/cohorts/{cohort.id}/upload", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(text.encode()), "learners.csv")})


def build(make, dash):
    """Amina did a lot in cohort A: lessons, a passed quiz, the whole course, a badge's worth.
    Facilitator B then lists her e-mail in cohort B's CSV."""
    course = make.course(modules=1, lessons=2, questions=3, final=False)
    a_fac, b_fac = make.user(role="facilitator"), make.user(role="facilitator")
    cohort_a = dash.cohort(course, facilitator=a_fac, name="Cohort A")
    cohort_b = dash.cohort(course, facilitator=b_fac, name="Cohort B")
    amina = dash.learner(cohort_a, name="Amina Existing", email="amina@example.org")
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    dash.module_lessons(amina, module)
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id))
    dash.attempt(amina, quiz, {q: 1 for q in quiz_questions(quiz)})
    dash.complete(amina, course, cohort_a)
    return course, cohort_b, b_fac, amina, quiz


def quiz_questions(quiz):
    from lms.catalog.models import Question

    return db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()


def pages(client, cohort, user, course):
    """{path: (status, text)}; each response read before the next request (exports stream)."""
    base = f"/cohorts/{cohort.id}"
    return {path: (r.status_code, r.get_data(as_text=True)) for path in (
        f"/learners/{user.id}", "/matrix", "/at-risk", "/dashboard", "/items",
        f"/export.csv?what=matrix&course={course.id}", f"/export.csv?what=quiz&course={course.id}")
        for r in [client.get(base + path)]}


def test_a_listed_learner_is_invisible_until_they_accept_then_only_later_work_shows(
        client, login, make, dash, smtp_server, app):
    course, cohort_b, b_fac, amina, quiz = build(make, dash)
    login(b_fac)
    assert "1 person invited" in upload(client, cohort_b, "name,email\nAmina,amina@example.org\n").get_data(as_text=True)
    before = pages(client, cohort_b, amina, course)
    assert before[f"/learners/{amina.id}"][0] == 404
    for path, (status, text) in before.items():
        if "learners" not in path:
            assert status == 200, path
            assert "amina@example.org" not in text and "Amina Existing" not in text, path

    mail = next(m for m in smtp_server.messages if m["To"] == "amina@example.org")
    link = re.search(r"http://localhost(/invitations/\S+)", mail.get_content()).group(1)
    learner = app.test_client()
    assert "What the facilitators will see" in learner.get(link).get_data(as_text=True)
    assert learner.post(link, data={"action": "accept"}).headers["Location"].startswith("/login")
    login(amina, c=learner)
    assert learner.post(link, data={"action": "accept"}).status_code == 303

    after = pages(client, cohort_b, amina, course)
    status, drill = after[f"/learners/{amina.id}"]
    assert status == 200
    assert "attempt 1" not in drill and "100%" not in drill and "100 %" not in drill
    assert "0%" in drill.split("Progress per course")[1].split("</table>")[0]
    assert "Completed the lesson" not in drill and "Completed the course" not in drill
    matrix_export = after[f"/export.csv?what=matrix&course={course.id}"][1].splitlines()
    row = next(line for line in matrix_export if "amina@example.org" in line).split(",")
    header = matrix_export[0].split(",")
    assert row[header.index("Progress (%)")] == "0" and row[header.index("Lessons completed")] == "0"
    assert row[header.index("Completed (UTC)")] == "" and row[header.index("Time on task (minutes)")] == "0"
    assert "amina@example.org" not in after[f"/export.csv?what=quiz&course={course.id}"][1]
    assert "Amina Existing" in after["/matrix"][1]

    # What she does from now on shows.
    dash.attempt(amina, quiz, {q: 0 for q in quiz_questions(quiz)}, at=utcnow() + timedelta(minutes=15))
    db.session.rollback()
    drill = client.get(f"/cohorts/{cohort_b.id}/learners/{amina.id}").get_data(as_text=True)
    assert "attempt 2" in drill and "attempt 1" not in drill


def test_a_declined_invitation_needs_no_login_and_the_learner_never_joins(client, login, make, dash,
                                                                          smtp_server, app):
    course, cohort_b, b_fac, amina, _quiz = build(make, dash)
    login(b_fac)
    upload(client, cohort_b, "name,email\nAmina,amina@example.org\n")
    link = re.search(r"http://localhost(/invitations/\S+)", smtp_server.messages[-1].get_content()).group(1)
    stranger = app.test_client()
    assert stranger.post(link, data={"action": "decline"}).status_code == 303
    assert client.get(f"/cohorts/{cohort_b.id}/learners/{amina.id}").status_code == 404
    upload(client, cohort_b, "name,email\nAmina,amina@example.org\n")       # not asked again
    assert sum(1 for m in smtp_server.messages if m["To"] == "amina@example.org") == 1


def test_the_invitation_is_for_its_own_account_only(client, login, make, dash, smtp_server, app):
    course, cohort_b, b_fac, amina, _quiz = build(make, dash)
    login(b_fac)
    upload(client, cohort_b, "name,email\nAmina,amina@example.org\n")
    link = re.search(r"http://localhost(/invitations/\S+)", smtp_server.messages[-1].get_content()).group(1)
    other = app.test_client()
    login(make.user(), c=other)
    assert "logged in with another account" in other.get(link).get_data(as_text=True)
    assert other.post(link, data={"action": "accept"}).status_code == 403
    assert client.get(f"/cohorts/{cohort_b.id}/learners/{amina.id}").status_code == 404
    assert other.get("/invitations/not-a-token").status_code == 400
    assert db.session.get(User, amina.id).name == "Amina Existing"


def test_my_learning_offers_the_pending_invitation(client, login, make, dash, smtp_server, app):
    course, cohort_b, b_fac, amina, _quiz = build(make, dash)
    login(b_fac)
    upload(client, cohort_b, "name,email\nAmina,amina@example.org\n")
    learner = app.test_client()
    login(amina, c=learner)
    page = learner.get("/learning").get_data(as_text=True)
    assert "Cohort B" in page and "Accept and join" in page
    action = re.search(r'action="(/me/invitations/\d+)"', page).group(1)
    assert learner.post(action, data={"action": "accept"}).status_code == 303
    assert client.get(f"/cohorts/{cohort_b.id}/learners/{amina.id}").status_code == 200
    assert "Accept and join" not in learner.get("/learning").get_data(as_text=True)
    intruder = app.test_client()
    login(make.user(), c=intruder)
    assert intruder.post(action, data={"action": "decline"}).status_code == 404


def test_a_new_account_can_decline_from_the_welcome_page(client, login, make, dash, smtp_server, app):
    from lms.cohorts.models import CohortInvitation

    course, cohort_b, b_fac, _amina, _quiz = build(make, dash)
    login(b_fac)
    upload(client, cohort_b, "name,email\nNew Person,new.person@example.org\n")
    link = re.search(r"http://localhost(/welcome/\S+)", smtp_server.messages[-1].get_content()).group(1)
    visitor = app.test_client()
    page = visitor.get(link).get_data(as_text=True)
    decline = re.search(r'action="(/invitations/[^"]+)"', page).group(1)
    assert visitor.post(decline, data={"action": "decline"}).status_code == 303
    db.session.rollback()
    assert db.session.scalar(select(CohortInvitation.response)) == "declined"
    assert "Decline the invitation" not in visitor.get(link).get_data(as_text=True)
