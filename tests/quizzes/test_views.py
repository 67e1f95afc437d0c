"""The quiz pages as a learner uses them: overview, start, answer, autosave, submit, result."""
import re

from sqlalchemy import func, select

from lms.catalog.models import Course, Lesson, Question, Quiz
from lms.extensions import db
from lms.quizzes.models import FINISHED, IN_PROGRESS, QuizAttempt
from lms.quizzes.results import quiz_results
from tests.quizzes import helpers as h

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_overview_shows_the_rules_and_a_start_button(world):
    w = world(questions=8, pass_mark=80, max_attempts=2, time_limit_minutes=20, draw=5)
    page = text(w.client.get(w.quiz_url))
    assert "Quiz check" in page and "5 questions, drawn at random" in page
    assert "80%" in page and "20 minutes" in page and "Attempts: 0 used, 2 left." in page
    assert "Start the quiz" in page and "The timer starts when you press Start" in page


def test_overview_lists_past_attempts_with_scores_and_review_links(world):
    w = world(max_attempts=3, attempt_delay_minutes=30)
    attempt_id = h.start(w.client, w)
    assert h.submit(w.client, attempt_id, h.answers_for(attempt_id)).status_code == 303
    page = text(w.client.get(w.quiz_url))
    assert "100%" in page and "Passed" in page and f"/attempts/{attempt_id}/review" in page
    assert "Attempts: 1 used, 2 left." in page and "Your next attempt opens on" in page
    assert "Start a new attempt" not in page


def test_unknown_or_archived_quiz_is_404(world):
    w = world()
    assert w.client.get(f"/courses/{w.course.slug}/quizzes/nope").status_code == 404
    assert w.client.get("/courses/nope/quizzes/check").status_code == 404
    assert w.client.post(f"/courses/{w.course.slug}/quizzes/nope/start").status_code == 404
    db.session.rollback()
    db.session.get(Quiz, w.quiz.id).archived = True
    db.session.commit()
    assert w.client.get(w.quiz_url).status_code == 404
    assert w.client.post(w.quiz_url + "/start").status_code == 404
    db.session.get(Quiz, w.quiz.id).archived = False
    db.session.get(Course, w.course.id).archived = True
    db.session.commit()
    assert w.client.get(w.quiz_url).status_code == 404


def test_a_learner_not_enrolled_cannot_start(world, make, login, app):
    w = world()
    stranger = login(make.user(), c=app.test_client())
    page = text(stranger.get(w.quiz_url))
    assert "Enrol in this course" in page and "Start the quiz" not in page
    refused = stranger.post(w.quiz_url + "/start")
    assert refused.status_code == 403 and "Enrol in this course" in text(refused)
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


def test_start_twice_resumes_the_same_attempt(world):
    w = world()
    first = h.start(w.client, w)
    assert h.start(w.client, w) == first
    assert "Continue your attempt" in text(w.client.get(w.quiz_url))


def test_attempt_page_follows_the_stored_order(world):
    w = world(rich=True)
    attempt_id = h.start(w.client, w)
    attempt = h.attempt(attempt_id)
    page = text(w.client.get(f"/attempts/{attempt_id}"))
    shown = [int(n) for n in re.findall(r'<li id="q(\d+)" class="quiz-question">', page)]
    assert shown == attempt.question_ids
    for question_id, order in attempt.option_orders.items():
        if order:
            positions = [page.index(option) for option in order]
            assert positions == sorted(positions), question_id


def test_every_type_renders_an_accessible_control(world):
    w = world(rich=True)
    page = text(w.client.get(f"/attempts/{h.start(w.client, w)}"))
    assert page.count("<fieldset") == 6 and page.count("<legend>") == 6
    assert 'type="radio"' in page and 'type="checkbox"' in page
    assert 'class="quiz-position"' in page and 'maxlength="500"' in page
    assert page.count('<select id="q') == 3 + 4  # one per matching item, one per ordering item


