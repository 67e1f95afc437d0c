"""The question-type registry, used by the validator, the importer, the quiz forms and the grader.

Stored `Question.data` per type (HTML is rendered and sanitised at import):
  single, multiple  {"options": [{"id", "html", "fraction", "feedback_html"}]}
                    fraction: 1.0 for the right answer of a single choice; for multiple response
                    each correct option +1/k (k correct options) and each wrong one -1/w, unless
                    GIFT gave explicit %weights. A question's mark never goes below 0.
  truefalse         {"answer": bool}
  matching          {"pairs": [{"id", "left_html", "right_id"}], "rights": [{"id", "html"}]}
  ordering          {"items": [{"id", "html"}] in the right order, "scoring": "all_or_nothing" | "partial"}
  short             {"answers": [accepted answers as written]}

Responses (what a learner submitted, stored on QuestionResponse.response):
  single, truefalse {"choice": id}       multiple {"choices": [ids]}
  matching          {"pairs": {left_id: right_id}}
  ordering          {"order": [item ids]}   short {"text": str}

Option ids are opaque hashes: nothing a browser sees says which option is right.
"""
import hashlib
import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from markupsafe import Markup

from lms.core.markup import render_inline, render_markdown

MAX_TEXT = 500  # longest short answer we grade; anything longer is a malformed payload


def opaque_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:10]


def plain(html: str) -> str:
    return Markup(html).striptags()


@dataclass
class BuildContext:
    """Where a question comes from, so that option ids are stable across imports."""

    course: str
    quiz: str
    key: str
    problems: list[str] = field(default_factory=list)

    def id_for(self, *parts: str) -> str:
        return opaque_id(self.course, self.quiz, self.key, *parts)

    def problem(self, message: str) -> None:
        self.problems.append(message)


# A leading article is optional in a short answer: « l'additif » = « additif », «el informe» = «informe».
_ARTICLE = re.compile(r"^(?:the|le|la|les|l'|l’|un|une|des|du|de la|el|los|las|lo|una|unos|unas) ?(?=\S)")


def normalise_text(text: str) -> str:
    """Case, accents, inner spaces, surrounding punctuation and a leading article do not matter
    in short answers."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"\s+", " ", text).strip().strip(" .,;:!?\"")
    stripped = _ARTICLE.sub("", text, count=1) if " " in text or "'" in text or "’" in text else text
    return (stripped or text).strip(" .,;:!?\"'")


class QuestionType(ABC):
    """One entry of the registry. Every type implements the whole interface."""

    name = ""
    label = ""

    @abstractmethod
    def build(self, raw: dict, ctx: BuildContext) -> dict:
        """Stored data from a quiz file's question; problems go to ctx.problem()."""

    @abstractmethod
    def grade(self, data: dict, response: dict) -> float:
        """The mark, 0..1."""

    def display_ids(self, data: dict) -> list[str]:
        """Ids whose display order is shuffled per attempt (options, rights, items)."""
        return []

    @abstractmethod
    def parse_form(self, data: dict, form, name: str) -> dict:
        """A response from submitted form fields named after `name`."""

    @abstractmethod
    def correct_response(self, data: dict) -> dict:
        """The response that earns full marks (shown in reviews)."""

    @abstractmethod
    def describe(self, data: dict, response: dict | None) -> str:
        """A response as plain text, for reviews, dashboards and exports."""


def _choice_options(raw: dict, ctx: BuildContext) -> list[dict]:
    options = raw.get("options")
    if not isinstance(options, list) or len(options) < 2:
        ctx.problem("needs a list of at least 2 options")
        return []
    built, seen = [], set()
    for option in options:
        if not isinstance(option, dict) or not str(option.get("text", "")).strip():
            ctx.problem("every option needs a text")
            continue
        text = str(option["text"])
        if text in seen:
            ctx.problem(f"option '{text}' appears twice")
        seen.add(text)
        built.append({"id": ctx.id_for(text), "html": str(render_inline(text)),
                      "correct": bool(option.get("correct")), "fraction": option.get("fraction"),
                      "feedback_html": str(render_inline(str(option.get("feedback", ""))))})
    return built


class SingleChoice(QuestionType):
    name, label = "single", "Single choice"

    def build(self, raw, ctx):
        options = _choice_options(raw, ctx)
        explicit = any(o["fraction"] is not None for o in options)
        for o in options:
            o["fraction"] = float(o["fraction"]) if explicit and o["fraction"] is not None else (1.0 if o["correct"] else 0.0)
        if options and sum(1 for o in options if o["fraction"] == 1.0) != 1:
            ctx.problem("a single-choice question needs exactly one correct option")
        for o in options:
            o.pop("correct")
        return {"options": options}

    def _ids(self, data):
        return [o["id"] for o in data["options"]]

    display_ids = _ids

    def grade(self, data, response):
        choice = response.get("choice") if isinstance(response, dict) else None
        for option in data["options"]:
            if option["id"] == choice:
                return max(0.0, min(1.0, option["fraction"]))
        return 0.0

    def parse_form(self, data, form, name):
        choice = form.get(name)
        return {"choice": choice} if choice in self._ids(data) else {}

    def correct_response(self, data):
        best = max(data["options"], key=lambda o: o["fraction"])
        return {"choice": best["id"]}

    def describe(self, data, response):
        choice = (response or {}).get("choice")
        return next((plain(o["html"]) for o in data["options"] if o["id"] == choice), "")


