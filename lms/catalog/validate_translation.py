"""Translated files against their English originals: every field present, the same structure and
answer key, and every number of the English text still there.

A translation that drops a figure ("4.5 years", "2,815 words", "60/251") teaches a wrong fact,
so numbers are compared field by field. Digits split by a single separator are one number,
which lets each language write its own decimal and thousands marks: "3.5" = "3,5",
"2,815" = "2 815" = "2815".
"""
import re
from collections import Counter

from lms.catalog.loader import LANGUAGES, Course, LineDict, Problems, Quiz, Tree

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")


def numbers(text) -> Counter:
    return Counter(re.sub(r"\D", "", m.group()) for m in _NUMBER.finditer(str(text or "")))


def same_numbers(english, translated, path: str, line: int, what: str, problems: Problems) -> None:
    missing = numbers(english) - numbers(translated)
    if missing:
        listed = ", ".join(sorted(missing.elements()))
        problems.add(path, line, f"{what}: the number(s) {listed} of the English text are missing")


def present(english, translated, key: str, path: str, line: int, problems: Problems, what: str = "") -> bool:
    """Report a field the English has and the translation lacks; True when both have it."""
    has_en = english.get(key) not in (None, "", [])
    has_tr = isinstance(translated, dict) and translated.get(key) not in (None, "", [])
    if has_en and not has_tr:
        problems.add(path, line, f"'{key}'{what} is in the English file but not translated here")
    return has_en and has_tr


def _line(data, key, default: int) -> int:
    return data.line_of(key) if isinstance(data, LineDict) and key in data.lines else default


def fields(english: dict, translated: dict, keys, path: str, problems: Problems, what: str = "",
           line: int | None = None) -> None:
    """Each of `keys` present in the translation when English has it, with the same numbers."""
    for key in keys:
        line = _line(translated, key, line or getattr(translated, "line", 1))
        if present(english, translated, key, path, line, problems, what):
            same_numbers(english[key], translated[key], path, line, f"'{key}'{what}", problems)


# ---- lessons, courses, modules, glossary ----------------------------------------------------

def _broken(path: str, problems: Problems) -> bool:
    """The English file has problems of its own: they come first, comparing with it would echo them."""
    return any(p.path == path for p in problems)


def check_lesson(english, translation, problems: Problems) -> None:
    en, tr, path = english.meta, translation.meta, translation.path
    if _broken(english.path, problems):
        return
    fields(en, tr, ("title", "purpose"), path, problems)
    if "minutes" in tr and tr.get("minutes") != en.get("minutes"):
        problems.add(path, tr.line_of("minutes"), f"'minutes' must stay {en.get('minutes')} as in English")
    points_en, points_tr = en.get("key_points") or [], tr.get("key_points") or []
    if present(en, tr, "key_points", path, tr.line, problems) and isinstance(points_tr, list):
        if len(points_tr) != len(points_en):
            problems.add(path, tr.line_of("key_points"),
                         f"'key_points' must list {len(points_en)} points as in English, not {len(points_tr)}")
        for n, (a, b) in enumerate(zip(points_en, points_tr, strict=False)):
            same_numbers(a, b, path, points_tr.line_of(n), f"key point {n + 1}", problems)
    if "glossary" in tr and sorted(tr.get("glossary") or []) != sorted(en.get("glossary") or []):
        problems.add(path, tr.line_of("glossary"), "'glossary' must list the same terms as the English lesson")
    if not tr.get("sources") and en.get("sources"):
        problems.add(path, tr.line, "'sources' is in the English file but not translated here")
    if translation.body.strip():
        _body_numbers(english.body, translation, problems)


def _paragraphs(body: str) -> list[tuple[int, str]]:
    """(offset of the first line, text) of each blank-line-separated block."""
    blocks, start, lines = [], None, []
    for n, line in enumerate(body.split("\n") + [""]):
        if line.strip():
            start = n if start is None else start
            lines.append(line)
        elif start is not None:
            blocks.append((start, "\n".join(lines)))
            start, lines = None, []
    return blocks


