"""Writing a quiz out again in GIFT (lms.catalog.gift reads it back).

to_gift() takes raw question dicts (as a YAML quiz file or gift.parse gives them) or stored
Question rows; stored text is sanitised HTML rendered from Markdown, so the small set of tags
our renderer produces is turned back into Markdown first. A question's lesson is written as a
`// lesson: <slug>` comment on the line above it, which the reader takes back.
"""
from html import unescape
from html.parser import HTMLParser

import yaml

_INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}


class _ToMarkdown(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str] = []
        self.lists: list[list] = []          # [kind, counter]
        self.in_pre = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in _INLINE and not self.in_pre:
            self.out.append(_INLINE[tag])
        elif tag == "a":
            self.links.append(attrs.get("href") or "")
            self.out.append("[")
        elif tag == "br":
            self.out.append("  \n")
        elif tag in ("h2", "h3", "h4", "h5", "h6"):
            self.out.append("#" * int(tag[1]) + " ")
        elif tag in ("ul", "ol"):
            self.lists.append([tag, int(attrs.get("start") or 1)])
        elif tag == "li" and self.lists:
            kind = self.lists[-1]
            self.out.append("  " * (len(self.lists) - 1) + ("- " if kind[0] == "ul" else f"{kind[1]}. "))
            kind[1] += 1
        elif tag == "blockquote":
            self.out.append("> ")
        elif tag == "pre":
            self.in_pre = True
            self.out.append("```\n")
        elif tag == "img":
            self.out.append(f"![{attrs.get('alt') or ''}]({attrs.get('src') or ''})")

    def handle_endtag(self, tag):
        if tag in _INLINE and not self.in_pre:
            self.out.append(_INLINE[tag])
        elif tag == "a":
            self.out.append(f"]({self.links.pop() if self.links else ''})")
        elif tag in ("p", "h2", "h3", "h4", "h5", "h6", "blockquote"):
            self.out.append("\n\n")
        elif tag == "li":
            self.out.append("\n")
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.out.append("\n")
        elif tag == "pre":
            self.in_pre = False
            self.out.append("```\n\n")

    def handle_data(self, data):
        if self.in_pre:
            self.out.append(data)
        elif self.out and self.out[-1].endswith("\n") and not data.strip():
            return
        else:
            self.out.append(data)


def html_to_markdown(html: str) -> str:
    parser = _ToMarkdown()
    parser.feed(html or "")
    parser.close()
    text = "".join(parser.out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return unescape(text).strip()


def _field(row, name: str, default=None):
    return row.get(name, default) if isinstance(row, dict) else getattr(row, name, default)


def raw_question(row, lessons: dict[int, str] | None = None) -> dict:
    """A stored Question (row or dict with key, type, text_html, feedback_html, data) as a raw
    question dict in the shape of a YAML quiz file; `lessons` ({lesson id: slug}) gives the
    slug of the lesson the row names."""
    qtype, data = _field(row, "type"), _field(row, "data") or {}
    raw = {"id": _field(row, "key") or _field(row, "id"), "type": qtype,
           "text": html_to_markdown(_field(row, "text_html", "")),
           "feedback": html_to_markdown(_field(row, "feedback_html", ""))}
    if (lesson := (lessons or {}).get(_field(row, "lesson_id"))) is not None:
        raw["lesson"] = lesson
    if qtype in ("single", "multiple"):
        options = []
        for option in data.get("options", []):
            built = {"text": html_to_markdown(option.get("html", "")), "fraction": option.get("fraction", 0.0)}
            if option.get("feedback_html"):
                built["feedback"] = html_to_markdown(option["feedback_html"])
            options.append(built)
        raw["options"] = options
    elif qtype == "truefalse":
        raw["answer"] = bool(data.get("answer"))
    elif qtype == "matching":
        rights = {r["id"]: html_to_markdown(r["html"]) for r in data.get("rights", [])}
        used = {p["right_id"] for p in data.get("pairs", [])}
        raw["pairs"] = [{"left": html_to_markdown(p["left_html"]), "right": rights.get(p["right_id"], "")}
                        for p in data.get("pairs", [])]
        raw["pairs"] += [{"left": "", "right": text} for rid, text in rights.items() if rid not in used]
    elif qtype == "ordering":
        raw["items"] = [html_to_markdown(i["html"]) for i in data.get("items", [])]
        raw["scoring"] = data.get("scoring", "all_or_nothing")
    elif qtype == "short":
        raw["answers"] = list(data.get("answers", []))
    return raw


# ---- writing -----------------------------------------------------------------------------

class GiftExportError(ValueError):
    """A question that GIFT cannot express (ordering)."""


def escape(text: str) -> str:
    text = str(text).replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.5f}".rstrip("0").rstrip(".")


