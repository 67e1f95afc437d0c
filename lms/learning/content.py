"""A lesson's text in the learner's language, with English as the stated fallback."""
from dataclasses import dataclass

from lms.core.i18n import LANGUAGE_NAMES
from lms.core.markup import unsafe_url_reason


@dataclass
class LessonContent:
    title: str
    purpose: str
    key_points: list
    body_html: str                     # sanitised at import; the one field rendered unescaped
    sources: list[dict]
    missing_language: str | None       # e.g. "Français" when showing English instead


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
