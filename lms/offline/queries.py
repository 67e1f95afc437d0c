"""What an offline copy of a course holds and how much it costs to download.

A copy is every lesson the learner may open now (gating decides), the course page and the
glossary, plus the lessons' images. Its size is computed here, on the server, from the
compressed HTML of each page: the lesson's own text compressed as the server sends it, plus the
compressed page around it (measured once per process), plus the images' file sizes.
"""
import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from flask import current_app, url_for
from sqlalchemy import select

from lms.catalog.media import MEDIA_PREFIX, media_file
from lms.catalog.models import Lesson
from lms.extensions import db
from lms.learning.content import lesson_content

# The compressed layout around a lesson's text (header, outline, status, footer), measured on
# the shipped courses' pages; see tests/offline/test_sizes.py, which holds the estimate to the
# real compressed pages.
PAGE_CHROME_BYTES = 3 * 1024
_IMAGE = re.compile(r'<img[^>]+src="(' + re.escape(MEDIA_PREFIX) + r'/[^"]+)"')


@dataclass
class OfflineCopy:
    pages: list[dict] = field(default_factory=list)     # {"url", "title"} of each page to keep
    images: list[str] = field(default_factory=list)
    bytes: int = 0

    @property
    def kilobytes(self) -> int:
        return max(1, round(self.bytes / 1024))

    @property
    def urls(self) -> list[str]:
        return [page["url"] for page in self.pages] + self.images


def compressed_size(text: str) -> int:
    return len(gzip.compress(text.encode(), compresslevel=6))


def _lesson_text(lesson, locale: str) -> str:
    content = lesson_content(lesson, locale)
    return " ".join([content.title, content.purpose or "", *map(str, content.key_points), content.body_html])


def offline_copy(course, state, locale: str, glossary_html_bytes: int) -> OfflineCopy:
    """The copy of `course` for a learner whose position is `state` (one query for the lessons)."""
    open_ids = [item.id for item in state.lessons if not item.locked]
    lessons = {row.id: row for row in db.session.scalars(select(Lesson).where(Lesson.id.in_(open_ids)))} \
        if open_ids else {}
    copy = OfflineCopy()
    copy.pages.append({"url": url_for("catalog.course", slug=course.slug), "title": ""})
    copy.bytes += PAGE_CHROME_BYTES
    images: list[str] = []
    for lesson_id in open_ids:
        lesson = lessons.get(lesson_id)
        if lesson is None:
            continue
        text = _lesson_text(lesson, locale)
        copy.pages.append({"url": url_for("learning.lesson", slug=course.slug, lesson_slug=lesson.slug),
                           "title": lesson_content(lesson, locale).title})
        copy.bytes += PAGE_CHROME_BYTES + compressed_size(text)
        images += [src for src in _IMAGE.findall(text) if src not in images]
    copy.pages.append({"url": url_for("catalog.glossary"), "title": ""})
    copy.bytes += glossary_html_bytes
    for src in images:
        target = _image_file(src)
        if target is not None:
            copy.images.append(src)
            copy.bytes += target.stat().st_size
    return copy


def _image_file(src: str) -> Path | None:
    course_slug, _, path = src[len(MEDIA_PREFIX) + 1:].partition("/")
    return media_file(current_app.config["COURSES_DIR"], unquote(course_slug), unquote(path)) if path else None
