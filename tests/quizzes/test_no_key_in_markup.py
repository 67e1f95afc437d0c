"""Nothing in an open attempt's markup says which answer is right.

Rather than look for words a leak might use, two quizzes are built that are identical except
for their answer keys, and the same answers are saved in both. Once option texts and opaque
ids are set aside (and shuffled options put back in one order), the answer form and the
autosave replies of the two attempts must be the same markup, byte for byte. Any attribute,
element or order that follows the key makes them differ. (Options are compared in the order of
their texts, so markup that varies with an option's place in a shuffled list differs too: the
options of one question are to be written alike.)
"""
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from lms.catalog.models import Question
from lms.extensions import db
from lms.quizzes.types import BuildContext, build_question
from tests.quizzes.helpers import add_questions, attempt, start

OPTIONS = ["Alpha council", "Beta committee", "Gamma court"]
CHOICES = ["National report", "UN compilation", "Court ruling", "Press release"]
LEFTS, RIGHTS = ["Resolution 5/1", "Resolution 16/21", "Resolution 60/251"], \
    ["Institution building", "Review of work", "Creation of the Council"]
ITEMS = ["Reports are filed", "Dialogue in Geneva", "Outcome adopted", "Follow-up"]
TEXTS = {*OPTIONS, *CHOICES, *LEFTS, *RIGHTS, *ITEMS, "True", "False"}


def _raws(variant: int) -> list[dict]:
    """Variant 0 and 1 share every text and differ in every key."""
    rights = RIGHTS if variant == 0 else RIGHTS[1:] + RIGHTS[:1]
    right_choices = {0: {0, 1}, 1: {1, 3}}[variant]
    common = {"feedback": "Because the Council says so."}
    return [
        {"id": "single", "type": "single", "text": "Which body holds the review?", **common,
         "options": [{"text": t, "correct": n == variant} for n, t in enumerate(OPTIONS)]},
        {"id": "multiple", "type": "multiple", "text": "Which are review documents?", **common,
         "options": [{"text": t, "correct": n in right_choices} for n, t in enumerate(CHOICES)]},
        {"id": "truefalse", "type": "truefalse", "text": "The troika is drawn by lot.", **common,
         "answer": variant == 0},
        {"id": "matching", "type": "matching", "text": "Match each resolution.", **common,
         "pairs": [{"left": left, "right": right} for left, right in zip(LEFTS, rights, strict=True)]},
        {"id": "ordering", "type": "ordering", "text": "Put the steps in order.", **common,
         "items": ITEMS if variant == 0 else [ITEMS[2], ITEMS[0], ITEMS[3], ITEMS[1]]},
        {"id": "short", "type": "short", "text": "How many members has the Council?", **common,
         "answers": ["forty-seven"] if variant == 0 else ["zanzibar"]},
    ]


# ---- a small tree of the markup -----------------------------------------------------------

VOID = {"input", "br", "img", "hr", "meta", "link", "source", "wbr"}


class Node:
    def __init__(self, tag, attrs=()):
        self.tag, self.attrs, self.children = tag, list(attrs), []

    def texts(self):
        for child in self.children:
            yield from ([child] if isinstance(child, str) else child.texts())

    def find(self, tag, **attrs):
        if self.tag == tag and all(dict(self.attrs).get(k) == v for k, v in attrs.items()):
            return self
        for child in self.children:
            found = None if isinstance(child, str) else child.find(tag, **attrs)
            if found is not None:
                return found
        return None


