"""Practice mode as a learner uses it: a round of a module quiz's questions, marked at once,
kept in the session and never written to the database."""
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from lms.catalog.models import Lesson, Module, Question, Quiz
from lms.extensions import db
from lms.learning.models import LessonProgress
from lms.quizzes import practice_state
from lms.quizzes.demo import answer_fields
from lms.quizzes.models import QuestionResponse, QuizAttempt
from lms.quizzes.types import TYPES
from tests.quizzes import helpers as h


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def practice(make, enrol, login, client):
    """practice(questions=3, types=("single",), **settings): a free-navigation course whose one
    module has a quiz, and an enrolled learner logged in on `client`."""

    def _practice(questions=3, types=("single",), rich=None, **settings):
        db.session.rollback()
        course = make.course(modules=1, lessons=1, questions=0, final=False, navigation="free")
        module = db.session.scalar(select(Module).where(Module.course_id == course.id))
        quiz = make.quiz(course, module, questions=0 if rich else questions, types=list(types), **settings)
        if rich:
            h.add_questions(quiz, course, rich)
        learner = make.user()
        enrol(learner, course)
        login(learner)
        db.session.rollback()
        quiz_url = f"/courses/{course.slug}/quizzes/{quiz.slug}"
        return SimpleNamespace(course=course, quiz=quiz, learner=learner, client=client,
                               quiz_url=quiz_url, url=quiz_url + "/practice")

    return _practice


def show(w, client=None) -> str:
    response = (client or w.client).get(w.url)
    assert response.status_code == 200, text(response)[:500]
    return text(response)


def shown_question(html: str) -> Question:
    db.session.rollback()
    return db.session.get(Question, int(h.hidden(html, "question_id")))


def fields_for(question: Question, right: bool) -> list[tuple[str, str]]:
    if right:
        return answer_fields(question, TYPES[question.type].correct_response(question.data))
    wrong = next(o for o in question.data["options"] if o["fraction"] <= 0)
    return [(f"q{question.id}", wrong["id"])]


def answer(w, right: bool, *, choice: str | None = None) -> str:
    """Answer the question on show; the feedback page that follows."""
    html = show(w)
    question = shown_question(html)
    fields = [(f"q{question.id}", choice)] if choice else fields_for(question, right)
    posted = w.client.post(w.url + "/answer", data=MultiDict(
        [("position", h.hidden(html, "position")), ("question_id", question.id), *fields]))
    assert posted.status_code == 303 and posted.headers["Location"].endswith("/practice#practice")
    return show(w)


def step(w, action: str, html: str) -> None:
    posted = w.client.post(f"{w.url}/{action}", data={"position": h.hidden(html, "position")})
    assert posted.status_code == 303


def rows() -> tuple[int, int]:
    db.session.rollback()
    return (db.session.scalar(select(func.count()).select_from(QuizAttempt)),
            db.session.scalar(select(func.count()).select_from(QuestionResponse)))


def fail_graded_attempt(w, client=None) -> None:
    client = client or w.client
    attempt_id = h.start(client, w)
    assert h.submit(client, attempt_id, []).status_code == 303


def pass_graded_attempt(w) -> None:
    attempt_id = h.start(w.client, w)
    assert h.submit(w.client, attempt_id, h.answers_for(attempt_id)).status_code == 303


def test_the_quiz_page_offers_practice_for_a_module_quiz(practice):
    w = practice()
    page = text(w.client.get(w.quiz_url))
    assert "Practise these questions" in page and f'href="{w.url}"' in page
    assert "does not count towards the course" in page


def test_a_round_end_to_end_counts_first_answers_and_writes_nothing(practice):
    w = practice(questions=3)
    fail_graded_attempt(w)  # graded rows exist: practice must leave them as they are
    before = rows()
    assert before[0] == 1

    first = show(w)
    assert "Question 1 of 3" in first and "Check my answer" in first
    assert "Practice is not graded and does not count towards the course." in first
    right = answer(w, right=True)
    assert "✓ Right" in right and "Because" in right  # the question's feedback
    assert "Try again" not in right and "Next question" in right
    step(w, "next", right)

    wrong = answer(w, right=False)
    assert "✗ Wrong" in wrong and "Question 2 of 3" in wrong
    assert 'action="' + w.url + '/retry"' in wrong  # the key is hidden, so they may try again
    step(w, "retry", wrong)
    again = show(w)
    assert "Check my answer" in again and "Question 2 of 3" in again
    assert "✓ Right" in answer(w, right=True)  # right at the second try: practice, not a score
    step(w, "next", show(w))

    last = answer(w, right=True)
    assert "See how you did" in last
    step(w, "next", last)
    summary = show(w)
    assert "2 of 3 right in this practice round." in summary
    assert "Practice is not graded and does not count towards the course." in summary
    assert "Practise again" in summary and f'href="{w.quiz_url}"' in summary
    assert rows() == before

    assert w.client.post(w.url + "/restart").status_code == 303
    assert "Question 1 of 3" in show(w)
    assert rows() == before
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 0


