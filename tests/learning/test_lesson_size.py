"""The heaviest shipped lesson stays under 30 KB compressed, glossary and sources included."""
import gzip
from pathlib import Path

import yaml

from lms.catalog.models import GlossaryTerm
from lms.core.markup import render_markdown
from lms.extensions import db
from tests.learning import helpers as h

COURSES = Path(__file__).resolve().parents[2] / "courses"


def _largest_lesson() -> tuple[dict, str]:
    files = [p for p in COURSES.glob("*/*/*.md") if p.suffixes == [".md"]]   # English originals
    largest = max(files, key=lambda p: p.stat().st_size)
    _, front, body = largest.read_text(encoding="utf-8").split("---", 2)
    return yaml.safe_load(front), body


def test_the_largest_shipped_lesson_is_under_30_kb_gzipped(client, make, login):
    meta, body = _largest_lesson()
    glossary = {t["slug"]: t for t in yaml.safe_load((COURSES / "glossary.yaml").read_text(encoding="utf-8"))}
    for slug in meta.get("glossary", []):
        term = glossary[slug]
        db.session.add(GlossaryTerm(slug=slug, term=term["term"], source=term.get("source"),
                                    definition_html=str(render_markdown(term["definition"]))))
    user, course = make.user(), make.course(modules=4, lessons=3)
    lesson = h.lessons(course)[0]
    lesson.title, lesson.purpose, lesson.minutes = meta["title"], meta["purpose"], meta["minutes"]
    lesson.key_points, lesson.glossary, lesson.sources = meta["key_points"], meta["glossary"], meta["sources"]
    lesson.body_html = str(render_markdown(body))
    h.enrol(user, course)
    login(user)
    response = client.get(f"/courses/{course.slug}/lessons/{lesson.slug}")
    html = response.get_data()
    assert response.status_code == 200 and meta["key_points"][0].encode() in html
    assert len(meta["glossary"]) == html.count(b"<details id=\"term-")
    assert len(gzip.compress(html)) <= 30 * 1024, len(gzip.compress(html))
