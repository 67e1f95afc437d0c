"""A lesson's text in the learner's language, with English as the stated fallback."""
from dataclasses import dataclass

from sqlalchemy import select

from lms.catalog.models import Lesson
from lms.catalog.queries import glossary_terms
from lms.core.content_cache import LRU, cached
from lms.core.i18n import LANGUAGE_NAMES
from lms.core.markup import unsafe_url_reason
from lms.extensions import db


@dataclass
class LessonContent:
    title: str
    purpose: str
    key_points: list
    body_html: str                     # sanitised at import; the one field rendered unescaped
    sources: list[dict]
    missing_language: str | None       # e.g. "Français" when showing English instead


_TEXTS = LRU(1024)
_TEXT_COLUMNS = (Lesson.id, Lesson.title, Lesson.purpose, Lesson.key_points, Lesson.sources, Lesson.body_html,
                 Lesson.translations, Lesson.glossary)


def lesson_page_text(lesson_id: int, locale: str) -> tuple[LessonContent, list]:
    """(the lesson's text, its glossary terms) in `locale`: read and built once per process
    until the next sync; the lesson page loads only the lesson's light columns itself."""
    def build():
        row = db.session.execute(select(*_TEXT_COLUMNS).where(Lesson.id == lesson_id)).one()
        return lesson_content(row, locale), glossary_terms(row.glossary or [], locale)
    return cached(_TEXTS, (lesson_id, locale), build)


def lesson_content(lesson, locale: str) -> LessonContent:
    """The lesson in the learner's language, or English with the name of the missing one."""
    tr = (lesson.translations or {}).get(locale) if locale != "en" else None
    missing = LANGUAGE_NAMES.get(locale, locale) if locale != "en" and not (tr and tr.get("body_html")) else None
    tr = tr if tr and tr.get("body_html") else {}
    sources = [{"title": s.get("title") or s.get("url", ""),
                "url": s.get("url") if s.get("url") and not unsafe_url_reason(s["url"]) else None}
               for s in (tr.get("sources") or lesson.sources or []) if isinstance(s, dict)]
    return LessonContent(title=tr.get("title") or lesson.title, purpose=tr.get("purpose") or lesson.purpose,
                         key_points=tr.get("key_points") or lesson.key_points or [],
                         body_html=tr.get("body_html") or lesson.body_html, sources=sources,
                         missing_language=missing)