def test_practice_leaves_the_graded_result_alone(practice):
    w = practice(questions=2)
    for _ in range(2):
        html = answer(w, right=True)
        step(w, "next", html)
    assert "2 of 2 right" in show(w)
    overview = text(w.client.get(w.quiz_url))
    assert "Attempts: 0 used, 3 left." in overview and "Your attempts" not in overview


def test_the_right_answer_is_hidden_until_the_graded_review_would_show_it(practice):
    w = practice(questions=2)
    wrong = answer(w, right=False)
    assert "(a right answer)" not in wrong and "Try again" in wrong
    assert "Practice shows the right answers once you pass the quiz" in wrong
    step(w, "retry", wrong)

    fail_graded_attempt(w)
    assert "(a right answer)" not in answer(w, right=False)  # failed, attempts left: still hidden
    step(w, "retry", show(w))

    pass_graded_attempt(w)
    after = answer(w, right=False)
    assert "(a right answer)" in after and "✗ Wrong" in after
    assert "Practice shows the right answers" not in after
    assert f'action="{w.url}/retry"' not in after  # with the key on show, trying again is moot


def test_option_feedback_shows_for_the_option_chosen_and_the_form_hides_the_key(practice):
    w = practice(rich=[h.RICH[0]])
    form = show(w)
    assert "LEAK-" not in form and "fraction" not in form
    question = shown_question(form)
    beta = next(o["id"] for o in question.data["options"] if o["html"] == "Beta committee")
    feedback = answer(w, right=False, choice=beta)
    assert "LEAK-OPT-beta" in feedback and "LEAK-GENERAL-single" in feedback
    assert "LEAK-OPT-alpha" not in feedback  # not chosen, and the key is hidden


def test_a_quiz_that_never_shows_feedback_gives_only_the_verdict(practice):
    w = practice(rich=[h.RICH[0]], feedback="never")
    question = shown_question(show(w))
    beta = next(o["id"] for o in question.data["options"] if o["html"] == "Beta committee")
    page = answer(w, right=False, choice=beta)
    assert "✗ Wrong" in page and "LEAK-" not in page
    assert "This quiz does not show its right answers, in practice either." in page


def test_a_wrong_answer_links_to_the_lesson_that_teaches_it(practice):
    w = practice(questions=1)
    db.session.rollback()
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == w.course.id))
    question = db.session.scalar(select(Question).where(Question.quiz_id == w.quiz.id))
    question.lesson_id = lesson.id
    db.session.commit()
    lesson_url = f"/courses/{w.course.slug}/lessons/{lesson.slug}"
    wrong = answer(w, right=False)
    assert "Read again:" in wrong and f'href="{lesson_url}"' in wrong and lesson.title in wrong
    step(w, "retry", wrong)
    right = answer(w, right=True)
    assert "✓ Right" in right and "Read again:" not in right


def test_a_final_quiz_has_no_practice(make, enrol, login, client):
    course = make.course(modules=1, lessons=1, questions=2, final=True, navigation="free")
    learner = make.user()
    enrol(learner, course)
    login(learner)
    url = f"/courses/{course.slug}/quizzes/final"
    assert "Practise these questions" not in text(client.get(url))
    assert client.get(url + "/practice").status_code == 404
    for action in ("answer", "next", "retry", "restart"):
        assert client.post(f"{url}/practice/{action}", data={"position": 0, "question_id": 1}).status_code == 404
    assert client.get(f"/courses/{course.slug}/quizzes/nope/practice").status_code == 404


def test_a_locked_quiz_or_a_stranger_is_refused(make, enrol, login, client, app):
    course = make.course(modules=2, lessons=1, questions=2, final=False, navigation="sequential")
    learner = make.user()
    enrol(learner, course)
    login(learner)
    locked = client.get(f"/courses/{course.slug}/quizzes/module-2/practice")
    assert locked.status_code == 403 and "Module 1" in text(locked)
    assert client.post(f"/courses/{course.slug}/quizzes/module-2/practice/restart").status_code == 403
    assert "Practise these questions" not in text(client.get(f"/courses/{course.slug}/quizzes/module-2"))
    assert client.get(f"/courses/{course.slug}/quizzes/module-1/practice").status_code == 200
    stranger = login(make.user(), c=app.test_client())
    refused = stranger.get(f"/courses/{course.slug}/quizzes/module-1/practice")
    assert refused.status_code == 403 and "Enrol in this course" in text(refused)
    anonymous = app.test_client().get(f"/courses/{course.slug}/quizzes/module-1/practice")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_no_practice_while_a_graded_attempt_is_open(practice):
    w = practice()
    h.start(w.client, w)
    refused = w.client.get(w.url)
    assert refused.status_code == 409 and "attempt in progress" in text(refused)
    assert "Practise these questions" not in text(w.client.get(w.quiz_url))
    assert rows()[1] == 0


