"""Import a checked course tree into the database: upsert by slug, archive what disappeared.

sync() flushes and never commits: `flask courses sync` commits once, so a failure anywhere
leaves the database as it was. Learner rows are never touched: removed lessons, quizzes and
questions are archived (archived=True) and come back to life if their file returns.
"""
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import force_locale, gettext
from markupsafe import Markup
from sqlalchemy import select

from lms.catalog import estimates, loader
from lms.catalog.media import media_url
from lms.catalog.models import Course, GlossaryTerm, Lesson, Module, Question, Quiz
from lms.catalog.validate import course_counts
from lms.catalog.validate_translation import course_languages
from lms.core import content_cache
from lms.core.db import utcnow
from lms.core.markup import render_markdown
from lms.extensions import db
from lms.quizzes.settings import resolve

# Part of every content hash: bump it when rendering or what is stored changes, so every course
# is re-imported once (2: questions name their lesson).
IMPORT_VERSION = "2"
KINDS = ("courses", "modules", "lessons", "quizzes", "questions", "glossary terms")
COMPLETION_DEFAULTS = {"lessons": "all", "module_quizzes": "passed", "final": "passed"}
_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')


@dataclass
class Counts:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    archived: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.archived.values())


def plain(value):
    """LineDict/LineList (and dates) from the loader as plain JSON-ready values."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def content_hash(course: loader.Course) -> str:
    digest = hashlib.sha256(f"upr-academy-import:{IMPORT_VERSION}\0".encode())
    for path in sorted(p for p in course.dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(course.dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def render_body(text: str, course_slug: str) -> str:
    """Lesson Markdown to sanitised HTML, with image paths pointing at the course's media URL."""
    html = str(render_markdown(text))
    return _IMG_SRC.sub(lambda m: m.group(1) + media_url(course_slug, m.group(2)) + m.group(3), html)


def _assign(obj, fields: dict) -> bool:
    changed = False
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


class _Upsert:
    """Rows of one kind, keyed; upsert() creates or updates and counts, archive_rest() retires."""

    def __init__(self, model, rows, key, kind: str, counts: Counts):
        self.model, self.kind, self.counts, self.key = model, kind, counts, key
        self.rows = {key(row): row for row in rows}
        self.seen: set = set()

    def upsert(self, ident, fields: dict, /, **identity):
        self.seen.add(ident)
        row = self.rows.get(ident)
        if row is None:
            row = self.model(**identity, **fields)
            db.session.add(row)
            self.rows[ident] = row
            self.counts.created[self.kind] += 1
        elif _assign(row, {**fields, "archived": False}):
            self.counts.updated[self.kind] += 1
        else:
            self.counts.unchanged[self.kind] += 1
        return row

    def archive_rest(self) -> None:
        for key, row in self.rows.items():
            if key not in self.seen and not row.archived:
                row.archived = True
                self.counts.archived[self.kind] += 1


def sync(tree: loader.Tree, *, now: datetime | None = None) -> Counts:
    """Upsert everything in a tree that lms.catalog.validate.check found no problem in."""
    now, counts = now or utcnow(), Counts()
    _glossary(tree, counts)
    courses = _Upsert(Course, db.session.scalars(select(Course)), lambda c: c.slug, "courses", counts)
    for source in tree.courses:
        _course(source, courses, counts, now)
    courses.archive_rest()
    db.session.flush()
    if counts.changes:
        content_cache.bump(now)  # every worker's cached structure and lessons are now stale
    return counts


def _glossary(tree: loader.Tree, counts: Counts) -> None:
    terms = _Upsert(GlossaryTerm, db.session.scalars(select(GlossaryTerm)), lambda t: t.slug, "glossary terms", counts)
    translated: dict[str, dict] = {}
    for lang, (_path, entries) in tree.glossary_translations.items():
        for entry in entries:
            translated.setdefault(entry["slug"], {})[lang] = {
                "term": str(entry["term"]),
                "definition_html": str(render_markdown(str(entry.get("definition") or "")))}
    for entry in tree.glossary or []:
        terms.upsert(entry["slug"], {
            "term": str(entry["term"]), "definition_html": str(render_markdown(str(entry["definition"]))),
            "source": entry.get("source"), "translations": translated.get(entry["slug"], {})}, slug=entry["slug"])
    terms.archive_rest()