class TreeBuilder(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if data.strip():
            self.stack[-1].children.append(" ".join(data.split()))


def _key(node) -> str | None:
    """The option text a list item or <option> stands for: its first text that is an option's."""
    if isinstance(node, str) or node.tag not in ("li", "option"):
        return None
    return next((t for t in node.texts() if t in TEXTS), None)


def shape(node, ids: dict[str, str], *, shuffled: bool) -> str:
    """The markup with option texts and ids replaced; siblings that stand for options are put
    in the order of their texts when the attempt shuffles them."""
    if isinstance(node, str):  # the question's number follows the (shuffled) question order
        return "TEXT" if node in TEXTS else re.sub(r"^Question \d+$", "Question N", node)
    children = list(node.children)
    if shuffled:
        slots = [n for n, child in enumerate(children) if _key(child) is not None]
        ordered = sorted((children[n] for n in slots), key=_key)
        for n, child in zip(slots, ordered, strict=True):
            children[n] = child
    attrs = "".join(f' {name}="{_neutral(value or "", ids)}"' for name, value in sorted(node.attrs))
    inner = "".join(shape(child, ids, shuffled=shuffled) for child in children)
    return f"<{node.tag}{attrs}>{inner}</{node.tag}>"


def _neutral(value: str, ids: dict[str, str]) -> str:
    for real, placeholder in ids.items():
        value = re.sub(rf"(?<![0-9A-Za-z]){re.escape(real)}(?![0-9A-Za-z])", placeholder, value)
    return value


# ---- two attempts -----------------------------------------------------------------------

@pytest.fixture
def twins(make, enrol, login, client):
    def _twins(shuffle: bool):
        learner = make.user()
        built = []
        for variant in (0, 1):
            # One course each: the twins differ in nothing a learner does before the quiz.
            course = make.course(modules=1, lessons=1, questions=0, final=False, navigation="free")
            enrol(learner, course)
            quiz = make.quiz(course, None, slug="twin", questions=0,
                             shuffle_options=shuffle, shuffle_questions=shuffle)
            built.append((f"/courses/{course.slug}/quizzes/twin",
                          [q.id for q in add_questions(quiz, course, _raws(variant))]))
        login(learner)
        db.session.rollback()
        out = []
        for url, ids in built:
            attempt_id = start(client, SimpleNamespace(quiz_url=url))
            db.session.rollback()
            out.append((attempt_id, {q.type: q for q in map(lambda i: db.session.get(Question, i), ids)}))
        db.session.rollback()
        return out

    return _twins


def _id_map(attempt_id: int, questions: dict) -> dict[str, str]:
    ids = {f"/attempts/{attempt_id}": "/attempts/A"}
    for qtype, question in questions.items():
        ids[f"q{question.id}"] = f"q-{qtype}"
        ids[f"saved-{question.id}"] = f"saved-{qtype}"
        ids[f'"question_id": "{question.id}"'] = f'"question_id": "{qtype}"'
        data = question.data or {}
        for entry in [*data.get("options", []), *data.get("rights", []), *data.get("items", []),
                      *data.get("pairs", [])]:
            ids[entry["id"]] = "OPAQUE"
    return ids


def _by_text(question, text: str) -> str:
    data = question.data
    for entry in [*data.get("options", []), *data.get("rights", []), *data.get("items", [])]:
        if entry["html"] == text:
            return entry["id"]
    return next(p["id"] for p in data["pairs"] if p["left_html"] == text)


def _answers(questions: dict) -> list[tuple[Question, list[tuple[str, str]]]]:
    """The same answers, by text, for both twins: some right in one, wrong in the other."""
    q = questions
    return [
        (q["single"], [(f"q{q['single'].id}", _by_text(q["single"], OPTIONS[1]))]),
        (q["multiple"], [(f"q{q['multiple'].id}", _by_text(q["multiple"], t)) for t in CHOICES[1:3]]),
        (q["truefalse"], [(f"q{q['truefalse'].id}", "true")]),
        (q["matching"], [(f"q{q['matching'].id}-{_by_text(q['matching'], left)}", _by_text(q["matching"], right))
                         for left, right in zip(LEFTS[:2], RIGHTS[:2], strict=True)]),
        (q["ordering"], [(f"q{q['ordering'].id}-{_by_text(q['ordering'], t)}", str(n))
                         for n, t in enumerate(ITEMS, start=1)]),
        (q["short"], [(f"q{q['short'].id}", "forty-seven")]),
    ]


def _save_all(client, attempt_id: int, questions: dict) -> list[str]:
    replies = []
    for question, fields in _answers(questions):
        sequence = attempt(attempt_id).sequence
        reply = client.post(f"/attempts/{attempt_id}/answer", headers={"HX-Request": "true"},
                            data=MultiDict([("question_id", str(question.id)), ("sequence", str(sequence)),
                                            *fields]))
        assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
        replies.append(reply.get_data(as_text=True))
    return replies


def _form(client, attempt_id: int):
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    return TreeBuilder(html).root.find("ol", **{"class": "quiz-questions"}), html


def _shuffled(qtype: str, shuffle: bool) -> bool:
    return qtype in ("matching", "ordering") or (shuffle and qtype in ("single", "multiple"))


@pytest.mark.parametrize("shuffle", [True, False], ids=["shuffled", "in-file-order"])
def test_two_attempts_whose_keys_differ_render_the_same_markup(client, twins, shuffle):
    shapes = []
    for attempt_id, questions in twins(shuffle):
        ids = _id_map(attempt_id, questions)
        fresh, _html = _form(client, attempt_id)
        replies = [shape(TreeBuilder(r).root, ids, shuffled=False) for r in _save_all(client, attempt_id, questions)]
        saved, _html = _form(client, attempt_id)
        per_question = {}
        for form_name, form in (("fresh", fresh), ("saved", saved)):
            for qtype, question in questions.items():
                item = form.find("li", id=f"q{question.id}")
                assert item is not None, qtype
                per_question[(form_name, qtype)] = shape(item, ids, shuffled=_shuffled(qtype, shuffle))
        shapes.append((per_question, replies))
    (first, first_replies), (second, second_replies) = shapes
    for key in first:
        assert first[key] == second[key], f"the {key[1]} question's markup ({key[0]} form) follows the key"
    assert first_replies == second_replies


def test_keyed_orders_are_never_shown_in_the_keys_order(client, twins):
    for attempt_id, questions in twins(True):
        form, _html = _form(client, attempt_id)
        for qtype, entries in (("ordering", "items"), ("matching", "rights")):
            question = questions[qtype]
            shown = [t for t in form.find("li", id=f"q{question.id}").texts() if t in TEXTS
                     and t not in LEFTS]
            stored = [e["html"] for e in question.data[entries]]
            assert [t for t in dict.fromkeys(shown)] != stored, qtype


def test_option_ids_depend_on_the_text_only_never_on_the_key():
    ctx = BuildContext("course", "quiz", "q1")
    ids = [{o["html"]: o["id"] for o in build_question(_raws(v)[0], ctx)["data"]["options"]} for v in (0, 1)]
    assert ids[0] == ids[1]
    ids = [{i["html"]: i["id"] for i in build_question(_raws(v)[4], ctx)["data"]["items"]} for v in (0, 1)]
    assert ids[0] == ids[1]
