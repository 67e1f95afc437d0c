"""Quiz rules: settings, the question pool and its draw, every question through the type
registry (lms.quizzes.types), and translations that must match their English quiz."""
import copy

from lms.catalog import validate_translation
from lms.catalog.gift import RawQuestion
from lms.catalog.loader import Course, LineDict, Problems, Quiz
from lms.catalog.rules import SLUG, markdown, text_field
from lms.core.markup import render_inline, render_markdown
from lms.quizzes.settings import problems as setting_problems
from lms.quizzes.types import TYPES, BuildContext, build_question

COMMON_KEYS = ("id", "type", "text", "feedback", "lesson")
TYPE_KEYS = {"single": ("options",), "multiple": ("options",), "truefalse": ("answer",),
             "matching": ("pairs",), "ordering": ("items", "scoring"), "short": ("answers",)}
OPTION_KEYS = ("text", "correct", "feedback", "fraction")
PAIR_KEYS = ("left", "right")
PARTS = {"single": "options", "multiple": "options", "matching": "pairs", "ordering": "items"}




def _unknown(key, value, allowed, where: str) -> str:
    hint = "; quote text that contains ', ' or ': '" if value is None and " " in str(key) else ""
    return f"unknown key '{key}' {where}(known: {', '.join(allowed)}){hint}"


def _textual(value, path: str, line: int, what: str, problems: Problems) -> None:
    if isinstance(value, bool) or value is None:
        problems.add(path, line, f"{what} is read as {str(value).lower()}: put the text in quotes")
    elif isinstance(value, dict | list):
        problems.add(path, line, f"{what} is read as a mapping or list: put the text in quotes")


def _line(raw, key, default: int) -> int:
    return raw.lines.get(key, default) if isinstance(raw, LineDict) else default


def _value_line(raw, key, default: int) -> int:
    return raw.value_line(key) if isinstance(raw, LineDict) and key in raw.lines else default


def check_quiz(course: Course, quiz: Quiz, slug: str, problems: Problems) -> None:
    meta, path = quiz.meta, quiz.path
    allowed = ("title", "settings", "questions")
    for key in meta:
        if key not in allowed:
            problems.add(path, meta.line_of(key), f"unknown key '{key}' (known: {', '.join(allowed)})")
    text_field(meta, "title", path, problems)
    if quiz.format == "yaml" and not quiz.questions:
        problems.add(path, meta.line_of("questions"), "'questions' must be a list with at least one question")
    settings = meta.get("settings")
    if settings is not None and not isinstance(settings, LineDict):
        problems.add(path, meta.line_of("settings"), "'settings' must be a mapping of quiz settings")
        settings = None
    for key, message in setting_problems(settings):
        problems.add(path, settings.line_of(key), message)
    _draw(course, quiz, settings, problems)
    first_line: dict[str, int] = {}
    lessons = {lesson.slug for module in course.ordered_modules() for lesson in module.ordered_lessons()}
    for question in quiz.questions:
        _question(course.dir.name, slug, question, path, first_line, problems)
        _lesson(question, lessons, path, problems)
    for translation in quiz.translations.values():
        _translation(course.dir.name, slug, quiz, translation, problems)


def _draw(course: Course, quiz: Quiz, settings: LineDict | None, problems: Problems) -> None:
    defaults = course.meta.get("quiz_defaults")
    if settings and "draw" in settings:
        draw, where, line = settings["draw"], quiz.path, settings.line_of("draw")
    elif isinstance(defaults, LineDict) and "draw" in defaults:
        draw, where, line = defaults["draw"], course.path, defaults.line_of("draw")
    else:
        return
    pool = len(quiz.questions)
    if isinstance(draw, int) and not isinstance(draw, bool) and draw > pool:
        problems.add(where, line, f"draw {draw} is more than the {pool} questions in {quiz.path.rsplit('/', 1)[-1]}")


