"""Every rule a course tree must pass before it is imported; each problem is `path:line: message`.

check(tree) returns the problems of a loaded tree (lms.catalog.loader) and leaves the built
questions on the tree for the importer. Quiz rules live in lms.catalog.validate_quiz, shared
checks in lms.catalog.rules.
"""
import re

from lms.catalog import validate_translation as translated
from lms.catalog.loader import Course, LineDict, Module, Problems, Tree
from lms.catalog.rules import (
    AUDIENCES,
    BADGE_KEYS,
    COLOUR,
    COMPLETION,
    COURSE_COMPUTED,
    COURSE_KEYS,
    COURSE_REQUIRED,
    DERIVED_FROM,
    EMBLEMS,
    GLOSSARY_KEYS,
    LESSON_KEYS,
    LESSON_REQUIRED,
    LEVELS,
    MODULE_KEYS,
    NAVIGATION,
    image_problem,
    images,
    known_keys,
    list_of,
    markdown,
    required,
    slug_problem,
    text_field,
)
from lms.catalog.validate_quiz import check_quiz
from lms.core.markup import unsafe_url_reason
from lms.quizzes.settings import problems as setting_problems


def check(tree: Tree) -> Problems:
    problems = Problems(tree.problems)
    glossary = _glossary(tree, problems)
    translated.check_glossary(tree, problems)
    for course in tree.courses:
        _course(course, glossary, problems)
    _orders(tree, problems)
    return Problems(sorted(set(problems)))


def _orders(tree: Tree, problems: Problems) -> None:
    """Each course its own `order`: the catalogue lists them by it, beginner course first."""
    first: dict[int, Course] = {}
    for course in tree.courses:
        order = course.meta.get("order")
        if not _positive_int(order):
            continue
        if order in first:
            problems.add(course.path, course.meta.line_of("order"),
                         f"order {order} is already the order of course '{first[order].slug}' "
                         f"({first[order].path}): give each course its own")
        else:
            first[order] = course


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _glossary(tree: Tree, problems: Problems) -> set[str]:
    slugs: dict[str, int] = {}
    path = tree.glossary_path
    for n, term in enumerate(tree.glossary or []):
        line = tree.glossary.line_of(n)
        if not isinstance(term, LineDict):
            problems.add(path, line, "each glossary entry must be a mapping (slug, term, definition)")
            continue
        known_keys(term, GLOSSARY_KEYS, path, problems)
        required(term, ("slug", "term", "definition"), path, problems)
        slug = term.get("slug")
        if slug is not None and (message := slug_problem(slug)):
            problems.add(path, term.line_of("slug"), message)
        elif slug in slugs:
            problems.add(path, term.line_of("slug"), f"glossary slug '{slug}' is used twice (first at line {slugs[slug]})")
        elif slug:
            slugs[slug] = term.line_of("slug")
        text_field(term, "term", path, problems)
        text_field(term, "source", path, problems)
        markdown(term.get("definition"), path, term.value_line("definition"), problems)
        source = term.get("source")
        if source is not None and (not isinstance(source, str) or not source.startswith(("https://", "http://"))
                                   or unsafe_url_reason(source)):
            problems.add(path, term.line_of("source"), "'source' must be an http(s) URL")
    for tpath, entries in tree.glossary_translations.values():
        for n, term in enumerate(entries):
            if not isinstance(term, LineDict):
                problems.add(tpath, entries.line_of(n), "each glossary entry must be a mapping (slug, term, definition)")
                continue
            known_keys(term, GLOSSARY_KEYS, tpath, problems)
            required(term, ("slug", "term"), tpath, problems)
            if term.get("slug") and term["slug"] not in slugs:
                problems.add(tpath, term.line_of("slug"), f"glossary slug '{term['slug']}' is not in glossary.yaml")
            markdown(term.get("definition"), tpath, term.value_line("definition"), problems)
    return set(slugs)