def _body_numbers(english: str, translation, problems: Problems) -> None:
    """Paragraph by paragraph when the translation keeps the English paragraphs (it should), so
    the message points at the right line; the whole text otherwise."""
    ours, theirs = _paragraphs(english), _paragraphs(translation.body)
    if len(ours) != len(theirs):
        same_numbers(english, translation.body, translation.path, translation.body_line, "the lesson text", problems)
        return
    for (_, a), (offset, b) in zip(ours, theirs, strict=True):
        same_numbers(a, b, translation.path, translation.body_line + offset, "this paragraph", problems)


def check_course(course: Course, problems: Problems) -> None:
    for lang, data in course.translations.items():
        tpath = course.path.replace("course.yaml", f"course.{lang}.yaml")
        fields(course.meta, data, ("title", "summary"), tpath, problems)
        badge_en = course.meta.get("badge")
        if isinstance(badge_en, dict):
            badge = data.get("badge") if isinstance(data.get("badge"), LineDict) else LineDict(line=data.line)
            if "badge" not in data:
                problems.add(tpath, data.line, "'badge' (name, description, criteria) is not translated here")
            else:
                fields(badge_en, badge, ("name", "description", "criteria"), tpath, problems, " of the badge")
    for module in course.modules.values():
        for lang, data in module.translations.items():
            tpath = module.path.replace("module.yaml", f"module.{lang}.yaml")
            fields(module.meta, data, ("title", "summary"), tpath, problems)


def check_glossary(tree: Tree, problems: Problems) -> None:
    if _broken(tree.glossary_path, problems):
        return
    english = {t.get("slug"): t for t in tree.glossary or [] if isinstance(t, dict)}
    for tpath, entries in tree.glossary_translations.values():
        found = {t.get("slug") for t in entries or [] if isinstance(t, dict)}
        for slug in english:
            if slug and slug not in found:
                problems.add(tpath, 1, f"glossary term '{slug}' is not translated here")
        for term in entries or []:
            if isinstance(term, LineDict) and term.get("slug") in english:
                fields(english[term["slug"]], term, ("term", "definition"), tpath, problems)


# ---- quizzes -------------------------------------------------------------------------------

def check_quiz(quiz: Quiz, translation: Quiz, problems: Problems) -> None:
    path, meta = translation.path, translation.meta
    if _broken(quiz.path, problems):
        return
    if not meta.get("title") and quiz.meta.get("title"):
        problems.add(path, meta.line, "'title' is in the English file but not translated here")
    keys = {q.key for q in translation.questions}
    english = {q.key: q for q in quiz.questions if q.key and q.built is not None}  # broken ones are reported
    for key in english:
        if key not in keys:
            problems.add(path, _line(meta, "questions", meta.line),
                         f"question '{key}' of the English quiz is not translated here")
    for question in translation.questions:
        if question.key in english and isinstance(question.raw, dict):
            _question(english[question.key].raw, question.raw, path, question.line, problems)
            _same_lesson(english[question.key], question, path, problems)


def _same_lesson(english, translated, path: str, problems: Problems) -> None:
    """A translation may leave `lesson` out (it follows the English); if it gives one, the same."""
    en, tr = english.raw.get("lesson"), translated.raw.get("lesson")
    if "lesson" in translated.raw and tr != en:
        wanted = f"'{en}' as in English" if en else "left out: the English question names no lesson"
        problems.add(path, translated.lines.get("lesson", translated.line),
                     f"question '{english.key}': 'lesson' must be {wanted}")


