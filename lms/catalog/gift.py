"""Moodle's GIFT quiz format, read as Moodle's `qformat_gift` reads it, and written back.

parse(text) gives raw question dicts in the same shape as questions in a YAML quiz file, so that
lms.quizzes.types.build_question handles both. Supported: single choice (`=` right, `~` wrong,
`~%50%` partial), multiple response (no `=`, `~%n%` weights, negatives allowed), true/false,
matching (`=left -> right`), short answer (`=` answers), per-answer `#feedback` on choices,
`####` general feedback, the escapes `\\~ \\= \\# \\{ \\} \\: \\n \\\\`, `::name::`, `//` comments,
leading `// key: value` lines that set the quiz title and settings, and a `// lesson: <slug>`
comment just above a question, naming the lesson that teaches it (Moodle skips it as a
comment). Numerical, essay and description questions are refused with a message, as is
anything our question types cannot store (per-answer feedback on true/false, matching and
short answers; partial short answers).
"""
import re
from dataclasses import dataclass, field

import yaml

from lms.catalog.export import GiftExportError, question_to_gift, to_gift

__all__ = ["GiftExportError", "Parsed", "RawQuestion", "parse", "question_to_gift", "to_gift"]
_ESCAPES = {"\\\\": "\ue000", "\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003",
            "\\{": "\ue004", "\\}": "\ue005", "\\~": "\ue006", "\\n": "\ue007"}
_RESTORE = {"\ue000": "\\", "\ue001": ":", "\ue002": "#", "\ue003": "=", "\ue004": "{",
            "\ue005": "}", "\ue006": "~", "\ue007": "\n"}
_ESCAPE_RE = re.compile("|".join(re.escape(k) for k in _ESCAPES))
_HEADER_RE = re.compile(r"^//\s*([a-z][a-z_]*)\s*:\s*(.*)$")
_LESSON_RE = re.compile(r"^//\s*lesson\s*:\s*(.*)$")
_LESSON_PLACE = "a '// lesson:' comment goes on the line just above its question's ::name::"
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_FORMAT_RE = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_TRUEFALSE = {"t": True, "true": True, "f": False, "false": False}


@dataclass
class RawQuestion:
    """One question as written in a quiz file, with the file lines it came from."""

    raw: dict
    line: int
    lines: dict = field(default_factory=dict)    # key -> line, where known
    built: dict | None = None                    # set by the validator (build_question output)

    @property
    def key(self) -> str:
        value = self.raw.get("id") if isinstance(self.raw, dict) else None
        return value if isinstance(value, str) else ""


@dataclass
class Parsed:
    header: dict
    header_lines: dict
    questions: list[RawQuestion]
    problems: list[tuple[int, str]]


class Lines(list):
    """A list that remembers the file line of each item (like the YAML loader's lists)."""

    def __init__(self, items=(), lines=(), line=1):
        super().__init__(items)
        self.lines, self.line = list(lines), line

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