def test_autosave_with_htmx_returns_a_small_fragment_and_the_new_sequence(world):
    w = world(types=["short"], questions=2)
    attempt_id = h.start(w.client, w)
    qid = h.attempt(attempt_id).question_ids[0]
    saved = w.client.post(f"/attempts/{attempt_id}/answer", headers=HX,
                          data={"question_id": qid, "sequence": 0, f"q{qid}": "forty-seven"})
    assert saved.status_code == 200
    body = text(saved)
    assert "Saved" in body and "<html" not in body and 'id="attempt-sequence" value="1"' in body
    assert h.responses(attempt_id)[0].response == {"text": "forty-seven"}
    page = text(w.client.get(f"/attempts/{attempt_id}"))
    assert 'value="forty-seven"' in page and 'name="sequence" id="attempt-sequence" value="1"' in page


def test_save_without_javascript_redirects_back_to_the_question(world):
    w = world(types=["short"], questions=2)
    attempt_id = h.start(w.client, w)
    qid = h.attempt(attempt_id).question_ids[1]
    saved = w.client.post(f"/attempts/{attempt_id}/answer", data={"question_id": qid, "sequence": 0, f"q{qid}": "x"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/attempts/{attempt_id}#q{qid}")


def test_stale_save_is_refused_and_the_newer_answer_kept(world):
    w = world(types=["short"], questions=2)
    attempt_id = h.start(w.client, w)
    qid = h.attempt(attempt_id).question_ids[0]
    url = f"/attempts/{attempt_id}/answer"
    assert w.client.post(url, headers=HX, data={"question_id": qid, "sequence": 0, f"q{qid}": "new"}).status_code == 200
    stale = w.client.post(url, headers=HX, data={"question_id": qid, "sequence": 0, f"q{qid}": "old"})
    assert stale.status_code == 409 and "out of date" in text(stale) and "<html" not in text(stale)
    stale_page = w.client.post(url, data={"question_id": qid, "sequence": 0, f"q{qid}": "old"})
    assert stale_page.status_code == 409 and "Reload the page" in text(stale_page)
    assert h.responses(attempt_id)[0].response == {"text": "new"}
    old_form = text(w.client.get(f"/attempts/{attempt_id}")).replace('id="attempt-sequence" value="1"',
                                                                      'id="attempt-sequence" value="0"')
    stale_submit = h.submit(w.client, attempt_id, [(f"q{qid}", "old")], html=old_form)
    assert stale_submit.status_code == 409
    assert h.attempt(attempt_id).state == IN_PROGRESS


def test_submit_shows_the_result_and_a_replay_returns_the_same_result(world):
    w = world()
    attempt_id = h.start(w.client, w)
    html = text(w.client.get(f"/attempts/{attempt_id}"))
    first = h.submit(w.client, attempt_id, h.answers_for(attempt_id), html=html)
    assert first.status_code == 303 and first.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    replay = h.submit(w.client, attempt_id, [], html=html)
    assert replay.status_code == 303 and replay.headers["Location"] == first.headers["Location"]
    attempt = h.attempt(attempt_id)
    assert attempt.score == 100.0 and attempt.passed and attempt.state == FINISHED
    result = text(w.client.get(first.headers["Location"]))
    assert "100%" in result and "Passed" in result and "Attempts: 1 used, 2 left." in result
    assert len(h.responses(attempt_id)) == 6


def test_the_answer_forms_own_submit_sent_again_returns_the_result(world):
    """The attempt page's form carries check=1; a phone that lost the response sends it again."""
    w = world()
    attempt_id = h.start(w.client, w)
    html = text(w.client.get(f"/attempts/{attempt_id}"))
    first = h.submit(w.client, attempt_id, h.answers_for(attempt_id), html=html, check="1")
    assert first.status_code == 303 and first.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    replay = h.submit(w.client, attempt_id, h.answers_for(attempt_id), html=html, check="1")
    assert replay.status_code == 303 and replay.headers["Location"] == first.headers["Location"]
    other_key = h.submit(w.client, attempt_id, [], html=html, check="1", submit_key="another-form-key-1234")
    assert other_key.status_code == 409
    attempt = h.attempt(attempt_id)
    assert attempt.state == FINISHED and attempt.score == 100.0
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)
                             .where(QuizAttempt.quiz_id == attempt.quiz_id)) == 1