class MultipleResponse(SingleChoice):
    name, label = "multiple", "Multiple response"

    def build(self, raw, ctx):
        options = _choice_options(raw, ctx)
        if any(o["fraction"] is not None for o in options):
            for o in options:
                o["fraction"] = float(o["fraction"] or 0.0)
            if options and abs(sum(o["fraction"] for o in options if o["fraction"] > 0) - 1.0) > 0.01:
                ctx.problem("the positive weights of a multiple-response question must add up to 100%")
        else:
            right = [o for o in options if o["correct"]]
            wrong = [o for o in options if not o["correct"]]
            if options and not right:
                ctx.problem("a multiple-response question needs at least one correct option")
            for o in options:
                o["fraction"] = 1.0 / len(right) if o["correct"] else (-1.0 / len(wrong) if wrong else 0.0)
        for o in options:
            o.pop("correct", None)
        return {"options": options}

    def grade(self, data, response):
        choices = response.get("choices") if isinstance(response, dict) else None
        if not isinstance(choices, list) or len(choices) > len(data["options"]):
            return 0.0
        fractions = {o["id"]: o["fraction"] for o in data["options"]}
        if any(c not in fractions for c in choices) or len(set(choices)) != len(choices):
            return 0.0
        return max(0.0, min(1.0, sum(fractions[c] for c in choices)))

    def parse_form(self, data, form, name):
        ids = set(self._ids(data))
        return {"choices": [c for c in dict.fromkeys(form.getlist(name)) if c in ids]}

    def correct_response(self, data):
        return {"choices": [o["id"] for o in data["options"] if o["fraction"] > 0]}

    def describe(self, data, response):
        chosen = set((response or {}).get("choices") or [])
        return "; ".join(plain(o["html"]) for o in data["options"] if o["id"] in chosen)


class TrueFalse(QuestionType):
    name, label = "truefalse", "True or false"

    def build(self, raw, ctx):
        if not isinstance(raw.get("answer"), bool):
            ctx.problem("a true/false question needs 'answer: true' or 'answer: false'")
        return {"answer": bool(raw.get("answer"))}

    def grade(self, data, response):
        choice = response.get("choice") if isinstance(response, dict) else None
        if choice not in ("true", "false"):
            return 0.0
        return 1.0 if (choice == "true") == data["answer"] else 0.0

    def parse_form(self, data, form, name):
        choice = form.get(name)
        return {"choice": choice} if choice in ("true", "false") else {}

    def correct_response(self, data):
        return {"choice": "true" if data["answer"] else "false"}

    def describe(self, data, response):
        return {"true": "True", "false": "False"}.get((response or {}).get("choice"), "")


class Matching(QuestionType):
    name, label = "matching", "Matching"

    def build(self, raw, ctx):
        pairs = raw.get("pairs")
        if not isinstance(pairs, list) or len(pairs) < 2:
            ctx.problem("a matching question needs at least 2 pairs")
            return {"pairs": [], "rights": []}
        lefts, rights, built = set(), {}, []
        for pair in pairs:
            left, right = str((pair or {}).get("left", "")).strip(), str((pair or {}).get("right", "")).strip()
            if not right:
                ctx.problem("every pair needs a 'right'")
                continue
            if right not in rights:
                rights[right] = {"id": ctx.id_for("right", right), "html": str(render_inline(right))}
            elif left:
                ctx.problem(f"matching: '{right}' is used by more than one pair")
            if not left:  # a distractor answer with no question (GIFT allows it)
                continue
            if left in lefts:
                ctx.problem(f"matching: '{left}' appears twice")
            lefts.add(left)
            built.append({"id": ctx.id_for("left", left), "left_html": str(render_inline(left)),
                          "right_id": rights[right]["id"]})
        if len(built) < 2:
            ctx.problem("a matching question needs at least 2 pairs")
        return {"pairs": built, "rights": list(rights.values())}

    def display_ids(self, data):
        return [r["id"] for r in data["rights"]]

    def grade(self, data, response):
        chosen = response.get("pairs") if isinstance(response, dict) else None
        if not isinstance(chosen, dict) or not data["pairs"]:
            return 0.0
        right_ids = {r["id"] for r in data["rights"]}
        if any(not isinstance(v, str) or v not in right_ids for v in chosen.values()):
            return 0.0
        good = sum(1 for p in data["pairs"] if chosen.get(p["id"]) == p["right_id"])
        return good / len(data["pairs"])

    def parse_form(self, data, form, name):
        right_ids = {r["id"] for r in data["rights"]}
        pairs = {}
        for pair in data["pairs"]:
            value = form.get(f"{name}-{pair['id']}")
            if value in right_ids:
                pairs[pair["id"]] = value
        return {"pairs": pairs}

    def correct_response(self, data):
        return {"pairs": {p["id"]: p["right_id"] for p in data["pairs"]}}

    def describe(self, data, response):
        chosen = (response or {}).get("pairs") or {}
        rights = {r["id"]: plain(r["html"]) for r in data["rights"]}
        return "; ".join(f"{plain(p['left_html'])} → {rights.get(chosen.get(p['id']), '—')}" for p in data["pairs"])


