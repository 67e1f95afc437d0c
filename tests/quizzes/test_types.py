"""Grading of every question type: all right, all wrong, partial, empty and malformed answers.

The grader must never raise and never give marks to something a learner could not have
sent from the form: a missing field, an option id from another question, a 1 MB string.
"""
import pytest
from werkzeug.datastructures import MultiDict

from lms.quizzes.types import TYPES, BuildContext, build_question, grade

HUGE = "x" * (1024 * 1024)


def built(raw, key="q"):
    ctx = BuildContext("course", "quiz", key)
    question = build_question({"text": "A question?", "feedback": "Why.", **raw}, ctx)
    assert not ctx.problems, ctx.problems
    return question["data"]


SINGLE = {"type": "single", "options": [{"text": "Right", "correct": True}, {"text": "Wrong A"},
                                         {"text": "Wrong B"}]}
MULTIPLE = {"type": "multiple", "options": [{"text": "Yes A", "correct": True}, {"text": "Yes B", "correct": True},
                                             {"text": "No A"}, {"text": "No B"}]}
MATCHING = {"type": "matching", "pairs": [{"left": "L1", "right": "R1"}, {"left": "L2", "right": "R2"},
                                          {"left": "L3", "right": "R3"}]}
ORDERING = {"type": "ordering", "items": ["one", "two", "three"], "scoring": "partial"}
SHORT = {"type": "short", "answers": ["forty-seven", "47", "Société civile"]}


def ids(data, key="options"):
    return [entry["id"] for entry in data[key]]


# ---- single choice ----------------------------------------------------------------------

def test_single_choice_right_wrong_and_empty():
    data = built(SINGLE)
    right, wrong_a, wrong_b = ids(data)
    assert grade("single", data, {"choice": right}) == 1.0
    assert grade("single", data, {"choice": wrong_a}) == grade("single", data, {"choice": wrong_b}) == 0.0
    assert grade("single", data, {}) == 0.0


@pytest.mark.parametrize("response", [
    {"choices": ["whatever"]}, {"choice": None}, {"choice": ["a", "b"]}, {"choice": HUGE}, "a string", None, 42,
])
def test_single_choice_malformed_answers_score_zero(response):
    assert grade("single", built(SINGLE), response) == 0.0


def test_single_choice_option_from_another_question_scores_zero():
    data, other = built(SINGLE, "q1"), built(SINGLE, "q2")
    assert grade("single", data, {"choice": ids(other)[0]}) == 0.0
    assert TYPES["single"].parse_form(data, MultiDict({"q1": ids(other)[0]}), "q1") == {}


# ---- multiple response ------------------------------------------------------------------

def test_multiple_response_partial_credit_never_below_zero():
    data = built(MULTIPLE)
    yes_a, yes_b, no_a, no_b = ids(data)
    assert grade("multiple", data, {"choices": [yes_a, yes_b]}) == 1.0
    assert grade("multiple", data, {"choices": [yes_a]}) == 0.5
    assert grade("multiple", data, {"choices": [yes_a, no_a]}) == 0.0          # 0.5 - 0.5
    assert grade("multiple", data, {"choices": [no_a, no_b]}) == 0.0           # all wrong, not -1
    assert grade("multiple", data, {"choices": [yes_a, yes_b, no_a, no_b]}) == 0.0  # ticking all earns nothing
    assert grade("multiple", data, {"choices": []}) == 0.0
    assert grade("multiple", data, {}) == 0.0


def test_multiple_response_gift_weights():
    data = built({"type": "multiple", "options": [{"text": "A", "fraction": 0.5}, {"text": "B", "fraction": 0.5},
                                                   {"text": "C", "fraction": -1.0}]})
    a, b, c = ids(data)
    assert grade("multiple", data, {"choices": [a]}) == 0.5
    assert grade("multiple", data, {"choices": [a, b, c]}) == 0.0


@pytest.mark.parametrize("make_response", [
    lambda i: {"choices": i[0]},                 # not a list
    lambda i: {"choices": [i[0], i[0]]},         # the same right option twice
    lambda i: {"choices": [i[0], HUGE]},         # a 1 MB id
    lambda i: {"choices": i * 2},                # more choices than options
    lambda i: {"choice": i[0]},                  # the single-choice field
])
def test_multiple_response_malformed_answers_score_zero(make_response):
    data = built(MULTIPLE)
    assert grade("multiple", data, make_response(ids(data))) == 0.0


def test_multiple_response_ignores_option_from_another_question():
    data, other = built(MULTIPLE, "q1"), built(MULTIPLE, "q2")
    assert grade("multiple", data, {"choices": [ids(data)[0], ids(other)[1]]}) == 0.0
    form = MultiDict([("q1", ids(data)[0]), ("q1", ids(other)[1]), ("q1", ids(data)[0])])
    assert TYPES["multiple"].parse_form(data, form, "q1") == {"choices": [ids(data)[0]]}


# ---- true/false -------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [True, False])
def test_true_false(answer):
    data = built({"type": "truefalse", "answer": answer})
    right, wrong = ("true", "false") if answer else ("false", "true")
    assert grade("truefalse", data, {"choice": right}) == 1.0
    assert grade("truefalse", data, {"choice": wrong}) == 0.0
    assert grade("truefalse", data, {}) == 0.0


@pytest.mark.parametrize("response", [{"choice": True}, {"choice": "True"}, {"choice": 1}, {"choice": HUGE},
                                      {"choices": ["true"]}, []])
