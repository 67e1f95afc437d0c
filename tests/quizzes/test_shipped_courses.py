"""Every module quiz and final assessment of the shipped courses can be taken: the answer
form renders every question, leaks nothing, and the right answers score 100%."""
from sqlalchemy import select

from lms.catalog.models import Course, Question, Quiz
from lms.extensions import db
from tests.quizzes import helpers as h


def test_every_shipped_quiz_can_be_taken(runner, make, enrol, login, client, app):
    synced = runner.invoke(args=["courses", "sync", app.config["COURSES_DIR"]])
    assert synced.exit_code == 0, synced.output
    learner = make.user()
    db.session.rollback()
    courses = db.session.scalars(select(Course).where(Course.archived.is_(False))).all()
    assert len(courses) >= 6
    for course in courses:
        course.navigation = "free"  # take every quiz without first reading the lessons
        enrol(learner, course)
    login(learner)
    quizzes = db.session.execute(select(Quiz.slug, Course.slug).join(Course, Course.id == Quiz.course_id)
                                 .where(Quiz.archived.is_(False))).all()
    assert len(quizzes) >= 26
    for quiz_slug, course_slug in quizzes:
        attempt_id = h.start(client, type("W", (), {"quiz_url": f"/courses/{course_slug}/quizzes/{quiz_slug}"}))
        attempt = h.attempt(attempt_id)
        page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
        assert page.count('class="quiz-question"') == len(attempt.question_ids) > 0, quiz_slug
        questions = db.session.scalars(select(Question).where(Question.id.in_(attempt.question_ids))).all()
        # "correct" may only appear where the content itself says it (a stem or an option).
        shown = " ".join(q.text_html + " ".join(_html(q.data)) for q in questions).lower()
        assert page.lower().count("correct") <= shown.count("correct"), quiz_slug
        assert "fraction" not in page
        feedback = [q.feedback_html for q in questions] + [
            o.get("feedback_html") for q in questions for o in q.data.get("options", [])]
        assert not [f for f in feedback if f and f in page], quiz_slug
        response = h.submit(client, attempt_id, h.answers_for(attempt_id), html=page)
        assert response.status_code == 303, (course_slug, quiz_slug, response.get_data(as_text=True)[:300])
        assert h.attempt(attempt_id).score == 100.0, (course_slug, quiz_slug)


def _html(data: dict) -> list[str]:
    return [entry.get(key, "") for field in ("options", "rights", "items", "pairs") for entry in data.get(field, [])
            for key in ("html", "left_html")]