def _course_fields(source: loader.Course) -> dict:
    meta = plain(source.meta)
    badge = dict(meta["badge"])
    if badge.get("image"):
        badge["image"] = media_url(source.slug, badge["image"])
    translations = {}
    for lang, data in source.translations.items():
        data = plain(data)
        entry = {"title": data.get("title"), "summary": data.get("summary"),
                 "badge_name": (data.get("badge") or {}).get("name"),
                 "badge_description": (data.get("badge") or {}).get("description"),
                 "badge_criteria": (data.get("badge") or {}).get("criteria")}
        translations[lang] = {k: v for k, v in entry.items() if v}
    return {
        "title": meta["title"], "summary": meta.get("summary") or "", "audiences": meta["audiences"],
        "level": meta["level"], "estimated_minutes": _estimated_minutes(source, meta.get("quiz_defaults")),
        "derived_from": meta.get("derived_from") or [], "navigation": meta.get("navigation", "sequential"),
        "completion": {**COMPLETION_DEFAULTS, **(meta.get("completion") or {})}, "badge": badge,
        "quiz_defaults": meta.get("quiz_defaults") or {}, "translations": translations,
        "position": meta["order"], "languages": course_languages(source),
    }


def _estimated_minutes(source: loader.Course, quiz_defaults: dict | None) -> int:
    modules = source.ordered_modules()
    quizzes = [q for q in [m.quiz() for m in modules] + [source.final] if q is not None]
    return estimates.course_minutes(
        (lesson.meta["minutes"] for m in modules for lesson in m.ordered_lessons()),
        ((resolve(plain(q.meta.get("settings")), quiz_defaults), len(q.questions)) for q in quizzes))


def _course(source: loader.Course, courses: _Upsert, counts: Counts, now: datetime) -> None:
    digest = content_hash(source)
    course = courses.rows.get(source.slug)
    fields = _course_fields(source)
    if course is not None and course.content_hash == digest and not course.archived:
        # Files unchanged since the last sync: only what is worked out across files can have moved.
        courses.upsert(source.slug, {key: fields[key] for key in ("position", "languages", "estimated_minutes")})
        sizes = course_counts(source)
        for kind in ("modules", "lessons", "quizzes", "questions"):
            counts.unchanged[kind] += sizes[kind]
        return
    before = counts.updated["courses"]
    course = courses.upsert(source.slug, fields, slug=source.slug, enrolment="open", created_at=now, updated_at=now)
    course.content_hash = digest
    if counts.updated["courses"] > before:
        course.updated_at = now
    db.session.flush()
    _contents(source, course, counts)


def _contents(source: loader.Course, course: Course, counts: Counts) -> None:
    modules = _Upsert(Module, db.session.scalars(select(Module).where(Module.course_id == course.id)),
                      lambda m: m.slug, "modules", counts)
    lessons = _Upsert(Lesson, db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)),
                      lambda lesson: lesson.slug, "lessons", counts)
    quizzes = _Upsert(Quiz, db.session.scalars(select(Quiz).where(Quiz.course_id == course.id)),
                      lambda q: q.slug, "quizzes", counts)
    questions = _Upsert(Question, db.session.scalars(
        select(Question).join(Quiz, Question.quiz_id == Quiz.id).where(Quiz.course_id == course.id)),
        lambda q: (q.quiz_id, q.key), "questions", counts)
    module_ids = {}
    for position, module_source in enumerate(source.ordered_modules()):
        meta = plain(module_source.meta)
        module = modules.upsert(module_source.slug, {
            "position": position, "title": meta["title"], "summary": meta.get("summary") or "",
            "translations": {lang: {k: v for k, v in plain(data).items() if k in ("title", "summary")}
                             for lang, data in module_source.translations.items()},
        }, course_id=course.id, slug=module_source.slug)
        db.session.flush()
        module_ids[module_source.slug] = module.id
        for index, lesson in enumerate(module_source.ordered_lessons()):
            lessons.upsert(lesson.slug, _lesson_fields(lesson, source.slug, module.id, index),
                           course_id=course.id, slug=lesson.slug)
    # Every lesson has its id before any question points at it: a module quiz may name a
    # lesson of a later module, and the final names lessons all over the course.
    db.session.flush()
    lesson_ids = {slug: row.id for slug, row in lessons.rows.items()}
    for module_source in source.ordered_modules():
        if (quiz := module_source.quiz()) is not None:
            _quiz(course, quiz, module_source.slug, module_ids[module_source.slug], quizzes, questions, lesson_ids)
    if source.final is not None:
        _quiz(course, source.final, "final", None, quizzes, questions, lesson_ids)
    for upsert in (modules, lessons, quizzes, questions):
        upsert.archive_rest()


