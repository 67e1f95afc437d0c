"""Shared checks of the course format: slugs, allowed values, keys, Markdown, image paths."""
import os
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

from lms.catalog.yamlines import LineDict, Problems
from lms.core.markup import find_unsafe, unsafe_url_reason

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
AUDIENCES = ("sur", "rs", "cso", "nhri", "un", "all")
LEVELS = ("introductory", "intermediate", "advanced")
DERIVED_FROM = ("guide", "compendium", "sur-training", "nhri-training")
NAVIGATION = ("sequential", "free")
COMPLETION = {"lessons": ("all", "none"), "module_quizzes": ("passed", "none"), "final": ("passed", "none")}
EMBLEMS = ("globe", "scales", "people", "document", "chart", "shield")
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

COURSE_KEYS = ("slug", "title", "summary", "audiences", "level", "order", "derived_from",
               "navigation", "completion", "badge", "quiz_defaults", "modules")
COURSE_REQUIRED = ("slug", "title", "summary", "audiences", "level", "order", "derived_from",
                   "badge", "modules")
# Keys a course once carried that the import now works out itself (lms.catalog.estimates).
COURSE_COMPUTED = {"estimated_hours": "'estimated_hours' is computed now from the lessons' minutes "
                                      "and the quizzes: remove it"}
BADGE_KEYS = ("name", "description", "criteria", "colour", "image", "emblem", "tags")
MODULE_KEYS = ("title", "summary", "lessons", "quiz")
LESSON_KEYS = ("slug", "title", "minutes", "purpose", "key_points", "glossary", "sources")
LESSON_REQUIRED = ("slug", "title", "minutes", "key_points", "sources")
GLOSSARY_KEYS = ("slug", "term", "definition", "source")

_md = MarkdownIt("commonmark").enable("table")


def known_keys(data: LineDict, allowed, path: str, problems: Problems, *, ignore=()) -> None:
    for key in data:
        if key not in allowed and key not in ignore:
            hint = "; quote text that contains ', ' or ': '" if data[key] is None and " " in str(key) else ""
            problems.add(path, data.line_of(key), f"unknown key '{key}' (known: {', '.join(allowed)}){hint}")


def required(data: LineDict, keys, path: str, problems: Problems) -> None:
    for key in keys:
        if key not in data or data[key] is None or data[key] == "":
            problems.add(path, data.line, f"'{key}' is required")


MAX_LENGTH = {"title": 200, "term": 200, "source": 500}  # the database columns' sizes


def text_field(data: LineDict, key: str, path: str, problems: Problems) -> None:
    value = data.get(key)
    if key in data and value is not None and not isinstance(value, str):
        problems.add(path, data.line_of(key), f"'{key}' must be text")
    elif isinstance(value, str) and len(value) > MAX_LENGTH.get(key, len(value)):
        problems.add(path, data.line_of(key), f"'{key}' is longer than {MAX_LENGTH[key]} characters")


def markdown(text, path: str, first_line: int, problems: Problems) -> None:
    """Hostile Markdown (raw HTML, unsafe links) in `text`, which starts at file line first_line.
    Raw HTML needs a '<' and every link or image a '[' or '<' (linkify is off), so text with
    neither cannot hold any and is not parsed again."""
    text = str(text or "")
    if "<" not in text and "[" not in text:
        return
    for line, message in find_unsafe(text):
        problems.add(path, first_line + line - 1, message)


def list_of(data: LineDict, key: str, allowed, path: str, problems: Problems, *, empty=False) -> list:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or (not value and not empty):
        problems.add(path, data.line_of(key), f"'{key}' must be a list" + ("" if empty else " with at least one item"))
        return []
    for n, item in enumerate(value):
        if allowed is not None and item not in allowed:
            problems.add(path, value.line_of(n), f"'{item}' is not a valid {key} value (use one of: {', '.join(allowed)})")
    return value


def slug_problem(value) -> str | None:
    if not isinstance(value, str) or not SLUG.match(value) or len(value) > 80:
        return f"'{value}' is not a valid slug (lowercase letters, digits and single hyphens)"
    return None


def image_problem(course_dir: Path, src: str) -> str | None:
    """Why an image path may not be used, or None when it names a file inside the course folder."""
    if unsafe_url_reason(src) or urlsplit(src).scheme or src.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", src):
        return f"image '{src}' must be a relative path inside the course folder"
    if ".." in PurePosixPath(src.replace("\\", "/")).parts:
        return f"image '{src}' must not leave the course folder ('..')"
    path = course_dir / src
    if os.path.commonpath([path.resolve(), course_dir.resolve()]) != str(course_dir.resolve()):
        return f"image '{src}' leads outside the course folder (symbolic link)"
    if not path.is_file():
        return f"image '{src}' not found in the course folder"
    if path.suffix.lower() not in IMAGE_TYPES:
        return f"image '{src}' must be one of: {', '.join(IMAGE_TYPES)}"
    return None


def images(text: str) -> list[tuple[int, str]]:
    """(1-based line, src) of every image in Markdown text."""
    found = []
    for token in _md.parse(text or ""):
        for child in token.children or []:
            if child.type == "image":
                found.append(((token.map[0] + 1) if token.map else 1, child.attrGet("src") or ""))
    return found