def test_posts_to_a_finished_attempt_are_refused(world):
    w = world(types=["short"], questions=2)
    attempt_id = h.start(w.client, w)
    assert h.submit(w.client, attempt_id, []).status_code == 303
    qid = h.attempt(attempt_id).question_ids[0]
    save = w.client.post(f"/attempts/{attempt_id}/answer", data={"question_id": qid, "sequence": 1, f"q{qid}": "47"})
    assert save.status_code == 409 and "already finished" in text(save)
    again = w.client.post(f"/attempts/{attempt_id}/submit",
                          data={"sequence": 1, "submit_key": "a-different-key-123", f"q{qid}": "47"})
    assert again.status_code == 409
    attempt = h.attempt(attempt_id)
    assert attempt.score == 0.0 and all(r.response.get("text") == "" for r in h.responses(attempt_id))
    assert w.client.get(f"/attempts/{attempt_id}").headers["Location"].endswith("/result")


def test_bad_forms_are_400_and_write_nothing(world):
    w = world(types=["short"], questions=2)
    attempt_id = h.start(w.client, w)
    qid = h.attempt(attempt_id).question_ids[0]
    assert w.client.post(f"/attempts/{attempt_id}/answer", data={"question_id": qid, f"q{qid}": "x"}).status_code == 400
    assert w.client.post(f"/attempts/{attempt_id}/answer",
                         data={"question_id": "abc", "sequence": 0}).status_code == 400
    assert w.client.post(f"/attempts/{attempt_id}/answer",
                         data={"question_id": qid + 999, "sequence": 0}).status_code == 400
    assert w.client.post(f"/attempts/{attempt_id}/submit", data={"sequence": 0}).status_code == 400
    assert w.client.post(f"/attempts/{attempt_id}/submit",
                         data={"sequence": 0, "submit_key": "short"}).status_code == 400
    too_big = w.client.post(f"/attempts/{attempt_id}/answer",
                            data={"question_id": qid, "sequence": 0, f"q{qid}": "x" * (6 * 1024 * 1024)})
    assert too_big.status_code == 413
    attempt = h.attempt(attempt_id)
    assert attempt.state == IN_PROGRESS and attempt.sequence == 0 and h.responses(attempt_id) == []
    # A 200 KB answer (under the form limit) is accepted but only its first 500 characters are kept.
    huge = w.client.post(f"/attempts/{attempt_id}/answer",
                         data={"question_id": qid, "sequence": 0, f"q{qid}": "x" * (200 * 1024)})
    assert huge.status_code == 303
    assert h.responses(attempt_id)[0].response == {"text": "x" * 500}


def test_another_learners_attempt_is_404_everywhere(world, make, login, app, enrol):
    w = world()
    attempt_id = h.start(w.client, w)
    db.session.rollback()
    other = make.user()
    enrol(other, w.course)
    intruder = login(other, c=app.test_client())
    missing = attempt_id + 1000
    for target in (attempt_id, missing):
        for path in ("", "/result", "/review"):
            assert intruder.get(f"/attempts/{target}{path}").status_code == 404
        assert intruder.post(f"/attempts/{target}/answer", data={"question_id": 1, "sequence": 0}).status_code == 404
        assert intruder.post(f"/attempts/{target}/submit",
                             data={"sequence": 0, "submit_key": "k" * 30}).status_code == 404
    assert h.attempt(attempt_id).state == IN_PROGRESS and h.responses(attempt_id) == []


def test_result_and_review_of_an_open_attempt_go_back_to_the_form(world):
    w = world()
    attempt_id = h.start(w.client, w)
    for path in ("/result", "/review"):
        response = w.client.get(f"/attempts/{attempt_id}{path}")
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/attempts/{attempt_id}")


