"""What templates get to see of a question.

`question_view` is everything the answer form of an OPEN attempt needs and nothing more: the
stem, the options' HTML and opaque ids in the attempt's stored order, and the learner's own
saved answer. It never carries fractions, the answer key or feedback, so no template of an
open attempt can leak them. `review_item` is the finished-attempt view, filled according to
what the feedback policy allows.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup

from lms.quizzes.types import normalise_text


@dataclass(frozen=True)
class Choice:
    id: str
    html: Markup


@dataclass
class QuestionView:
    id: int
    number: int
    type: str
    name: str
    text_html: Markup
    choices: list[Choice] = field(default_factory=list)   # options, rights (matching) or items (ordering)
    lefts: list[Choice] = field(default_factory=list)     # matching: the left-hand items
    response: dict = field(default_factory=dict)          # the learner's own saved answer

    @property
    def chosen(self) -> set[str]:
        if "choices" in self.response:
            return set(self.response.get("choices") or [])
        return {self.response["choice"]} if self.response.get("choice") else set()

    def position_of(self, item_id: str) -> int | None:
        if self.response.get("incomplete"):
            position = (self.response.get("positions") or {}).get(item_id)
            return position if isinstance(position, int) else None
        order = self.response.get("order") or []
        return order.index(item_id) + 1 if item_id in order else None


@dataclass
class ReviewRow:
    html: Markup
    chosen: bool | int | Markup | None = None  # ticked? / the chosen match's HTML / the place given
    right: bool | Markup | None = None      # None when the right answer may not be shown
    ok: bool | None = None                  # None when correctness may not be shown
    feedback_html: Markup | None = None


@dataclass
class ReviewItem:
    number: int
    type: str
    text_html: Markup
    mark: float | None                      # None when marks may not be shown
    rows: list[ReviewRow] = field(default_factory=list)
    text: str = ""                          # short answer as typed
    accepted: list[str] = field(default_factory=list)
    right_order: list[Markup] = field(default_factory=list)
    feedback_html: Markup | None = None
    answered: bool = True
    lesson: object | None = None            # the Lesson that teaches it, when the file names one


def localised(question, locale: str) -> tuple[str, str, dict[str, str]]:
    """(text_html, feedback_html, {id: html}) in the learner's language, English as fallback."""
    extra = (question.translations or {}).get(locale) or {}
    data = extra.get("data") or {}
    html = {}
    for key, text_key in (("options", "html"), ("rights", "html"), ("items", "html"), ("pairs", "left_html")):
        for entry in data.get(key) or []:
            if isinstance(entry, dict) and entry.get("id") and entry.get(text_key):
                html[entry["id"]] = entry[text_key]
    return (extra.get("text_html") or question.text_html,
            extra.get("feedback_html") or question.feedback_html, html)


def _ordered(stored: list | None, ids: list[str]) -> list[str]:
    """The stored display order, robust to content edits after the attempt started."""
    stored = [i for i in (stored or []) if i in ids]
    return stored + [i for i in ids if i not in stored]


def _entries(question) -> dict[str, dict]:
    data = question.data or {}
    key = {"matching": "rights", "ordering": "items"}.get(question.type, "options")
    return {e["id"]: e for e in data.get(key) or []}


def question_view(question, number: int, order: list | None, response: dict | None, locale: str) -> QuestionView:
    text_html, _feedback, html = localised(question, locale)
    entries = _entries(question)
    view = QuestionView(id=question.id, number=number, type=question.type, name=f"q{question.id}",
                        text_html=Markup(text_html), response=dict(response or {}))
    if question.type == "truefalse":
        view.choices = [Choice("true", Markup(_("True"))), Choice("false", Markup(_("False")))]
    elif entries:
        view.choices = [Choice(i, Markup(html.get(i) or entries[i]["html"]))
                        for i in _ordered(order, list(entries))]
    if question.type == "matching":
        view.lefts = [Choice(p["id"], Markup(html.get(p["id"]) or p["left_html"]))
                      for p in (question.data or {}).get("pairs") or []]
    return view


def review_item(question, number: int, order: list | None, response, *, marks: bool, answers: bool,
                locale: str) -> ReviewItem:
    """`response` is the QuestionResponse (or None); marks/answers per the feedback policy."""
    given = (response.response if response is not None else None) or {}
    view = question_view(question, number, order, given, locale)
    _text, feedback_html, _html = localised(question, locale)
    item = ReviewItem(number=number, type=question.type, text_html=view.text_html,
                      mark=((response.mark or 0.0) if response is not None else 0.0) if marks else None,
                      feedback_html=Markup(feedback_html) if marks and feedback_html else None,
                      answered=answered(question.type, given))
    builder = _BUILDERS.get(question.type)
    if builder:
        builder(item, question, view, given, marks, answers)
    return item


def answered(qtype: str, given: dict) -> bool:
    if qtype == "short":
        return bool(normalise_text(given.get("text") or ""))
    if qtype == "matching":
        return bool(given.get("pairs"))
    if qtype == "ordering":
        return bool(given.get("order"))
    return bool(given.get("choice") or given.get("choices"))


def _choices(item, question, view, given, marks, answers):
    if question.type == "truefalse":
        right_ids = {"true" if question.data.get("answer") else "false"}
        feedback = {}
    else:
        right_ids = {o["id"] for o in question.data.get("options", []) if o.get("fraction", 0) > 0}
        feedback = {o["id"]: o.get("feedback_html") for o in question.data.get("options", [])}
    for choice in view.choices:
        chosen = choice.id in view.chosen
        item.rows.append(ReviewRow(
            html=choice.html, chosen=chosen, right=(choice.id in right_ids) if answers else None,
            ok=(chosen == (choice.id in right_ids)) if marks and chosen else None,
            feedback_html=Markup(feedback[choice.id]) if marks and chosen and feedback.get(choice.id) else None))


def _matching(item, question, view, given, marks, answers):
    rights = {c.id: c.html for c in view.choices}
    chosen = given.get("pairs") or {}
    key = {p["id"]: p["right_id"] for p in question.data.get("pairs", [])}
    for left in view.lefts:
        picked = chosen.get(left.id) if isinstance(chosen, dict) else None
        item.rows.append(ReviewRow(
            html=left.html, chosen=rights.get(picked, Markup("—")),
            right=rights.get(key.get(left.id)) if answers else None,
            ok=(picked == key.get(left.id)) if marks else None))


def _ordering(item, question, view, given, marks, answers):
    html = {c.id: c.html for c in view.choices}
    key = [i["id"] for i in question.data.get("items", [])]
    if given.get("incomplete"):
        # Blank or repeated places: show what was chosen, in the order the items were shown.
        for choice in view.choices:
            item.rows.append(ReviewRow(html=choice.html, chosen=view.position_of(choice.id),
                                       ok=False if marks else None))
    else:
        order = [i for i in (given.get("order") or []) if i in html]
        for position, item_id in enumerate(order):
            ok = position < len(key) and key[position] == item_id
            item.rows.append(ReviewRow(html=html[item_id], chosen=position + 1, ok=ok if marks else None))
    if answers:
        item.right_order = [html[i] for i in key if i in html]


def _short(item, question, view, given, marks, answers):
    item.text = given.get("text") or ""
    if answers:
        item.accepted = list(question.data.get("answers") or [])


_BUILDERS = {"single": _choices, "multiple": _choices, "truefalse": _choices,
             "matching": _matching, "ordering": _ordering, "short": _short}
