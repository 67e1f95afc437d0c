"""With French (then Spanish) chosen, every page a visitor, learner, facilitator or admin can
reach by following links shows no English interface text, and `<html lang>` says so.

Course content not yet translated is allowed when it is marked `lang="en"`; the check reads
only text outside elements whose `lang` differs from the page's.
"""
import os
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from lms import config
from lms.auth.models import User
from lms.extensions import db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIP = ("/logout", "/language", "/static/", "/course-media/", "/healthz", ".pdf", ".png", ".svg", ".csv",
        ".xlsx", ".json", ".ics", "/export")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_0-9]*\}|<[^>]+>|&[a-z]+;")
MAX_PAGES = 120
# Publications keep their published English titles in every edition (the terminology guide).
PUBLICATIONS = ("A Guide for Recommending States at the UPR", "Guide for Recommending States",
                "The Civil Society Compendium")


class _Text(HTMLParser):
    """Visible text and labels of a page, leaving out blocks in another language."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page_lang, self.stack, self.parts, self.links = None, [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.page_lang = attrs.get("lang")
            return
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        foreign = attrs.get("lang") not in (None, self.page_lang) or tag in ("script", "style")
        inside = bool(self.stack and self.stack[-1])
        if not (foreign or inside):
            self.parts += [attrs[a] for a in ("aria-label", "placeholder", "title", "alt") if attrs.get(a)]
        if tag not in VOID:
            self.stack.append(foreign or inside)

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))


def _english_fragments(lang: str) -> set[str]:
    """Pieces of English msgids (between placeholders and tags) long enough to be unmistakable."""
    path = Path(config.ROOT) / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with open(path, encoding="utf-8") as handle:
        catalogue = read_po(handle)
    fragments = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = " ".join(message.string if isinstance(message.string, tuple) else (message.string,))
        for msgid in ids:
            for piece in PLACEHOLDER.split(msgid):
                piece = re.sub(r"\s+", " ", piece).strip(" .,:;·()“”\"'")
                if len(piece) >= 15 and " " in piece and piece not in strings:
                    fragments.add(piece)
    return fragments


@pytest.fixture
def demo(app, runner):
    app.config["DEMO_PASSWORD"] = "a demo password for tests"
    assert runner.invoke(args=["courses", "sync", os.environ.get("CRAWL_COURSES", str(config.ROOT / "courses"))]).exit_code == 0
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    return "a demo password for tests"


def _crawl(client, db, start: str = "/"):
    seen, queue, pages = {start}, deque([start]), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        db.session.rollback()
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = _Text()
        parser.feed(response.get_data(as_text=True))
        pages[url] = parser
        for href in parser.links:
            href = href.split("#")[0]
            if href.startswith("/") and not href.startswith("//") and not any(s in href for s in SKIP) \
                    and href not in seen:
                seen.add(href)
                queue.append(href)
    return pages


@pytest.mark.parametrize("lang", ["fr", "es"])
@pytest.mark.parametrize("who", [None, "learner@example.org", "facilitator@example.org", "admin@example.org"])
def test_no_english_interface_text_on_any_reachable_page(app, demo, lang, who):
    client = app.test_client()
    db.session.rollback()   # hold no read snapshot while the requests write
    if who:
        response = client.post("/login", data={"email": who, "password": demo})
        assert response.status_code == 302
        db.session.rollback()
    client.post("/language", data={"locale": lang, "next": "/"})
    pages = _crawl(client, db)
    assert len(pages) >= (3 if who is None else 8)
    fragments = _english_fragments(lang)
    found = {}
    for url, parser in pages.items():
        assert parser.page_lang == lang, url
        text = parser.text
        for title in PUBLICATIONS:
            text = text.replace(title, "")
        hits = sorted(f for f in fragments if f in text)
        if hits:
            found[url] = hits[:5]
    assert found == {}
    if who:
        db.session.rollback()
        db.session.scalar(db.select(User).where(User.email == who)).locale = "en"
        db.session.commit()