def test_the_page_is_in_french_when_the_quiz_has_french(practice, make, enrol, login, app):
    w = practice(questions=1)
    db.session.rollback()
    quiz = db.session.get(Quiz, w.quiz.id)
    quiz.translations = {"fr": {"title": "Quiz du module"}}
    question = db.session.scalar(select(Question).where(Question.quiz_id == quiz.id))
    question.translations = {"fr": {"text_html": "<p>Quelle est la bonne réponse ?</p>",
                                    "feedback_html": "<p>Parce que.</p>"}}
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == w.course.id))
    lesson.translations = {"fr": {"title": "Leçon à relire"}}
    question.lesson_id = lesson.id
    db.session.commit()
    francophone = make.user(locale="fr")
    enrol(francophone, w.course)
    w.client = login(francophone, c=app.test_client())
    page = show(w)
    assert '<html lang="fr">' in page and "Quiz du module" in page
    assert "Quelle est la bonne réponse ?" in page and 'lang="en"' not in page.split("<main", 1)[1]
    wrong = answer(w, right=False)
    assert "Parce que." in wrong and "Leçon à relire" in wrong


def test_a_quiz_without_french_marks_its_english_questions(practice, make, enrol, login, app):
    w = practice(questions=1)
    francophone = make.user(locale="fr")
    enrol(francophone, w.course)
    page = show(w, login(francophone, c=app.test_client()))
    assert '<html lang="fr">' in page and re.search(r'<div class="quiz-question" lang="en">', page)


@pytest.mark.parametrize("stored", [
    {"ids": [999999], "s": 1, "p": 0, "r": 0, "a": None, "m": None, "c": False},
    {"ids": "everything", "s": "x"},
    "not even a dict",
    {"ids": [None], "s": 1, "p": 5, "r": 9, "a": [], "m": "1", "c": True},
])
def test_a_stale_or_tampered_round_restarts_cleanly(practice, stored):
    w = practice(questions=3)
    if isinstance(stored, dict):
        stored = {**stored, "q": w.quiz.id}  # this quiz's round, but not one that fits it
    with w.client.session_transaction() as session:
        session[practice_state.KEY] = stored
    posted = w.client.post(w.url + "/answer", data={"position": 0, "question_id": 999999})
    assert posted.status_code == 303
    page = show(w)
    assert "Question 1 of 3" in page and "a new round has started" in page
    with w.client.session_transaction() as session:
        stored = session[practice_state.KEY]
    assert len(stored["ids"]) == 3 and stored["p"] == 0


def test_an_archived_question_restarts_the_round_without_it(practice):
    w = practice(questions=3)
    html = show(w)
    question = shown_question(html)
    question.archived = True
    db.session.commit()
    page = show(w)
    assert "Question 1 of 2" in page and int(h.hidden(page, "question_id")) != question.id


def test_a_replayed_form_neither_marks_twice_nor_skips(practice):
    w = practice(questions=3)
    html = show(w)
    question = shown_question(html)
    data = MultiDict([("position", "0"), ("question_id", question.id), *fields_for(question, True)])
    for _ in range(2):
        assert w.client.post(w.url + "/answer", data=data).status_code == 303
    feedback = show(w)
    for _ in range(2):
        step(w, "next", feedback)
    assert "Question 2 of 3" in show(w)
    other = MultiDict([("position", "1"), ("question_id", question.id), *fields_for(question, True)])
    assert w.client.post(w.url + "/answer", data=other).status_code == 303  # not this question
    assert "Check my answer" in show(w)
    with w.client.session_transaction() as session:
        assert session[practice_state.KEY]["r"] == 1


def test_a_blank_answer_is_not_marked(practice):
    w = practice(questions=2)
    html = show(w)
    posted = w.client.post(w.url + "/answer", data={"position": 0, "question_id": h.hidden(html, "question_id")})
    assert posted.status_code == 303
    page = show(w)
    assert "Answer the question before you check your answer." in page and "Check my answer" in page
    assert "✗ Wrong" not in page


def test_bad_forms_are_400(practice):
    w = practice(questions=2)
    show(w)
    assert w.client.post(w.url + "/answer", data={"position": "x", "question_id": 1}).status_code == 400
    assert w.client.post(w.url + "/next", data={}).status_code == 400
    assert w.client.post(w.url + "/retry", data={"position": 10**20}).status_code == 400


def test_every_practice_post_needs_the_csrf_token(practice, app):
    w = practice(questions=2)
    app.config["WTF_CSRF_ENABLED"] = True
    html = show(w)
    data = {"position": 0, "question_id": h.hidden(html, "question_id")}
    for action in ("answer", "next", "retry", "restart"):
        assert w.client.post(f"{w.url}/{action}", data=data).status_code == 400
    token = h.hidden(html, "csrf_token")
    assert w.client.post(w.url + "/restart", data={"csrf_token": token}).status_code == 303


def test_the_session_cookie_stays_small_with_a_long_answer(practice):
    w = practice(questions=40, types=("short",))
    html = show(w)
    long_answer = "é" * 500
    posted = w.client.post(w.url + "/answer", data={
        "position": 0, "question_id": h.hidden(html, "question_id"),
        f"q{h.hidden(html, 'question_id')}": long_answer})
    cookie = next(v for k, v in posted.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert len(cookie) < 3000, len(cookie)
    assert "✗ Wrong" in show(w)