def test_attempt_page_query_count_does_not_grow_with_the_quiz(world, count_queries, make, enrol, login, app):
    counts = []
    for size in (5, 40):
        w = world(questions=size)
        client = login(w.learner, c=app.test_client())
        attempt_id = h.start(client, w)
        client.post(f"/attempts/{attempt_id}/submit", data={})  # a 400: nothing
        with count_queries() as counter:
            assert client.get(f"/attempts/{attempt_id}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 10, counts


def test_overview_result_and_review_query_counts_are_fixed(world, count_queries, app, login):
    counts = {}
    for size in (5, 40):
        w = world(questions=size)
        client = login(w.learner, c=app.test_client())
        attempt_id = h.start(client, w)
        h.submit(client, attempt_id, h.answers_for(attempt_id))
        for path in (w.quiz_url, f"/attempts/{attempt_id}/result", f"/attempts/{attempt_id}/review"):
            with count_queries() as counter:
                assert client.get(path).status_code == 200
            counts.setdefault(path.split("/")[-1], []).append(counter.count)
    for name, pair in counts.items():
        assert pair[0] == pair[1], (name, pair)


def test_unanswered_questions_are_stored_empty_for_item_analysis(world):
    w = world(questions=6)
    attempt_id = h.start(w.client, w)
    h.submit(w.client, attempt_id, [])
    rows = h.responses(attempt_id)
    assert len(rows) == 6 and all(r.mark == 0.0 for r in rows)


def test_questions_show_in_the_learners_language(world, make, login, app, enrol):
    w = world(rich=True)
    db.session.rollback()
    question = db.session.scalar(select(Question).where(Question.quiz_id == w.quiz.id, Question.key == "single"))
    options = question.data["options"]
    question.translations = {"fr": {"text_html": "<p>Quelle instance tient l’examen ?</p>",
                                    "feedback_html": "<p>LEAK-GENERAL-fr</p>",
                                    "data": {"options": [{"id": options[0]["id"], "html": "Conseil Alpha",
                                                          "fraction": 1.0, "feedback_html": "LEAK-OPT-fr"}]}}}
    db.session.commit()
    francophone = make.user(locale="fr")
    enrol(francophone, w.course)
    client = login(francophone, c=app.test_client())
    attempt_id = h.start(client, w)
    page = text(client.get(f"/attempts/{attempt_id}"))
    assert "Quelle instance tient l’examen ?" in page and "Conseil Alpha" in page
    assert "Beta committee" in page  # untranslated options fall back to English
    assert "LEAK-" not in page and "fraction" not in page
    h.submit(client, attempt_id, h.answers_for(attempt_id))
    review = text(client.get(f"/attempts/{attempt_id}/review"))
    assert "LEAK-GENERAL-fr" in review and "Conseil Alpha" in review


def test_a_locked_module_quiz_cannot_start(make, enrol, login, client):
    course = make.course(modules=2, lessons=1, questions=3, final=False, navigation="sequential")
    learner = make.user()
    enrol(learner, course)
    login(learner)
    locked = client.post(f"/courses/{course.slug}/quizzes/module-2/start")
    assert locked.status_code == 403 and "Module 1" in text(locked)
    overview = text(client.get(f"/courses/{course.slug}/quizzes/module-2"))
    assert "Module 1" in overview and "Start the quiz" not in overview
    assert client.post(f"/courses/{course.slug}/quizzes/module-1/start").status_code == 303
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_the_quiz_result_follows_the_grading_method(world):
    w = world(grading="last", max_attempts=3)
    first = h.start(w.client, w)
    h.submit(w.client, first, h.answers_for(first))
    second = h.start(w.client, w)
    h.submit(w.client, second, [])
    page = text(w.client.get(f"/attempts/{second}/result"))
    assert "Your quiz result (last attempt): 0%" in page and "Not passed" in page
    db.session.rollback()
    result = quiz_results([w.learner.id], [w.quiz.id])[(w.learner.id, w.quiz.id)]
    assert (result.score, result.passed, result.attempts, result.failed_attempts) == (0.0, False, 2, 1)


def test_absurd_ids_and_numbers_are_refused_cleanly(world):
    w = world(types=["short"], questions=2)
    attempt_id = h.start(w.client, w)
    huge = 10**20
    for path in (f"/attempts/{huge}", f"/attempts/{huge}/result", f"/attempts/{huge}/review"):
        assert w.client.get(path).status_code == 404
    assert w.client.post(f"/attempts/{huge}/submit", data={"sequence": 0, "submit_key": "k" * 30}).status_code == 404
    saved = w.client.post(f"/attempts/{attempt_id}/answer", data={"sequence": huge, "question_id": huge})
    assert saved.status_code == 400
    assert w.client.post(f"/attempts/{attempt_id}/answer", data={"sequence": -1, "question_id": 1}).status_code == 400


def test_every_quiz_post_needs_the_csrf_token(world, app):
    w = world(types=["short"], questions=2)
    app.config["WTF_CSRF_ENABLED"] = True
    assert w.client.post(w.quiz_url + "/start").status_code == 400
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0
    token = h.hidden(text(w.client.get(w.quiz_url)), "csrf_token")
    started = w.client.post(w.quiz_url + "/start", data={"csrf_token": token})
    assert started.status_code == 303
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    qid = h.attempt(attempt_id).question_ids[0]
    form = {"question_id": qid, "sequence": 0, f"q{qid}": "47"}
    assert w.client.post(f"/attempts/{attempt_id}/answer", headers=HX, data=form).status_code == 400
    assert w.client.post(f"/attempts/{attempt_id}/answer", headers={**HX, "X-CSRFToken": token},
                         data=form).status_code == 200
    assert w.client.post(f"/attempts/{attempt_id}/submit",
                         data={"sequence": 1, "submit_key": "k" * 30}).status_code == 400
    assert h.attempt(attempt_id).state == IN_PROGRESS


def test_unanswered_questions_are_listed_before_marking_and_nothing_is_lost(world):
    w = world(types=["short"], questions=3)
    attempt_id = h.start(w.client, w)
    first, second, third = h.attempt(attempt_id).question_ids
    summary = h.submit(w.client, attempt_id, [(f"q{first}", "47")], check="1")
    page = summary.get_data(as_text=True)
    assert summary.status_code == 200 and "2 questions are not answered yet" in page
    assert f"#q{second}" in page and f"#q{third}" in page and f"#q{first}\"" not in page
    assert h.attempt(attempt_id).state != "finished"
    assert {r.question_id: r.response for r in h.responses(attempt_id)}[first] == {"text": "47"}
    back = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert 'value="47"' in back                                   # the answer sent is kept
    anyway = h.submit(w.client, attempt_id, html=page, stored="1")
    assert anyway.status_code == 303
    attempt = h.attempt(attempt_id)
    assert attempt.state == "finished" and round(attempt.score) == 33


def test_a_complete_answer_sheet_is_marked_at_once(world):
    w = world(types=["short"], questions=2)
    attempt_id = h.start(w.client, w)
    first, second = h.attempt(attempt_id).question_ids
    response = h.submit(w.client, attempt_id, [(f"q{first}", "47"), (f"q{second}", "47")], check="1")
    assert response.status_code == 303 and h.attempt(attempt_id).score == 100.0


def test_result_shows_each_question_and_a_wrong_answer_points_to_its_lesson(world):
    w = world(types=["short"], questions=2)
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == w.course.id))
    for question in db.session.scalars(select(Question).where(Question.quiz_id == w.quiz.id)):
        question.lesson_id = lesson.id
    db.session.commit()
    attempt_id = h.start(w.client, w)
    first, second = h.attempt(attempt_id).question_ids
    h.submit(w.client, attempt_id, [(f"q{first}", "47"), (f"q{second}", "a wrong guess")])
    result = w.client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    texts = [db.session.get(Question, i).text_html for i in (first, second)]
    assert all(re.sub("<[^>]+>", "", text).strip()[:40] in result for text in texts)
    link = f'href="/courses/{w.course.slug}/lessons/{lesson.slug}"'
    assert result.count(link) == 1 and "Read again:" in result      # only the wrong one
    review = w.client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert review.count(link) == 1