def _lesson_fields(lesson: loader.Lesson, course_slug: str, module_id: int, position: int) -> dict:
    meta = plain(lesson.meta)
    body_html = render_body(lesson.body, course_slug)
    translations = {}
    for lang, translation in lesson.translations.items():
        tmeta = plain(translation.meta)
        entry = {"title": tmeta.get("title"), "purpose": tmeta.get("purpose"),
                 "key_points": tmeta.get("key_points"), "sources": tmeta.get("sources"),
                 "body_html": render_body(translation.body, course_slug)}
        translations[lang] = {k: v for k, v in entry.items() if v}
    return {
        "module_id": module_id, "position": position, "title": meta["title"], "minutes": meta["minutes"],
        "purpose": meta.get("purpose") or "", "key_points": meta.get("key_points") or [],
        "glossary": meta.get("glossary") or [], "sources": meta.get("sources") or [],
        "body_html": body_html, "word_count": len(Markup(body_html).striptags().split()),
        "translations": translations,
    }


def _quiz(course: Course, source: loader.Quiz, slug: str, module_id: int | None,
          quizzes: _Upsert, questions: _Upsert, lesson_ids: dict[str, int]) -> None:
    meta = plain(source.meta)
    default_title = "Final assessment" if module_id is None else f"{slug.replace('-', ' ').capitalize()} quiz"
    translations = {lang: {"title": str(t.meta["title"])} for lang, t in source.translations.items()
                    if t.meta.get("title")}
    if module_id is None and not meta.get("title"):
        # The final's default name, in every language of the interface.
        for lang in loader.LANGUAGES:
            with force_locale(lang):
                translations.setdefault(lang, {"title": gettext("Final assessment")})
    quiz = quizzes.upsert(slug, {
        "module_id": module_id, "kind": "module" if module_id else "final",
        "title": str(meta.get("title") or default_title),
        "settings": resolve(meta.get("settings"), course.quiz_defaults),
        "source_format": source.format, "translations": translations,
    }, course_id=course.id, slug=slug)
    db.session.flush()
    translated: dict[str, dict] = {}
    for lang, translation in source.translations.items():
        for question in translation.questions:
            if question.built:
                translated.setdefault(question.key, {})[lang] = question.built
    for position, question in enumerate(source.questions):
        built = question.built
        if built and built["type"] == "short":
            # A learner may answer in any of the course's languages, whichever edition they read.
            extra = [a for tr in translated.get(question.key, {}).values() for a in tr["data"].get("answers", [])]
            built["data"]["answers"] = list(dict.fromkeys(built["data"]["answers"] + extra))
        if built is None:
            raise ValueError(f"{source.path}:{question.line}: question was not checked; run the validator first")
        questions.upsert((quiz.id, question.key), {
            "position": position, "type": built["type"], "text_html": built["text_html"],
            "feedback_html": built["feedback_html"], "data": built["data"],
            "translations": translated.get(question.key, {}),
            "lesson_id": lesson_ids.get(question.raw.get("lesson")),
        }, quiz_id=quiz.id, key=question.key)
