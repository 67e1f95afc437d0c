"""What result and review pages show under each feedback policy, and the leak test: no
answer key, correctness flag or feedback text in any response while an attempt is open."""
import re

import pytest
from werkzeug.datastructures import MultiDict

from lms.catalog.models import Question
from lms.extensions import db
from tests.quizzes import helpers as h

HX = {"HX-Request": "true"}
FEEDBACK = ["LEAK-GENERAL-", "LEAK-OPT-"]  # every feedback text of the RICH quiz starts so
RIGHT_MARK = "(a right answer)"
ACCEPTED = "zanzibar-forty-seven"


def take(w, right: bool) -> int:
    attempt_id = h.start(w.client, w)
    assert h.submit(w.client, attempt_id, h.answers_for(attempt_id) if right else []).status_code == 303
    return attempt_id


def pages(w, attempt_id) -> tuple[str, str]:
    result = w.client.get(f"/attempts/{attempt_id}/result")
    review = w.client.get(f"/attempts/{attempt_id}/review")
    assert result.status_code == review.status_code == 200
    return result.get_data(as_text=True), review.get_data(as_text=True)


def shows_feedback(html: str) -> bool:
    """General feedback on every question (option feedback only follows chosen options)."""
    return all(f"LEAK-GENERAL-{t}" in html for t in ("single", "multiple", "truefalse", "matching",
                                                       "ordering", "short"))


def test_after_each_attempt_shows_marks_feedback_and_answers(world):
    w = world(rich=True, feedback="after_each_attempt", answers_after="each_attempt")
    result, review = pages(w, take(w, right=False))
    assert "0%" in result and "Not passed" in result and "Marks per question" in result
    assert shows_feedback(review) and RIGHT_MARK in review and ACCEPTED in review
    assert "The right order:" in review and "Right match" in review
    assert "You did not answer this question." in review
    assert "LEAK-OPT-" not in review  # nothing was chosen
    _result, review = pages(w, take(w, right=True))
    assert "LEAK-OPT-alpha" in review and "LEAK-OPT-national" in review and "LEAK-OPT-beta" not in review


def test_by_default_a_failed_attempt_shows_marks_but_not_the_key_until_a_pass_or_the_last_attempt(world):
    w = world(rich=True, max_attempts=3)
    result, review = pages(w, take(w, right=False))
    assert "Marks per question" in result and "LEAK-GENERAL-single" in review
    assert RIGHT_MARK not in review and ACCEPTED not in review and "The right order:" not in review
    assert "once you pass or have used your last attempt" in review
    take(w, right=False)
    third = take(w, right=False)  # the last allowed attempt
    _result, review = pages(w, third)
    assert RIGHT_MARK in review and ACCEPTED in review


def test_by_default_a_pass_shows_the_key(world):
    w = world(rich=True, max_attempts=0)
    failed = take(w, right=False)
    assert RIGHT_MARK not in pages(w, failed)[1]   # unlimited attempts: no "last" attempt to wait for
    take(w, right=True)
    assert RIGHT_MARK in pages(w, failed)[1]


def test_review_without_answers_shows_feedback_but_not_the_key(world):
    w = world(rich=True, feedback="after_each_attempt", review_shows_answers=False)
    _result, review = pages(w, take(w, right=False))
    assert "LEAK-GENERAL-single" in review
    assert RIGHT_MARK not in review and ACCEPTED not in review and "The right order:" not in review
    assert "does not show the right answers" in review


def test_after_passing_waits_for_a_pass(world):
    w = world(rich=True, feedback="after_passing")
    failed = take(w, right=False)
    result, review = pages(w, failed)
    assert "Not passed" in result and "0%" in result  # score and outcome always shown
    assert "Marks per question" not in result and "shown once you pass" in result
    assert not any(marker in review for marker in FEEDBACK) and RIGHT_MARK not in review
    passed = take(w, right=True)
    result, review = pages(w, passed)
    assert "Passed" in result and "Marks per question" in result and shows_feedback(review)
    assert "LEAK-OPT-alpha" in review
    _result, earlier_review = pages(w, failed)
    assert RIGHT_MARK in earlier_review  # once passed, earlier attempts may be reviewed too