def _course(course: Course, glossary: set[str], problems: Problems) -> None:
    meta, path = course.meta, course.path
    for stray_path, message in course.stray:
        problems.add(stray_path, 1, message)
    known_keys(meta, COURSE_KEYS, path, problems, ignore=COURSE_COMPUTED)
    for key, message in COURSE_COMPUTED.items():
        if key in meta:
            problems.add(path, meta.line_of(key), message)
    required(meta, COURSE_REQUIRED, path, problems)
    if "slug" in meta:
        if message := slug_problem(meta["slug"]):
            problems.add(path, meta.line_of("slug"), message)
        elif meta["slug"] != course.dir.name:
            problems.add(path, meta.line_of("slug"), f"slug '{meta['slug']}' must equal the folder name '{course.dir.name}'")
    for key in ("title", "summary"):
        text_field(meta, key, path, problems)
    list_of(meta, "audiences", AUDIENCES, path, problems)
    list_of(meta, "derived_from", DERIVED_FROM, path, problems, empty=True)
    if "level" in meta and meta["level"] not in LEVELS:
        problems.add(path, meta.line_of("level"), f"'level' must be one of: {', '.join(LEVELS)}")
    if meta.get("order") is not None and not _positive_int(meta["order"]):
        problems.add(path, meta.line_of("order"), "'order' must be a whole number above 0 (1 comes first in the catalogue)")
    if "navigation" in meta and meta["navigation"] not in NAVIGATION:
        problems.add(path, meta.line_of("navigation"), f"'navigation' must be one of: {', '.join(NAVIGATION)}")
    _completion(meta, path, problems)
    _badge(course, problems)
    defaults = meta.get("quiz_defaults")
    if defaults is not None and not isinstance(defaults, LineDict):
        problems.add(path, meta.line_of("quiz_defaults"), "'quiz_defaults' must be a mapping of quiz settings")
    elif defaults:
        for key, message in setting_problems(defaults):
            problems.add(path, defaults.line_of(key), message)
    _module_list(course, problems)
    lessons_seen: dict[str, str] = {}
    for module in course.ordered_modules():
        _module(course, module, glossary, lessons_seen, problems)
    if course.final is not None:
        check_quiz(course, course.final, "final", problems)
    elif not any((course.dir / name).is_file() for name in ("final.yaml", "final.gift")):
        # (a final that exists but could not be read is reported where reading failed)
        problems.add(path, 1, "a course needs a final assessment: final.yaml or final.gift")
    translated.check_course(course, problems)
    for lang, data in course.translations.items():
        tpath = path.replace("course.yaml", f"course.{lang}.yaml")
        known_keys(data, ("slug", "title", "summary", "badge"), tpath, problems)
        if data.get("slug") not in (None, course.dir.name):
            problems.add(tpath, data.line_of("slug"), f"slug '{data['slug']}' must equal the English slug '{course.dir.name}'")
        if "badge" in data and not isinstance(data["badge"], LineDict):
            problems.add(tpath, data.line_of("badge"), "'badge' must be a mapping (name, description)")
        elif "badge" in data:
            known_keys(data["badge"], ("name", "description", "criteria"), tpath, problems)


def _completion(meta: LineDict, path: str, problems: Problems) -> None:
    completion = meta.get("completion")
    if completion is None:
        return
    if not isinstance(completion, LineDict):
        problems.add(path, meta.line_of("completion"), "'completion' must be a mapping")
        return
    known_keys(completion, tuple(COMPLETION), path, problems)
    for key, allowed in COMPLETION.items():
        if key in completion and completion[key] not in allowed:
            problems.add(path, completion.line_of(key), f"completion '{key}' must be one of: {', '.join(allowed)}")


def _badge(course: Course, problems: Problems) -> None:
    badge, path = course.meta.get("badge"), course.path
    if badge is None:
        return
    if not isinstance(badge, LineDict):
        problems.add(path, course.meta.line_of("badge"), "'badge' must be a mapping (name, description, criteria, ...)")
        return
    known_keys(badge, BADGE_KEYS, path, problems)
    required(badge, ("name", "description", "criteria"), path, problems)
    if "colour" not in badge and "image" not in badge:
        problems.add(path, badge.line, "a badge needs a 'colour' or an 'image'")
    if "colour" in badge and not (isinstance(badge["colour"], str) and COLOUR.match(badge["colour"])):
        problems.add(path, badge.line_of("colour"), "badge 'colour' must be a hex colour like \"#1d4ed8\"")
    if "emblem" in badge and badge["emblem"] not in EMBLEMS:
        problems.add(path, badge.line_of("emblem"), f"badge 'emblem' must be one of: {', '.join(EMBLEMS)}")
    if "image" in badge and (message := image_problem(course.dir, str(badge["image"]))):
        problems.add(path, badge.line_of("image"), message)
    if "tags" in badge and not (isinstance(badge["tags"], list) and all(isinstance(t, str) for t in badge["tags"])):
        problems.add(path, badge.line_of("tags"), "badge 'tags' must be a list of words")


def _module_list(course: Course, problems: Problems) -> None:
    names = list_of(course.meta, "modules", None, course.path, problems)
    seen: set[str] = set()
    for n, name in enumerate(names):
        line = names.line_of(n)
        if message := slug_problem(name):
            problems.add(course.path, line, message)
        elif name == "final":
            problems.add(course.path, line, "a module cannot be called 'final': the final assessment uses that name")
        elif name in seen:
            problems.add(course.path, line, f"module '{name}' is listed twice")
        elif name not in course.modules and not (course.dir / name / "module.yaml").is_file():
            problems.add(course.path, line, f"module '{name}' has no folder {name}/ with a module.yaml")
        seen.add(name)
    for name, module in course.modules.items():
        if name not in seen:
            problems.add(module.path, 1, f"module '{name}' is not listed in course.yaml 'modules'")