def test_true_false_malformed_answers_score_zero(response):
    assert grade("truefalse", built({"type": "truefalse", "answer": True}), response) == 0.0


# ---- matching ---------------------------------------------------------------------------

def matching_key(data):
    return {p["id"]: p["right_id"] for p in data["pairs"]}


def test_matching_credit_per_pair():
    data = built(MATCHING)
    key = matching_key(data)
    lefts, rights = list(key), list(key.values())
    assert grade("matching", data, {"pairs": key}) == 1.0
    rotated = {lefts[0]: rights[1], lefts[1]: rights[2], lefts[2]: rights[0]}
    assert grade("matching", data, {"pairs": rotated}) == 0.0
    assert grade("matching", data, {"pairs": {lefts[0]: rights[0]}}) == pytest.approx(1 / 3)
    swapped = {lefts[0]: rights[0], lefts[1]: rights[2], lefts[2]: rights[1]}
    assert grade("matching", data, {"pairs": swapped}) == pytest.approx(1 / 3)
    assert grade("matching", data, {"pairs": {}}) == 0.0
    assert grade("matching", data, {}) == 0.0


def test_matching_malformed_answers_score_zero():
    data, other = built(MATCHING, "q1"), built(MATCHING, "q2")
    key = matching_key(data)
    first = next(iter(key))
    foreign_right = other["rights"][0]["id"]
    assert grade("matching", data, {"pairs": {**key, first: foreign_right}}) == 0.0
    assert grade("matching", data, {"pairs": {**key, first: HUGE}}) == 0.0
    assert grade("matching", data, {"pairs": list(key.items())}) == 0.0
    assert grade("matching", data, {"pairs": {**key, first: ["list"]}}) == 0.0
    # A left id that is not in the question adds nothing.
    assert grade("matching", data, {"pairs": {"unknown": next(iter(key.values()))}}) == 0.0
    form = MultiDict({f"q1-{first}": foreign_right})
    assert TYPES["matching"].parse_form(data, form, "q1") == {"pairs": {}}


# ---- ordering ---------------------------------------------------------------------------

def test_ordering_partial_credit_by_ordered_pairs():
    data = built(ORDERING)
    a, b, c = ids(data, "items")
    assert grade("ordering", data, {"order": [a, b, c]}) == 1.0
    assert grade("ordering", data, {"order": [c, b, a]}) == 0.0
    assert grade("ordering", data, {"order": [b, a, c]}) == pytest.approx(2 / 3)
    assert grade("ordering", data, {}) == 0.0


def test_ordering_all_or_nothing():
    data = built({**ORDERING, "scoring": "all_or_nothing"})
    a, b, c = ids(data, "items")
    assert grade("ordering", data, {"order": [a, b, c]}) == 1.0
    assert grade("ordering", data, {"order": [a, c, b]}) == 0.0


def test_ordering_malformed_answers_score_zero():
    data, other = built(ORDERING, "q1"), built(ORDERING, "q2")
    a, b, c = ids(data, "items")
    for order in ([a, b], [a, b, c, c], [a, b, ids(other, "items")[2]], [a, b, HUGE], "abc", [[a], b, c]):
        assert grade("ordering", data, {"order": order}) == 0.0, order


def test_ordering_with_blank_or_repeated_places_earns_nothing():
    """Every item at place 1 would sort ties in key order: that must not be a free pass."""
    data = built(ORDERING, "q1")
    a, b, c = ids(data, "items")
    ties = TYPES["ordering"].parse_form(data, MultiDict({f"q1-{a}": "1", f"q1-{b}": "1", f"q1-{c}": "1"}), "q1")
    assert ties["incomplete"] and ties["positions"] == {a: 1, b: 1, c: 1}
    assert grade("ordering", data, ties) == 0.0
    blank = TYPES["ordering"].parse_form(data, MultiDict({f"q1-{a}": "1", f"q1-{b}": "2"}), "q1")
    assert grade("ordering", data, blank) == 0.0
    good = TYPES["ordering"].parse_form(data, MultiDict({f"q1-{a}": "1", f"q1-{b}": "2", f"q1-{c}": "3"}), "q1")
    assert good == {"order": [a, b, c]} and grade("ordering", data, good) == 1.0


# ---- short answer -----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["forty-seven", "47", "  FORTY-seven ", "Forty-Seven.", "societe  CIVILE",
                                  "Société civile"])
def test_short_answer_accepts_alternatives_case_spaces_and_accents(text):
    assert grade("short", built(SHORT), {"text": text}) == 1.0


@pytest.mark.parametrize("response", [{"text": "forty seven hundred"}, {"text": "48"}, {"text": ""},
                                      {"text": "   "}, {"text": "..."}, {}, {"text": None}, {"text": 47},
                                      {"text": ["47"]}, {"text": "47" + " " * 600}, {"text": HUGE}])
def test_short_answer_wrong_empty_and_malformed(response):
    assert grade("short", built(SHORT), response) == 0.0


def test_short_answer_form_input_is_cut_to_the_maximum():
    data = built(SHORT)
    assert len(TYPES["short"].parse_form(data, MultiDict({"q1": HUGE}), "q1")["text"]) == 500


def test_grade_never_raises_on_broken_data():
    assert grade("single", {}, {"choice": "x"}) == 0.0
    assert grade("matching", {"pairs": None}, {"pairs": {}}) == 0.0
    assert grade("unknown-type", {}, {}) == 0.0
