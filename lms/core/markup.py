"""Markdown rendering and HTML sanitising: the only place that produces trusted HTML.

Markdown is rendered with markdown-it-py (raw HTML disabled), then cleaned by nh3 with a
strict allow-list. nh3 on its own keeps links such as "javascript\u200b:alert(1)" as
relative URLs, so URLs are also checked here: no control or invisible characters, and only
http, https and mailto schemes or plain relative paths.
"""
import re
import unicodedata
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_ATTRIBUTES = {("a", "href"), ("img", "src")}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_md_raw = MarkdownIt("commonmark", {"html": True}).enable("table")


def unsafe_url_reason(url: str) -> str | None:
    """Why a URL may not appear in course content, or None when it is fine."""
    for char in url:
        category = unicodedata.category(char)
        if category in {"Cc", "Cf", "Zl", "Zp"} or (category == "Zs" and char != " "):
            return "URL contains an invisible or control character"
    compact = re.sub(r"\s", "", url)
    scheme = urlsplit(compact).scheme.lower()
    if scheme and scheme not in ALLOWED_SCHEMES:
        return f"URL scheme '{scheme}:' is not allowed"
    if ":" in compact.split("/")[0] and not scheme:
        return "URL looks like a scheme but is malformed"
    return None


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if (tag, attribute) in URL_ATTRIBUTES and unsafe_url_reason(value):
        return None
    return value


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> Markup:
    return Markup(sanitize(_md.render(text or "")))


def render_inline(text: str) -> Markup:
    return Markup(sanitize(_md.renderInline(text or "")))


def find_unsafe(text: str) -> list[tuple[int, str]]:
    """Problems in Markdown source as (1-based line within text, message)."""
    problems: list[tuple[int, str]] = []

    def walk(tokens, line):
        for token in tokens:
            here = token.map[0] + 1 if token.map else line
            if token.type in ("html_block", "html_inline"):
                problems.append((here, "raw HTML is not allowed in course Markdown"))
            if token.type == "link_open":
                reason = unsafe_url_reason(token.attrGet("href") or "")
                if reason:
                    problems.append((here, reason))
            if token.type == "image":
                reason = unsafe_url_reason(token.attrGet("src") or "")
                if reason:
                    problems.append((here, reason))
            if token.children:
                walk(token.children, here)

    walk(_md_raw.parse(text or ""), 1)
    # markdown-it refuses to turn javascript: links into links; catch them as text too.
    for number, line_text in enumerate((text or "").splitlines(), start=1):
        for match in re.finditer(r"\]\(\s*<?([^)\s>]+)", line_text):
            reason = unsafe_url_reason(match.group(1))
            if reason and (number, reason) not in problems:
                problems.append((number, reason))
    return sorted(set(problems))


# http(s) addresses in escaped plain text, up to white space or an escaped quote or bracket.
_LINK = re.compile(r"https?://(?:(?!&#34;|&#39;|&lt;|&gt;|&quot;)\S)+", re.IGNORECASE)
_LINK_TAIL = ".,;:!?)]}»”’"


def _linked(escaped_line: str) -> str:
    def link(match):
        url = match.group(0)
        tail = ""
        while url and url[-1] in _LINK_TAIL and not (url[-1] == ")" and url.count("(") >= url.count(")")):
            url, tail = url[:-1], url[-1] + tail
        if url.endswith("&amp"):  # an escaped "&" split from its ";"
            url, tail = url[:-4], "&amp" + tail
        return f'<a href="{url}">{url}</a>{tail}'

    return _LINK.sub(link, escaped_line)


def render_plain_text(text: str) -> Markup:
    """Plain text as HTML: escaped, blank lines start paragraphs, line breaks kept, http and https
    addresses made links (then cleaned by the same policy as course content)."""
    paragraphs = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").replace("\r", "\n").strip())
    html = "".join("<p>" + "<br>".join(_linked(str(escape(line))) for line in block.split("\n")) + "</p>"
                   for block in paragraphs if block.strip())
    return Markup(sanitize(html))