class Ordering(QuestionType):
    name, label = "ordering", "Ordering"

    def build(self, raw, ctx):
        items = raw.get("items")
        scoring = raw.get("scoring", "all_or_nothing")
        if scoring not in ("all_or_nothing", "partial"):
            ctx.problem("scoring must be 'all_or_nothing' or 'partial'")
        if not isinstance(items, list) or len(items) < 3:
            ctx.problem("an ordering question needs at least 3 items")
            items = items if isinstance(items, list) else []
        texts = [str(i).strip() for i in items]
        if len(set(texts)) != len(texts):
            ctx.problem("every item of an ordering question must be different")
        return {"items": [{"id": ctx.id_for("item", t), "html": str(render_inline(t))} for t in texts],
                "scoring": scoring}

    def display_ids(self, data):
        return [i["id"] for i in data["items"]]

    def grade(self, data, response):
        order = response.get("order") if isinstance(response, dict) else None
        key = [i["id"] for i in data["items"]]
        if isinstance(response, dict) and response.get("incomplete"):
            # Blank or repeated positions: the stored order is a guess (ties keep the key's
            # order), so it must never earn marks.
            return 0.0
        if not isinstance(order, list) or sorted(map(str, order)) != sorted(key):
            return 0.0
        if data.get("scoring") != "partial":
            return 1.0 if order == key else 0.0
        rank = {item: n for n, item in enumerate(order)}
        total = len(key) * (len(key) - 1) // 2
        good = sum(1 for a in range(len(key)) for b in range(a + 1, len(key)) if rank[key[a]] < rank[key[b]])
        return good / total

    def parse_form(self, data, form, name):
        positions = {}
        for item in data["items"]:
            value = form.get(f"{name}-{item['id']}", "")
            if value.isdigit():
                positions[item["id"]] = int(value)
        if len(positions) != len(data["items"]) or len(set(positions.values())) != len(positions):
            # "positions" keeps what was chosen so the form can show it again; ties in
            # "order" follow the answer key, so that order is never shown or marked.
            return {"order": sorted(positions, key=positions.get), "incomplete": True,
                    "positions": positions}
        return {"order": sorted(positions, key=positions.get)}

    def correct_response(self, data):
        return {"order": [i["id"] for i in data["items"]]}

    def describe(self, data, response):
        html = {i["id"]: plain(i["html"]) for i in data["items"]}
        return " → ".join(html.get(i, "?") for i in (response or {}).get("order") or [])


class ShortAnswer(QuestionType):
    name, label = "short", "Short answer"

    def build(self, raw, ctx):
        answers = raw.get("answers")
        if not isinstance(answers, list) or not [a for a in answers if str(a).strip()]:
            ctx.problem("a short-answer question needs a list of accepted answers")
            answers = []
        return {"answers": [str(a) for a in answers if str(a).strip()]}

    def grade(self, data, response):
        text = response.get("text") if isinstance(response, dict) else None
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            return 0.0
        accepted = {normalise_text(a) for a in data["answers"]}
        return 1.0 if normalise_text(text) in accepted and normalise_text(text) else 0.0

    def parse_form(self, data, form, name):
        return {"text": (form.get(name) or "")[:MAX_TEXT]}

    def correct_response(self, data):
        return {"text": data["answers"][0] if data["answers"] else ""}

    def describe(self, data, response):
        return (response or {}).get("text", "")


TYPES: dict[str, QuestionType] = {t.name: t for t in (
    SingleChoice(), MultipleResponse(), TrueFalse(), Matching(), Ordering(), ShortAnswer())}


def build_question(raw: dict, ctx: BuildContext) -> dict | None:
    """Turn one question of a quiz file into stored fields; problems land in ctx.problems."""
    qtype = TYPES.get(raw.get("type"))
    if qtype is None:
        ctx.problem(f"unknown question type '{raw.get('type')}' (use one of: {', '.join(TYPES)})")
        return None
    if not str(raw.get("text", "")).strip():
        ctx.problem("a question needs a text")
    if not str(raw.get("feedback", "")).strip():
        ctx.problem("a question needs feedback that explains the right answer")
    data = qtype.build(raw, ctx)
    return {"type": qtype.name, "text_html": str(render_markdown(str(raw.get("text", "")))),
            "feedback_html": str(render_markdown(str(raw.get("feedback", "")))), "data": data}


def grade(question_type: str, data: dict, response) -> float:
    """The mark (0..1) of a response; anything malformed scores 0, never raises."""
    try:
        return float(TYPES[question_type].grade(data, response if isinstance(response, dict) else {}))
    except (KeyError, TypeError, ValueError, AttributeError):
        return 0.0

