"""Badge baking (Open Badges Baking 1.0 for OB 2.0): put an assertion into an image, read it back.

PNG: one uncompressed iTXt chunk with the keyword "openbadges", just before IEND.
SVG: xmlns:openbadges on <svg> and one <openbadges:assertion verify="URL"> as its first child,
holding the assertion JSON in CDATA.
"""
import re
import struct
import zlib

from defusedxml import ElementTree as SafeET

MAX_ASSERTION_BYTES = 256 * 1024  # far more than any assertion; inflated chunks above it are refused

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadges"
OB_NAMESPACE = "http://openbadges.org"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


class BakingError(ValueError):
    """The data is not an image we can read (the message says why)."""


def sniff(data: bytes) -> str | None:
    """"png", "svg" or None, from the content (never from a file name)."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in data[:4096].lower():
        return "svg"
    return None


# ---- PNG ------------------------------------------------------------------------------------

def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """[(type, data)] of every chunk; raises BakingError for anything that is not a whole PNG."""
    if not png.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG file")
    chunks, position = [], len(PNG_SIGNATURE)
    while position < len(png):
        if position + 8 > len(png):
            raise BakingError("truncated PNG chunk header")
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        end = position + 12 + length
        if end > len(png):
            raise BakingError("truncated PNG chunk")
        body = png[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", png[end - 4:end])
        if crc != zlib.crc32(kind + body):
            raise BakingError("PNG chunk checksum mismatch")
        chunks.append((kind, body))
        position = end
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise BakingError("PNG without IHDR or IEND")
    return chunks


def _is_badge_chunk(kind: bytes, body: bytes) -> bool:
    return kind in (b"iTXt", b"tEXt") and body.split(b"\x00", 1)[0] == KEYWORD


def bake_png(png: bytes, assertion: str) -> bytes:
    """The PNG with `assertion` (JSON text) in one iTXt "openbadges" chunk; replaces any earlier one."""
    body = KEYWORD + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + assertion.encode("utf-8")
    out = [PNG_SIGNATURE]
    for kind, data in png_chunks(png):
        if _is_badge_chunk(kind, data):
            continue
        if kind == b"IEND":
            out.append(_chunk(b"iTXt", body))
        out.append(_chunk(kind, data))
    return b"".join(out)


def extract_png(png: bytes) -> str | None:
    """The text of the first "openbadges" iTXt (or legacy tEXt) chunk, or None."""
    for kind, data in png_chunks(png):
        if not _is_badge_chunk(kind, data):
            continue
        rest = data[len(KEYWORD) + 1:]
        if kind == b"tEXt":
            return rest.decode("latin-1")
        if len(rest) < 2:
            raise BakingError("malformed iTXt chunk")
        compressed, _method, rest = rest[0], rest[1], rest[2:]
        parts = rest.split(b"\x00", 2)
        if len(parts) != 3:
            raise BakingError("malformed iTXt chunk")
        text = parts[2]
        if compressed:
            # Bounded: a small upload must not inflate into gigabytes (a decompression bomb).
            inflater = zlib.decompressobj()
            try:
                text = inflater.decompress(text, MAX_ASSERTION_BYTES)
            except zlib.error as error:
                raise BakingError("unreadable compressed iTXt chunk") from error
            if inflater.unconsumed_tail:
                raise BakingError("the embedded assertion is too large")
        return text.decode("utf-8", errors="replace")
    return None


# ---- SVG ------------------------------------------------------------------------------------

def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _attribute(value: str) -> str:
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def bake_svg(svg: str, verify_url: str, assertion: str) -> str:
    """The SVG with one <openbadges:assertion> first inside <svg>; replaces any earlier one."""
    svg = re.sub(r"<openbadges:assertion\b.*?(?:/>|</openbadges:assertion>)", "", svg, flags=re.S)
    match = re.search(r"<svg\b[^>]*?(/?)>", svg, flags=re.S)
    if not match or match.group(1):
        raise BakingError("no <svg> element to bake into")
    start_tag = match.group(0)
    if "xmlns:openbadges" not in start_tag:
        start_tag = start_tag[:-1].rstrip() + f' xmlns:openbadges="{OB_NAMESPACE}">'
    element = f'<openbadges:assertion verify="{_attribute(verify_url)}">{_cdata(assertion)}</openbadges:assertion>'
    return svg[:match.start()] + start_tag + element + svg[match.end():]


def extract_svg(svg: bytes | str) -> tuple[str, str] | None:
    """(verify attribute, element text) of the first openbadges:assertion, or None."""
    try:
        root = SafeET.fromstring(svg, forbid_dtd=True)
    except Exception as error:  # defusedxml raises ParseError and its own refusals
        raise BakingError("not a readable SVG file") from error
    if root.tag not in (f"{{{SVG_NAMESPACE}}}svg", "svg"):
        raise BakingError("not an SVG image")
    element = root.find(f".//{{{OB_NAMESPACE}}}assertion")
    if element is None:
        return None
    return element.get("verify", ""), (element.text or "")
