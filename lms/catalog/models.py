"""Course content. Written only by `courses sync`; archived rows keep history whole."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from lms.core import content_cache
from lms.core.db import utcnow
from lms.extensions import db


class Course(db.Model):
    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    audiences: Mapped[list] = mapped_column(JSON, default=list)       # sur, rs, cso, nhri, un, all
    level: Mapped[str] = mapped_column(String(20), default="introductory")
    estimated_hours: Mapped[float] = mapped_column(default=1.0)
    # Computed at sync from the lessons' minutes and the quizzes (lms.catalog.estimates): the one
    # time estimate every page shows.
    estimated_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    derived_from: Mapped[list] = mapped_column(JSON, default=list)    # guide, compendium, ...
    navigation: Mapped[str] = mapped_column(String(20), default="sequential")  # sequential | free
    completion: Mapped[dict] = mapped_column(JSON, default=dict)      # {lessons, module_quizzes, final}
    badge: Mapped[dict] = mapped_column(JSON, default=dict)           # name, description, criteria, colour, emblem, tags
    quiz_defaults: Mapped[dict] = mapped_column(JSON, default=dict)
    # {"fr": {"title": ..., "summary": ..., "badge_name": ..., "badge_description": ...}, "es": {...}}
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    # Languages every file of the course is written in ("en" first); the catalogue filters on it.
    languages: Mapped[list] = mapped_column(JSON, default=lambda: ["en"], server_default='["en"]')
    position: Mapped[int] = mapped_column(default=0)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    # open: anyone may self-enrol; cohort: only through a cohort that assigns it
    enrolment: Mapped[str] = mapped_column(String(20), default="open")
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    modules: Mapped[list["Module"]] = relationship(back_populates="course", order_by="Module.position")


class Module(db.Model):
    __tablename__ = "module"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    translations: Mapped[dict] = mapped_column(JSON, default=dict)    # {"fr": {"title", "summary"}}
    archived: Mapped[bool] = mapped_column(default=False)

    course: Mapped[Course] = relationship(back_populates="modules")


class Lesson(db.Model):
    __tablename__ = "lesson"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)                  # order within the module
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(default=5)
    purpose: Mapped[str] = mapped_column(Text, default="")
    key_points: Mapped[list] = mapped_column(JSON, default=list)
    glossary: Mapped[list] = mapped_column(JSON, default=list)        # glossary slugs
    sources: Mapped[list] = mapped_column(JSON, default=list)         # [{"title", "url"}]
    body_html: Mapped[str] = mapped_column(Text, default="")          # rendered and sanitised at import
    word_count: Mapped[int] = mapped_column(default=0)
    # {"fr": {"title", "purpose", "key_points", "body_html"}}
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    archived: Mapped[bool] = mapped_column(default=False)


class Quiz(db.Model):
    __tablename__ = "quiz"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"), index=True)  # None: final
    slug: Mapped[str] = mapped_column(String(80))                     # module slug, or "final"
    kind: Mapped[str] = mapped_column(String(10), default="module")   # module | final
    title: Mapped[str] = mapped_column(String(200))
    # Resolved settings (file > course quiz_defaults > built-in defaults), see lms.quizzes.settings.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    source_format: Mapped[str] = mapped_column(String(10), default="yaml")  # yaml | gift
    translations: Mapped[dict] = mapped_column(JSON, default=dict)    # {"fr": {"title"}}
    archived: Mapped[bool] = mapped_column(default=False)

    questions: Mapped[list["Question"]] = relationship(order_by="Question.position")


class Question(db.Model):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("quiz_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))                      # stable id from the file
    position: Mapped[int] = mapped_column(default=0)
    type: Mapped[str] = mapped_column(String(20))                     # a key of lms.quizzes.types.TYPES
    text_html: Mapped[str] = mapped_column(Text, default="")
    feedback_html: Mapped[str] = mapped_column(Text, default="")
    # Type-specific content and answer key; format documented in lms/quizzes/types.py.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # {"fr": {"text_html", "feedback_html", "data": {...same shape, translated html}}}
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    # The lesson that teaches this question; a wrong answer's review links to it.
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id"), index=True)
    archived: Mapped[bool] = mapped_column(default=False)


class GlossaryTerm(db.Model):
    __tablename__ = "glossary_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    term: Mapped[str] = mapped_column(String(200))
    definition_html: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str | None] = mapped_column(String(500))
    translations: Mapped[dict] = mapped_column(JSON, default=dict)    # {"fr": {"term", "definition_html"}}
    archived: Mapped[bool] = mapped_column(default=False)


class ContentVersion(db.Model):
    """One row: bumped by every `courses sync` that changed something. Each process caches
    course structure and rendered lesson HTML under this number, so a sync on any host makes
    every worker on every host render afresh."""
    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    synced_at: Mapped[datetime | None]


content_cache.watch(Session, (Course, Module, Lesson, Quiz, Question, GlossaryTerm))
