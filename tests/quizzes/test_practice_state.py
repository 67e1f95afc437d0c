"""A practice round's state: what survives the session cookie, marking, moving on, disclosure."""
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from lms.quizzes import practice_state as rounds
from lms.quizzes.settings import DEFAULTS
from lms.quizzes.types import BuildContext, build_question


def question(n: int, **raw):
    raw = {"type": "single", "text": f"Q{n}", "feedback": "Because.",
           "options": [{"text": "Yes", "correct": True}, {"text": "No"}], **raw}
    built = build_question(raw, BuildContext("c", "q", f"k{n}"))
    return SimpleNamespace(id=n, position=n, lesson_id=None, translations={}, **built)


def quiz(**settings):
    return SimpleNamespace(id=7, course_id=1, settings={**DEFAULTS, **settings}, translations={})


def option(q, text: str) -> str:
    return next(o["id"] for o in q.data["options"] if o["html"] == text)


def test_a_round_survives_the_cookie_and_rejects_anything_that_does_not_fit():
    pool = [question(n) for n in (1, 2, 3)]
    rnd = rounds.new_round(quiz(), pool, seed=5)
    assert sorted(rnd.ids) == [1, 2, 3]
    assert rounds.load(rnd.dump(), 7, {1, 2, 3}) == rnd
    assert rounds.load(rnd.dump(), 8, {1, 2, 3}) is None           # another quiz's round
    assert rounds.load(rnd.dump(), 7, {1, 2}) is None              # a question left the pool
    for broken in ({"p": 9}, {"r": 2}, {"ids": []}, {"ids": [1, 1]}, {"s": -1}, {"c": True},
                   {"a": {"choice": "x"}, "m": 3}, {"a": "x", "m": 1.0}, {"p": True}):
        assert rounds.load({**rnd.dump(), **broken}, 7, {1, 2, 3}) is None, broken
    assert rounds.load(None, 7, {1}) is None and rounds.load([1], 7, {1}) is None


def test_the_same_seed_gives_the_same_order_and_the_pool_is_capped():
    pool = [question(n) for n in range(1, 61)]
    one, two = rounds.new_round(quiz(), pool, seed=11), rounds.new_round(quiz(), pool, seed=11)
    assert one.ids == two.ids and len(one.ids) == rounds.MAX_QUESTIONS
    assert rounds.option_order(one, pool[0], quiz().settings) == rounds.option_order(two, pool[0], quiz().settings)
    kept = rounds.new_round(quiz(shuffle_questions=False), pool[:5], seed=3)
    assert kept.ids == [1, 2, 3, 4, 5]


def test_only_a_right_first_answer_counts():
    q = question(1)
    rnd = rounds.Round(7, [1, 2], seed=1)
    assert not rounds.check(rnd, q, MultiDict())                  # blank: nothing marked
    assert rnd.answer is None and not rnd.checked
    assert rounds.check(rnd, q, MultiDict({"q1": option(q, "No")}))
    assert (rnd.mark, rnd.right, rnd.checked) == (0.0, 0, True)
    rounds.retry(rnd)
    assert not rnd.checked and rnd.answer == {"choice": option(q, "No")}  # kept to change
    rounds.check(rnd, q, MultiDict({"q1": option(q, "Yes")}))
    assert (rnd.mark, rnd.right) == (1.0, 0)
    rounds.retry(rnd)
    assert rnd.checked  # nothing to try again once right
    rounds.advance(rnd)
    assert (rnd.position, rnd.answer, rnd.checked) == (1, None, False)
    rounds.advance(rnd)
    assert rnd.position == 1  # not before the answer is checked


@pytest.mark.parametrize(("settings", "passed", "answers", "feedback"), [
    ({}, False, False, True),
    ({}, True, True, True),
    ({"answers_after": "each_attempt"}, False, True, True),
    ({"feedback": "after_passing"}, False, False, False),
    ({"feedback": "after_passing"}, True, True, True),
    ({"feedback": "never"}, True, False, False),
    ({"review_shows_answers": False}, True, False, True),
])
def test_practice_shows_what_the_graded_review_would(settings, passed, answers, feedback):
    attempt = SimpleNamespace(state="finished", passed=passed, started_at=None, finished_at=None)
    seen = rounds.disclosure({**DEFAULTS, **settings}, [attempt])
    assert (seen.answers, seen.feedback) == (answers, feedback)
    assert (seen.notice is None) == answers