def _structure(raw: dict, path: str, line: int, problems: Problems) -> bool:
    """Shape checks that keep the type registry from choking on malformed parts."""
    qtype = raw.get("type")
    allowed = COMMON_KEYS + TYPE_KEYS.get(qtype, ())
    ok = True
    for key in raw:
        if qtype in TYPES and key not in allowed:
            problems.add(path, _line(raw, key, line), _unknown(key, raw[key], allowed, f"for a {qtype} question "))
    part = PARTS.get(qtype)
    items = raw.get(part) if part else None
    if part and items is not None and not isinstance(items, list):
        problems.add(path, _line(raw, part, line), f"'{part}' must be a list")
        return False
    for n, item in enumerate(items or []):
        item_line = items.line_of(n) if hasattr(items, "line_of") else line
        if part == "pairs" and not isinstance(item, dict):
            problems.add(path, item_line, "each pair must be a mapping with 'left' and 'right'")
            ok = False
        if part == "items" and isinstance(item, dict | list):
            problems.add(path, item_line, "an item is read as a mapping or list: put the text in quotes")
            ok = False
            continue
        if part in ("options", "pairs") and isinstance(item, dict):
            known = OPTION_KEYS if part == "options" else PAIR_KEYS
            for key in item:
                if key not in known:
                    problems.add(path, _line(item, key, item_line), _unknown(key, item[key], known, f"in {part[:-1]} "))
        if part == "options" and isinstance(item, dict):
            fraction = item.get("fraction")
            if fraction is not None and (isinstance(fraction, bool) or not isinstance(fraction, int | float)
                                         or not -1 <= fraction <= 1):
                problems.add(path, _line(item, "fraction", item_line), "an option's 'fraction' must be a number from -1 to 1")
                ok = False
        if isinstance(item, dict):
            for key in ("text", "feedback", "left", "right"):
                if key in item:
                    _textual(item[key], path, _line(item, key, item_line), f"'{key}'", problems)
                    markdown(item[key], path, _value_line(item, key, item_line), problems)
        elif part == "items":
            _textual(item, path, item_line, "an item", problems)
            markdown(item, path, item_line, problems)
        elif part == "options":
            problems.add(path, item_line, "each option must be a mapping with a 'text'")
            ok = False
    for n, answer in enumerate(raw.get("answers") or [] if qtype == "short" else []):
        _textual(answer, path, raw["answers"].line_of(n) if hasattr(raw["answers"], "line_of") else line,
                 "an answer", problems)
    return ok


def _question(course: str, quiz: str, question: RawQuestion, path: str, first_line: dict, problems: Problems) -> None:
    raw, line = question.raw, question.line
    if not isinstance(raw, dict):
        problems.add(path, line, "each question must be a mapping (id, type, text, ...)")
        return
    key = raw.get("id")
    if key is None or key == "":
        problems.add(path, line, "every question needs an 'id'")
        return
    if not isinstance(key, str) or not SLUG.match(key) or len(key) > 80:
        problems.add(path, _line(raw, "id", line), f"question id '{key}' is not a valid slug (lowercase letters, digits and single hyphens)")
        return
    if key in first_line:
        problems.add(path, _line(raw, "id", line), f"question id '{key}' is used twice in this quiz (first at line {first_line[key]})")
        return
    first_line[key] = line
    for field in ("text", "feedback"):
        if field in raw:
            _textual(raw[field], path, _line(raw, field, line), f"'{field}'", problems)
        markdown(raw.get(field), path, _value_line(raw, field, line), problems)
    if not _structure(raw, path, line, problems):
        return
    ctx = BuildContext(course, quiz, key)
    built = build_question(raw, ctx)
    for message in ctx.problems:
        problems.add(path, line, message)
    question.built = None if ctx.problems else built


def _lesson(question: RawQuestion, lessons: set[str], path: str, problems: Problems) -> None:
    """The lesson a question names (`lesson:`, or `// lesson:` in GIFT) is one of this course's."""
    if not isinstance(question.raw, dict) or "lesson" not in question.raw or not question.key:
        return
    slug, line = question.raw["lesson"], question.lines.get("lesson", question.line)
    if slug is None or slug == "":
        problems.add(path, line, f"question '{question.key}': 'lesson' is empty; name a lesson slug or remove the key")
    elif not isinstance(slug, str) or slug not in lessons:
        problems.add(path, line, f"question '{question.key}' names lesson '{slug}', which is not in this course")


