"""The moment a course completes: the page says so with the badge and certificate, the course
page and the mail keep it, and the quiz stops offering a pointless new attempt."""
import re

from sqlalchemy import select

from lms.catalog.models import Quiz
from lms.extensions import db
from lms.learning.models import Enrollment
from tests.quizzes import helpers as h


def finish_course(client, course, quiz, right=True) -> int:
    assert client.post(f"/courses/{course.slug}/lessons/lesson-1-1/complete").status_code == 303
    start = client.post(f"/courses/{course.slug}/quizzes/{quiz.slug}/start")
    attempt_id = int(start.headers["Location"].rsplit("/", 1)[1])
    fields = h.answers_for(attempt_id) if right else []
    assert h.submit(client, attempt_id, fields).status_code == 303
    return attempt_id


def setup_course(make, login, **user_fields):
    course = make.course(modules=1, lessons=1, questions=0, final_questions=3, navigation="free")
    final = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.kind == "final"))
    learner = make.user(**user_fields)
    db.session.add(Enrollment(user_id=learner.id, course_id=course.id, source="self"))
    db.session.commit()
    login(learner)
    return course, final, learner


def test_passing_the_final_says_course_complete_with_badge_certificate_and_share_links(client, make, login,
                                                                                     smtp_server):
    course, final, learner = setup_course(make, login)
    attempt_id = finish_course(client, course, final)
    result = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert f"Course complete — you earned {course.badge['name']}" in result
    assert "certificate.pdf" in result and "linkedin.com/profile/add" in result and "/verify/" in result
    assert "Start a new attempt" not in result and "Try again" not in result
    assert "Continue the course" not in result
    course_page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Course complete — you earned" in course_page and "certificate.pdf" in course_page
    (mail,) = [m for m in smtp_server.messages if m["To"] == learner.email]
    assert course.badge["name"] in mail["Subject"]
    verify = re.search(r"(http://localhost/verify/\S+)", mail.get_content()).group(1)
    assert client.get(verify.removeprefix("http://localhost")).status_code == 200
    overview = client.get(f"/courses/{course.slug}/quizzes/final").get_data(as_text=True)
    assert "your result at this quiz stands" in overview
    assert client.post(f"/courses/{course.slug}/quizzes/final/start").status_code == 403


def test_a_quiz_may_allow_improving_the_result_and_then_says_so(client, make, login, smtp_server):
    course, final, _learner = setup_course(make, login)
    final.settings = {**final.settings, "retake_after_completion": True}
    db.session.commit()
    attempt_id = finish_course(client, course, final)
    result = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Try again to improve your result" in result and "Your course stays complete" in result


def test_the_completion_mail_is_in_the_learners_language_and_sent_once(client, make, login, smtp_server, app):
    from flask_babel import force_locale, gettext

    course, final, learner = setup_course(make, login, locale="fr")
    finish_course(client, course, final)
    with app.test_request_context(), force_locale("fr"):
        subject = gettext("Course complete: you earned the %(badge)s badge", badge=course.badge["name"])
    (mail,) = [m for m in smtp_server.messages if m["To"] == learner.email]
    assert mail["Subject"] == subject
    client.post(f"/courses/{course.slug}/lessons/lesson-1-1/complete")
    assert len([m for m in smtp_server.messages if m["To"] == learner.email]) == 1


def test_failing_the_final_shows_no_completion(client, make, login, smtp_server):
    course, final, _learner = setup_course(make, login)
    attempt_id = finish_course(client, course, final, right=False)
    result = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Course complete" not in result and "Start a new attempt" in result
    assert smtp_server.messages == []


def test_my_learning_keeps_each_completion_in_a_fixed_number_of_queries(app, make, login, count_queries):
    from lms.badges import services
    from lms.core.db import utcnow

    counts = []
    for size in (1, 4):
        db.session.rollback()
        learner = make.user()
        for _ in range(size):
            course = make.course(modules=1, lessons=1, questions=0, final=False)
            db.session.add(Enrollment(user_id=learner.id, course_id=course.id, source="self", completed_at=utcnow()))
            services.award_badge(learner, course, now=utcnow())
        db.session.commit()
        client = login(learner, c=app.test_client())
        with count_queries() as counter:
            page = client.get("/learning").get_data(as_text=True)
        assert page.count("Course complete — you earned") == size and page.count("certificate.pdf") == size
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_recent_badges_on_my_learning_are_named_in_the_page_language(client, make, login):
    from lms.badges import services
    from lms.core.db import utcnow

    course = make.course(modules=1, lessons=1, questions=0, final=False)
    course.translations = {"es": {"title": "Curso", "badge_name": "Insignia en español"}}
    learner = make.user(locale="es")
    services.award_badge(learner, course, now=utcnow())
    db.session.commit()
    login(learner)
    page = client.get("/learning").get_data(as_text=True)
    assert '<span class="badge-pill">Insignia en español</span>' in page and course.badge["name"] not in page
