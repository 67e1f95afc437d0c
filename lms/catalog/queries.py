"""Reads for the catalogue, the course page and the glossary (fixed query counts).

The catalogue is filtered in Python: it holds tens of courses, and matching there treats
case and accents the same way on SQLite and PostgreSQL and across the course translations.
No user input is ever put into SQL.
"""
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import and_, func, select

from lms.catalog import permissions
from lms.catalog.models import Course, GlossaryTerm, Module
from lms.core.content_cache import LRU, cached
from lms.core.markup import sanitize, unsafe_url_reason
from lms.extensions import db
from lms.learning.models import Enrollment


@dataclass
class CourseText:
    title: str
    summary: str
    badge_name: str
    badge_description: str
    badge_criteria: str
    translated: bool
    lang: str                          # the language the title and summary are shown in


def course_text(course, locale: str) -> CourseText:
    """The course's catalogue text in `locale`, English where a field is not translated."""
    tr = (course.translations or {}).get(locale, {}) if locale != "en" else {}
    badge = course.badge or {}
    return CourseText(title=tr.get("title") or course.title, summary=tr.get("summary") or course.summary,
                      badge_name=tr.get("badge_name") or badge.get("name", ""),
                      badge_description=tr.get("badge_description") or badge.get("description", ""),
                      badge_criteria=tr.get("badge_criteria") or badge.get("criteria", ""),
                      translated=bool(tr), lang=locale if tr.get("title") else "en")


@dataclass
class CourseCard:
    course: "Course | CourseListing"
    text: CourseText
    modules: int
    enrollment: Enrollment | None = None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _matches(course, q: str) -> bool:
    words = _fold(q).split()
    texts = [course.title, course.summary]
    for tr in (course.translations or {}).values():
        texts += [tr.get("title", ""), tr.get("summary", "")]
    haystack = _fold(" ".join(t for t in texts if t))
    return all(word in haystack for word in words)


def _for_audience(course, audience: str) -> bool:
    audiences = course.audiences or []
    return audience in audiences or (audience != "all" and "all" in audiences)


def _in_language(course, language: str) -> bool:
    """Only courses complete in that language: a half-translated course is not offered as French."""
    return not language or language in (course.languages or ["en"])


@dataclass(frozen=True)
class CourseListing:
    """What the catalogue reads of a course: a plain copy, kept by each process until the next
    sync (ORM objects are tied to one request's session)."""
    id: int
    slug: str
    title: str
    summary: str
    translations: dict
    audiences: list
    languages: list
    level: str
    estimated_minutes: int


_LISTINGS = LRU(16)
_LISTED = ("id", "slug", "title", "summary", "translations", "audiences", "languages", "level",
           "estimated_minutes")


def _listing(locale: str) -> tuple[CourseCard, ...]:
    modules = (select(func.count(Module.id))
               .where(Module.course_id == Course.id, Module.archived.is_(False))
               .correlate(Course).scalar_subquery())
    rows = db.session.execute(
        permissions.visible_courses(select(Course, modules.label("modules")))
        .order_by(Course.position, Course.title)).all()
    return tuple(CourseCard(CourseListing(**{name: getattr(row.Course, name) for name in _LISTED}),
                            course_text(row.Course, locale), row.modules) for row in rows)


def catalogue(*, user=None, q: str = "", audience: str = "", language: str = "",
              locale: str = "en") -> list[CourseCard]:
    """Live courses matching the filters, in catalogue order: the listing is cached per process
    (lms.core.content_cache); then one query for the user's enrolments.

    audience: a course for "all" also matches every specific audience. language: English
    always; fr/es only courses with that translation. q: every word in title or summary."""
    cards = [CourseCard(card.course, card.text, card.modules) for card in cached(_LISTINGS, (locale,),
                                                                                 lambda: _listing(locale))
             if (not audience or _for_audience(card.course, audience)) and _in_language(card.course, language)
             and (not q or _matches(card.course, q))]
    if cards and user is not None and user.is_authenticated:
        enrollments = db.session.scalars(select(Enrollment).where(
            Enrollment.user_id == user.id, Enrollment.left_at.is_(None),
            Enrollment.course_id.in_([c.course.id for c in cards]))).all()
        by_course = {e.course_id: e for e in enrollments}
        for card in cards:
            card.enrollment = by_course.get(card.course.id)
    return cards


def course_with_enrollment(slug: str, user) -> tuple[Course, Enrollment | None] | None:
    """The course by slug and this user's enrolment, in one query."""
    user_id = user.id if user is not None and user.is_authenticated else 0
    row = db.session.execute(
        select(Course, Enrollment)
        .outerjoin(Enrollment, and_(Enrollment.course_id == Course.id, Enrollment.user_id == user_id))
        .where(Course.slug == slug)).first()
    return (row.Course, row.Enrollment) if row else None


def live_course(slug: str) -> Course | None:
    return db.session.scalar(permissions.visible_courses(select(Course)).where(Course.slug == slug))


@dataclass
class GlossaryEntry:
    slug: str
    term: str
    definition: Markup
    source: str | None                 # a safe URL, or None
    lang: str = "en"                   # the language term and definition are shown in


def _entry(term: GlossaryTerm, locale: str) -> GlossaryEntry:
    tr = (term.translations or {}).get(locale, {}) if locale != "en" else {}
    # Stored HTML was sanitised at import; cleaning it again here costs microseconds and
    # keeps the templates free of |safe on anything but lesson bodies.
    return GlossaryEntry(term.slug, tr.get("term") or term.term,
                         Markup(sanitize(tr.get("definition_html") or term.definition_html or "")),
                         term.source if term.source and not unsafe_url_reason(term.source) else None,
                         locale if tr.get("term") else "en")


def glossary(locale: str = "en") -> list[GlossaryEntry]:
    terms = db.session.scalars(select(GlossaryTerm).where(GlossaryTerm.archived.is_(False))).all()
    return sorted((_entry(t, locale) for t in terms), key=lambda e: _fold(e.term))


def glossary_terms(slugs: list[str], locale: str = "en") -> list[GlossaryEntry]:
    """The live terms among `slugs`, in the order given (one query; none when slugs is empty)."""
    if not slugs:
        return []
    terms = db.session.scalars(select(GlossaryTerm).where(
        GlossaryTerm.slug.in_(slugs), GlossaryTerm.archived.is_(False))).all()
    by_slug = {t.slug: t for t in terms}
    return [_entry(by_slug[s], locale) for s in slugs if s in by_slug]