def translate_question(course: str, quiz: str, english: RawQuestion, raw: dict) -> tuple[dict, list[str]]:
    """The stored translation of one question: {"text_html", "feedback_html", "data"}, where data
    has the English shape with translated HTML; the answer key always comes from English."""
    found: list[str] = []
    if not english.built:
        return {}, found
    built = english.built
    data = copy.deepcopy(built.get("data", {}))
    qtype = english.raw.get("type")
    if raw.get("type") not in (None, qtype):
        found.append(f"question '{english.key}' is a {qtype} question in English, not {raw.get('type')}")
    part = PARTS.get(qtype)
    theirs, ours = raw.get(part) if part else None, english.raw.get(part) if part else None
    if part and theirs is not None and (not isinstance(theirs, list) or len(theirs) != len(ours or [])):
        found.append(f"'{part}' must list the same {len(ours or [])} entries as the English question, in the same order")
        theirs = None
    ctx = BuildContext(course, quiz, english.key)
    if theirs and qtype in ("single", "multiple"):
        for option, text in zip(data["options"], theirs, strict=True):
            option["html"] = str(render_inline(str(text.get("text", "") if isinstance(text, dict) else text)))
            if isinstance(text, dict) and text.get("feedback"):
                option["feedback_html"] = str(render_inline(str(text["feedback"])))
    elif theirs and qtype == "matching":
        lefts = {p["id"]: p for p in data["pairs"]}
        rights = {r["id"]: r for r in data["rights"]}
        for pair, text in zip(ours, theirs, strict=True):
            text = text if isinstance(text, dict) else {}
            left, right = str(pair.get("left", "")).strip(), str(pair.get("right", "")).strip()
            if left and ctx.id_for("left", left) in lefts and text.get("left"):
                lefts[ctx.id_for("left", left)]["left_html"] = str(render_inline(str(text["left"])))
            if ctx.id_for("right", right) in rights and text.get("right"):
                rights[ctx.id_for("right", right)]["html"] = str(render_inline(str(text["right"])))
    elif theirs and qtype == "ordering":
        for item, text in zip(data["items"], theirs, strict=True):
            item["html"] = str(render_inline(str(text)))
    elif qtype == "short" and isinstance(raw.get("answers"), list):
        answers = [str(a) for a in raw["answers"] if str(a).strip()]
        data["answers"] = answers + [a for a in data.get("answers", []) if a not in answers]
    text, feedback = raw.get("text"), raw.get("feedback")
    return ({"text_html": str(render_markdown(str(text))) if text else built.get("text_html", ""),
             "feedback_html": str(render_markdown(str(feedback))) if feedback else built.get("feedback_html", ""),
             "data": data}, found)


def _translation(course: str, slug: str, quiz: Quiz, translation: Quiz, problems: Problems) -> None:
    path, meta = translation.path, translation.meta
    for key in meta:
        if key not in ("title", "settings", "questions"):
            problems.add(path, meta.line_of(key), f"unknown key '{key}' (known: title, questions)")
    if "settings" in meta:
        problems.add(path, meta.line_of("settings"), "settings come from the English quiz; remove them here")
    english = {q.key: q for q in quiz.questions if q.key}
    seen: set[str] = set()
    for question in translation.questions:
        raw, line = question.raw, question.line
        key = question.key
        if not isinstance(raw, dict) or key not in english:
            problems.add(path, line, f"question '{key or '?'}' is not in the English quiz")
            continue
        if key in seen:
            problems.add(path, line, f"question id '{key}' is used twice in this quiz")
            continue
        seen.add(key)
        if english[key].built is None:
            continue  # the English question has problems of its own; they come first
        for field in ("text", "feedback"):
            markdown(raw.get(field), path, _value_line(raw, field, line), problems)
        allowed = COMMON_KEYS + TYPE_KEYS.get(english[key].raw.get("type"), ())
        for field in raw:
            if field not in allowed:
                problems.add(path, _line(raw, field, line), f"unknown key '{field}' (known: {', '.join(allowed)})")
        part = PARTS.get(english[key].raw.get("type"))
        if part and isinstance(raw.get(part), list):
            _structure({"type": english[key].raw.get("type"), part: raw[part]}, path, line, problems)
        translated, found = translate_question(course, slug, english[key], raw)
        for message in found:
            problems.add(path, line, message)
        question.built = None if found else translated
    validate_translation.check_quiz(quiz, translation, problems)