def _choice_lines(raw: dict) -> list[str]:
    options = raw.get("options") or []
    multiple = raw.get("type") == "multiple"
    explicit = any(o.get("fraction") is not None for o in options)
    if multiple and not explicit:
        right = sum(1 for o in options if o.get("correct"))
        wrong = len(options) - right
        fractions = [(1 / right if o.get("correct") else (-1 / wrong if wrong else 0.0)) if right else 0.0
                     for o in options]
    else:
        fractions = [o.get("fraction") for o in options]
    lines = []
    for option, fraction in zip(options, fractions, strict=True):
        if multiple:
            marker = f"~%{_percent(float(fraction or 0))}%"
        elif fraction is None:
            marker = "=" if option.get("correct") else "~"
        else:
            marker = "=" if float(fraction) == 1.0 else (f"~%{_percent(float(fraction))}%" if fraction else "~")
        feedback = f" #{escape(option['feedback'])}" if str(option.get("feedback") or "").strip() else ""
        lines.append(f"  {marker}{escape(option.get('text', ''))}{feedback}")
    return lines


def question_to_gift(raw: dict) -> str:
    """One raw question (YAML or GIFT shape) as a GIFT block."""
    qtype, key = raw.get("type"), str(raw.get("id", ""))
    if qtype == "ordering":
        raise GiftExportError(f"question '{key}' is an ordering question; GIFT has no ordering type")
    head = f"::{escape(key)}:: {escape(raw.get('text', ''))} {{"
    if qtype in ("single", "multiple"):
        lines = _choice_lines(raw)
    elif qtype == "truefalse":
        head += "T" if raw.get("answer") else "F"
        lines = []
    elif qtype == "matching":
        lines = []
        for pair in raw.get("pairs") or []:
            if "->" in str(pair.get("left", "")):
                raise GiftExportError(f"question '{key}': a matching item cannot contain '->' in GIFT")
            lines.append(f"  ={escape(pair.get('left', ''))} -> {escape(pair.get('right', ''))}")
    elif qtype == "short":
        lines = [f"  ={escape(answer)}" for answer in raw.get("answers") or []]
    else:
        raise GiftExportError(f"question '{key}' has an unknown type '{qtype}'")
    if str(raw.get("feedback") or "").strip():
        lines.append(f"  ####{escape(raw['feedback'])}")
    lesson = " ".join(str(raw.get("lesson") or "").split())
    block = "\n".join([head, *lines, "}"])
    return f"// lesson: {lesson}\n{block}" if lesson else block


def _header_value(value) -> str:
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def to_gift(quiz_rows, *, title: str | None = None, settings: dict | None = None,
            skip_unsupported: bool = False, lessons: dict[int, str] | None = None) -> str:
    """A GIFT file for the questions: raw dicts (as parse() or a YAML quiz gives them) or stored
    Question rows (their HTML is turned back into Markdown; `lessons` maps their lesson_id to
    the lesson slug). Ordering questions raise GiftExportError unless skip_unsupported, which
    leaves a comment in their place."""
    lines = []
    if title:
        lines.append(f"// title: {_header_value(title)}")
    for key, value in (settings or {}).items():
        lines.append(f"// {key}: {_header_value(value)}")
    blocks = ["\n".join(lines)] if lines else []
    for row in quiz_rows:
        raw = row if isinstance(row, dict) and "text" in row else raw_question(row, lessons)
        try:
            blocks.append(question_to_gift(raw))
        except GiftExportError as error:
            if not skip_unsupported:
                raise
            blocks.append(f"// skipped: {error}")
    return "\n\n".join(blocks) + "\n"