def _question(en: dict, tr: dict, path: str, line: int, problems: Problems) -> None:
    qid = en.get("id")
    fields(en, tr, ("text", "feedback"), path, problems, f" of question '{qid}'", line)
    qtype = en.get("type")
    if qtype == "truefalse" and "answer" in tr and tr["answer"] != en.get("answer"):
        problems.add(path, _line(tr, "answer", line), f"question '{qid}': the answer is {en.get('answer')} in English")
    if qtype in ("single", "multiple"):
        _options(qid, en.get("options") or [], tr.get("options") or [], path, line, problems)
    for part, sides in (("pairs", ("left", "right")), ("items", None)):
        ours, theirs = en.get(part) or [], tr.get(part) or []
        if qtype not in ("matching", "ordering") or len(ours) != len(theirs):
            continue
        for n, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            where = theirs.line_of(n) if hasattr(theirs, "line_of") else line
            if sides and isinstance(a, dict) and isinstance(b, dict):
                for side in sides:
                    if a.get(side) and not b.get(side):
                        problems.add(path, where, f"question '{qid}': pair {n + 1} has no '{side}' here")
                    same_numbers(a.get(side), b.get(side), path, where, f"question '{qid}', pair {n + 1}", problems)
            elif not sides:
                same_numbers(a, b, path, where, f"question '{qid}', item {n + 1}", problems)
    if qtype == "short" and "answers" in tr and not [a for a in tr.get("answers") or [] if str(a).strip()]:
        problems.add(path, _line(tr, "answers", line), f"question '{qid}': 'answers' must list at least one answer")


def _options(qid, ours: list, theirs: list, path: str, line: int, problems: Problems) -> None:
    if len(ours) != len(theirs):
        return  # reported by the structural check
    if any(isinstance(o, dict) and "correct" in o for o in theirs):
        key_en, key_tr = _key(ours), _key(theirs)
        if key_en != key_tr:
            problems.add(path, line, f"question '{qid}': the correct options differ from the English "
                                     f"(options {_marked(key_en)} in English, {_marked(key_tr)} here)")
    for n, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        if not (isinstance(a, dict) and isinstance(b, dict)):
            continue
        where = theirs.line_of(n) if hasattr(theirs, "line_of") else line
        for key in ("text", "feedback"):
            if a.get(key) and not b.get(key):
                problems.add(path, where, f"question '{qid}': option {n + 1} has no '{key}' here")
            same_numbers(a.get(key), b.get(key), path, where, f"question '{qid}', option {n + 1}", problems)


def _key(options: list) -> list[bool]:
    """Which options earn credit: `correct: true` (YAML, GIFT '=') or a positive weight (GIFT %n%)."""
    return [isinstance(o, dict) and (bool(o.get("correct")) or (o.get("fraction") or 0) > 0) for o in options]


def _marked(flags: list[bool]) -> str:
    return ", ".join(str(n + 1) for n, flag in enumerate(flags) if flag) or "none"


# ---- coverage ------------------------------------------------------------------------------

def course_languages(course: Course) -> list[str]:
    """The languages this course is complete in: English, and each language with every file."""
    done = ["en"]
    lessons = [lesson for m in course.ordered_modules() for lesson in m.ordered_lessons()]
    quizzes = [q for q in [m.quiz() for m in course.ordered_modules()] + [course.final] if q]
    for lang in LANGUAGES:
        if (lang in course.translations and all(lang in m.translations for m in course.ordered_modules())
                and all(lang in lesson.translations for lesson in lessons)
                and all(lang in q.translations for q in quizzes)):
            done.append(lang)
    return done


def coverage(tree: Tree) -> list[str]:
    """One line per language: `fr: 12/41 lessons, 3/26 quizzes, 0/6 courses, glossary 33/33`."""
    lines = []
    modules = [m for c in tree.courses for m in c.ordered_modules()]
    lessons = [lesson for m in modules for lesson in m.ordered_lessons()]
    quizzes = [q for q in [m.quiz() for m in modules] + [c.final for c in tree.courses] if q]
    terms = len(tree.glossary or [])
    for lang in LANGUAGES:
        glossary = len(tree.glossary_translations.get(lang, ("", []))[1] or [])
        complete = sum(lang in course_languages(c) for c in tree.courses)
        lines.append(f"{lang}: {sum(lang in x.translations for x in lessons)}/{len(lessons)} lessons, "
                     f"{sum(lang in q.translations for q in quizzes)}/{len(quizzes)} quizzes, "
                     f"{complete}/{len(tree.courses)} courses complete, glossary {min(glossary, terms)}/{terms}")
    return lines