def _module(course: Course, module: Module, glossary: set[str], seen: dict, problems: Problems) -> None:
    meta, path = module.meta, module.path
    for stray_path, message in module.stray:
        problems.add(stray_path, 1, message)
    known_keys(meta, MODULE_KEYS, path, problems)
    required(meta, ("title", "lessons", "quiz"), path, problems)
    for key in ("title", "summary"):
        text_field(meta, key, path, problems)
    names = list_of(meta, "lessons", None, path, problems)
    for n, name in enumerate(names):
        line = names.line_of(n)
        if message := slug_problem(name):
            problems.add(path, line, message)
        elif name in seen:
            where = "in this module" if seen[name] == module.slug else f"in module '{seen[name]}'"
            problems.add(path, line, f"lesson '{name}' is already listed {where}")
        elif name not in module.lessons and not (module.dir / f"{name}.md").is_file():
            problems.add(path, line, f"lesson '{name}' has no file {name}.md in this folder")
        if isinstance(name, str):
            seen.setdefault(name, module.slug)
    for slug, lesson in module.lessons.items():
        if slug not in names:
            problems.add(lesson.path, 1, f"lesson '{slug}' is not listed in module.yaml 'lessons'")
    for lesson in module.ordered_lessons():
        _lesson(course, lesson, glossary, problems)
    quiz_name = meta.get("quiz")
    if quiz_name is not None:
        if not isinstance(quiz_name, str) or not re.match(r"^[\w.-]+\.(yaml|gift)$", quiz_name):
            problems.add(path, meta.line_of("quiz"), "'quiz' must name a .yaml or .gift file in this folder")
        elif quiz_name not in module.quizzes and not (module.dir / quiz_name).is_file():
            problems.add(path, meta.line_of("quiz"), f"quiz file '{quiz_name}' not found in this folder")
    for name, quiz in module.quizzes.items():
        if name != quiz_name:
            problems.add(quiz.path, 1, f"quiz file '{name}' is not used: module.yaml names '{quiz_name}'")
    if (quiz := module.quiz()) is not None:
        check_quiz(course, quiz, module.slug, problems)
    for lang, data in module.translations.items():
        tpath = path.replace("module.yaml", f"module.{lang}.yaml")
        known_keys(data, ("title", "summary"), tpath, problems)


def _lesson(course: Course, lesson, glossary: set[str], problems: Problems, english=None) -> None:
    meta, path = lesson.meta, lesson.path
    known_keys(meta, LESSON_KEYS, path, problems)
    required(meta, LESSON_REQUIRED if english is None else ("slug", "title"), path, problems)
    if "slug" in meta and meta["slug"] != lesson.slug:
        expected = f"the English slug '{lesson.slug}'" if english else f"the file name '{lesson.slug}'"
        problems.add(path, meta.line_of("slug"), f"slug '{meta['slug']}' must equal {expected}")
    for key in ("title", "purpose"):
        text_field(meta, key, path, problems)
    minutes = meta.get("minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0):
        problems.add(path, meta.line_of("minutes"), "'minutes' must be a whole number above 0")
    points = list_of(meta, "key_points", None, path, problems)
    for n, point in enumerate(points):
        if not isinstance(point, str) or not point.strip():
            problems.add(path, points.line_of(n), "each key point must be text")
    terms = list_of(meta, "glossary", None, path, problems, empty=True)
    for n, term in enumerate(terms):
        if term not in glossary:
            problems.add(path, terms.line_of(n), f"glossary term '{term}' is not in glossary.yaml")
    _sources(meta, path, problems)
    if not lesson.body.strip():
        problems.add(path, lesson.body_line, "the lesson has no text below the front matter")
    markdown(lesson.body, path, lesson.body_line, problems)
    for line, src in images(lesson.body):
        if message := image_problem(course.dir, src):
            problems.add(path, lesson.body_line + line - 1, message)
    for translation in lesson.translations.values():
        _lesson(course, translation, glossary, problems, english=lesson)
        translated.check_lesson(lesson, translation, problems)


def _sources(meta: LineDict, path: str, problems: Problems) -> None:
    sources = list_of(meta, "sources", None, path, problems)
    for n, source in enumerate(sources):
        line = sources.line_of(n)
        if not isinstance(source, LineDict) or not source.get("title") or not source.get("url"):
            problems.add(path, line, "each source needs a 'title' and a 'url'")
            continue
        known_keys(source, ("title", "url"), path, problems)
        url = source["url"]
        if not isinstance(url, str) or not url.startswith(("https://", "http://")) or unsafe_url_reason(url):
            problems.add(path, source.line_of("url"), f"source url '{url}' must be an http(s) URL")


def course_counts(course: Course) -> dict[str, int]:
    modules = course.ordered_modules()
    quizzes = [m.quiz() for m in modules if m.quiz()] + ([course.final] if course.final else [])
    return {"courses": 1, "modules": len(modules), "lessons": sum(len(m.ordered_lessons()) for m in modules),
            "quizzes": len(quizzes), "questions": sum(len(q.questions) for q in quizzes)}


def counts(tree: Tree) -> dict[str, int]:
    totals = {"courses": 0, "modules": 0, "lessons": 0, "quizzes": 0, "questions": 0}
    for course in tree.courses:
        for kind, number in course_counts(course).items():
            totals[kind] += number
    return totals