def test_after_last_attempt_waits_for_the_last_attempt(world):
    w = world(rich=True, feedback="after_last_attempt", max_attempts=2)
    first = take(w, right=True)
    result, review = pages(w, first)
    assert "Passed" in result and "after your last attempt" in result and "Attempts: 1 used, 1 left." in result
    assert RIGHT_MARK not in review and "LEAK-GENERAL-" not in review
    take(w, right=False)
    result, review = pages(w, first)
    assert "Marks per question" in result and shows_feedback(review) and "1 used" not in result


def test_never_shows_only_score_and_outcome(world):
    w = world(rich=True, feedback="never", max_attempts=1)
    result, review = pages(w, take(w, right=True))
    assert "100%" in result and "Passed" in result and "Attempts: 1 used, 0 left." in result
    assert "does not show marks or feedback" in result and "Marks per question" not in result
    assert not any(marker in review for marker in FEEDBACK) and RIGHT_MARK not in review
    assert ACCEPTED in review  # the learner's own answer, typed by them, is theirs to see


def _leaks(html: str) -> list[str]:
    found = [word for word in ("fraction", "correct", "zanzibar", "LEAK-", "right_id", "feedback_html", "answer_key")
             if word in html.lower() or word in html]
    return found


def test_no_answer_key_or_feedback_reaches_an_open_attempt(world):
    w = world(rich=True, max_attempts=3)
    # A finished attempt exists too: its feedback must not spill into the new one.
    take(w, right=False)
    attempt_id = h.start(w.client, w)
    attempt = h.attempt(attempt_id)
    questions = {q.id: q for q in db.session.query(Question).filter(Question.id.in_(attempt.question_ids))}
    seen = {}
    seen["overview"] = w.client.get(w.quiz_url).get_data(as_text=True)
    page = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    seen["attempt page"] = page
    for path in ("result", "review"):
        seen[path] = w.client.get(f"/attempts/{attempt_id}/{path}", follow_redirects=True).get_data(as_text=True)
    sequence = 0
    key = h.answers_for(attempt_id)
    for question_id, question in questions.items():
        fields = [(k, v) for k, v in key if k.split("-")[0] == f"q{question_id}"]
        saved = w.client.post(f"/attempts/{attempt_id}/answer", headers=HX,
                              data=MultiDict([("question_id", question_id), ("sequence", sequence), *fields]))
        assert saved.status_code == 200
        seen[f"save {question.type}"] = saved.get_data(as_text=True)
        sequence += 1
    stale = w.client.post(f"/attempts/{attempt_id}/answer", headers=HX, data={"question_id": question_id,
                                                                              "sequence": 0})
    seen["stale save"] = stale.get_data(as_text=True)
    seen["plain save"] = w.client.post(f"/attempts/{attempt_id}/answer", follow_redirects=True,
                                       data={"question_id": question_id, "sequence": sequence}).get_data(as_text=True)
    seen["attempt page after saves"] = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    for name, html in seen.items():
        assert _leaks(html) == [], name
    # Option values are the opaque ids, in the attempt's shuffled order, and nothing marks one out.
    for question_id, question in questions.items():
        if question.type in ("single", "multiple"):
            values = re.findall(rf'name="q{question_id}" value="([0-9a-f]+)"', page)
            assert values == attempt.option_orders[str(question_id)]
        if question.type == "ordering":
            shown = [i for i in attempt.option_orders[str(question_id)]]
            assert shown != [i["id"] for i in question.data["items"]]
    assert " checked" not in page and " selected>" not in page.split('id="lang-select"')[1].split("</select>", 1)[1]


@pytest.mark.parametrize("policy", ["after_each_attempt", "never"])
def test_an_open_attempt_never_shows_marks_even_when_policy_allows(world, policy):
    w = world(rich=True, feedback=policy)
    attempt_id = h.start(w.client, w)
    page = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Marks per question" not in page and "%" not in page.split("<main", 1)[1]


def test_the_key_stays_hidden_while_another_attempt_is_open(world):
    w = world(rich=True, feedback="after_each_attempt", answers_after="each_attempt")
    first = take(w, right=False)
    _result, review = pages(w, first)
    assert RIGHT_MARK in review
    h.start(w.client, w)  # a second attempt may draw the same questions
    _result, review = pages(w, first)
    assert RIGHT_MARK not in review and ACCEPTED not in review and "Right match" not in review