def _pre(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def _post(text: str) -> str:
    return "".join(_RESTORE.get(c, c) for c in text).strip()


def _blocks(text: str, problems: list):
    """(lines as [(number, text)], `// lesson:` lines just above) for each run of non-blank,
    non-comment lines. A lesson comment anywhere else is reported: it would name no question."""
    block: list[tuple[int, str]] = []
    above: list[tuple[int, str]] = []        # lesson comments since the last blank line
    lessons: list[tuple[int, str]] = []      # those of the current block
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        stripped = line.strip()
        lesson = _LESSON_RE.match(stripped)
        if not stripped:
            if block:
                yield block, lessons
            problems.extend((n, _LESSON_PLACE) for n, _ in above)
            block, above, lessons = [], [], []
        elif lesson and block:
            problems.append((number, _LESSON_PLACE))
        elif lesson:
            above.append((number, lesson.group(1).strip()))
        elif not stripped.startswith("//"):
            if not block:
                lessons, above = above, []
            block.append((number, stripped))
    if block:
        yield block, lessons
    problems.extend((n, _LESSON_PLACE) for n, _ in above)


def parse(text: str) -> Parsed:
    header, header_lines, problems = {}, {}, []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("//"):
            break
        match = _HEADER_RE.match(stripped)
        if not match:
            continue
        key, value = match.groups()
        if key == "lesson":
            continue  # names the lesson of the first question, not a setting
        try:
            header[key] = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            problems.append((number, f"cannot read the value of '{key}' (write it as in YAML)"))
            continue
        if key in header_lines:
            problems.append((number, f"'{key}' is set twice (first at line {header_lines[key]})"))
        header_lines[key] = number
    questions, blocks = [], 0
    for block, lessons in _blocks(text, problems):
        if block[0][1].startswith("$CATEGORY:"):
            problems.extend((n, _LESSON_PLACE) for n, _ in lessons)
            continue
        blocks += 1
        found: list[tuple[int, str]] = []
        question = _question(block, found)
        for number, _ in lessons[1:]:
            found.append((number, f"one '// lesson:' line per question (first at line {lessons[0][0]})"))
        problems.extend(found)
        if question is not None and not found:
            if lessons:
                question.raw["lesson"], question.lines["lesson"] = lessons[0][1], lessons[0][0]
            questions.append(question)
    if not blocks:
        problems.append((1, "the file has no questions"))
    return Parsed(header, header_lines, questions, problems)


def _question(block: list[tuple[int, str]], problems: list) -> RawQuestion | None:
    numbers = [n for n, _ in block]
    text = _pre("\n".join(line for _, line in block))

    def line_at(offset: int) -> int:
        return numbers[min(text.count("\n", 0, offset), len(numbers) - 1)]

    start = numbers[0]
    if not text.startswith("::"):
        problems.append((start, "every GIFT question needs a ::name:: (its stable id)"))
        return None
    close = text.find("::", 2)
    if close < 0:
        problems.append((start, "the question name is not closed with '::'"))
        return None
    name, offset = _post(text[2:close]), close + 2
    body = text[offset:]
    lead = len(body) - len(body.lstrip())
    fmt = _FORMAT_RE.match(body.lstrip())
    if fmt:
        if fmt.group(1).lower() == "html":
            problems.append((start, "[html] text is not supported: write Markdown"))
        body = " " * (lead + len(fmt.group(0))) + body.lstrip()[len(fmt.group(0)):]
    opening, closing = body.find("{"), body.find("}")
    if opening < 0 and closing < 0:
        problems.append((start, "description questions (no answer block) are not supported"))
        return None
    if opening < 0 or closing < opening:
        problems.append((line_at(offset + max(opening, closing)), "unbalanced braces: '{' and '}' must enclose the answers"))
        return None
    rest = body[closing + 1:]
    if "{" in rest or "}" in rest:
        problems.append((line_at(offset + closing + 1), "a question has one answer block; escape other braces as \\{ \\}"))
        return None
    stem = body[:opening] + ("_____" + rest if rest.strip() else "")
    answers = body[opening + 1:closing]
    block_offset = offset + opening + 1
    raw = {"id": name, "type": "", "text": _post(stem)}
    general = answers.find("####")
    feedback = None
    if general >= 0:
        feedback = _post(answers[general + 4:])
        answers = answers[:general]
    stripped = answers.strip()
    at = line_at(block_offset)
    if not stripped:
        problems.append((at, "essay questions ({}) are not supported"))
        return None
    if stripped.startswith("#"):
        problems.append((at, "numerical questions ({#...}) are not supported"))
        return None
    before = len(problems)
    if "~" in stripped:
        _choices(raw, answers, block_offset, line_at, problems)
    elif "=" in stripped and "->" in stripped:
        _matching(raw, answers, block_offset, line_at, problems)
    elif stripped.split("#", 1)[0].strip().lower() in _TRUEFALSE:
        raw["type"] = "truefalse"
        raw["answer"] = _TRUEFALSE[stripped.split("#", 1)[0].strip().lower()]
        if "#" in stripped:
            problems.append((at, "per-answer feedback on true/false questions is not supported: use ####"))
    else:
        _short(raw, answers, block_offset, line_at, problems)
    if feedback is not None:
        raw["feedback"] = feedback
    if len(problems) > before:
        return None
    return RawQuestion(raw, start, {"text": start, "feedback": start})


def _split(answers: str, markers: str) -> list[tuple[str, str, int]]:
    """(marker, text, offset) for each answer; text before the first marker has marker ''."""
    parts, marker, begin = [], "", 0
    for index, char in enumerate(answers):
        if char in markers:
            parts.append((marker, answers[begin:index], begin))
            marker, begin = char, index + 1
    parts.append((marker, answers[begin:], begin))
    return [p for p in parts if p[0] or p[1].strip()]


def _weight(text: str) -> tuple[float | None, str]:
    match = _WEIGHT_RE.match(text.strip())
    if not match:
        return None, text
    return float(match.group(1)) / 100, text.strip()[match.end():]


def _choices(raw, answers, base, line_at, problems) -> None:
    parts = _split(answers, "~=")
    raw["type"] = "single" if any(marker == "=" for marker, _, _ in parts) else "multiple"
    options = Lines(line=line_at(base))
    for marker, body, offset in parts:
        fraction, body = _weight(body)
        text, _, feedback = body.partition("#")
        option = {"text": _post(text)}
        if marker == "=" and fraction is None:
            option["correct"] = True
        if fraction is not None:
            option["fraction"] = fraction
        if _post(feedback):
            option["feedback"] = _post(feedback)
        options.append(option)
        options.lines.append(line_at(base + offset))
    raw["options"] = options


def _matching(raw, answers, base, line_at, problems) -> None:
    raw["type"] = "matching"
    pairs = Lines(line=line_at(base))
    for _, body, offset in _split(answers, "="):
        line = line_at(base + offset)
        if "->" not in body:
            problems.append((line, "every matching answer is written '=left -> right'"))
            continue
        if "#" in body:
            problems.append((line, "per-answer feedback on matching questions is not supported: use ####"))
            continue
        left, _, right = body.partition("->")
        pairs.append({"left": _post(left), "right": _post(right)})
        pairs.lines.append(line)
    raw["pairs"] = pairs


def _short(raw, answers, base, line_at, problems) -> None:
    raw["type"] = "short"
    accepted = Lines(line=line_at(base))
    for _, body, offset in _split(answers, "="):
        line = line_at(base + offset)
        fraction, body = _weight(body)
        if fraction is not None and fraction != 1.0:
            problems.append((line, "partial credit on short answers is not supported: every answer is fully right"))
        if "#" in body:
            problems.append((line, "per-answer feedback on short answers is not supported: use ####"))
        accepted.append(_post(body))
        accepted.lines.append(line)
    raw["answers"] = accepted
