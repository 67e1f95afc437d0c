"""Baking: PNG iTXt and SVG openbadges:assertion, round trips and the served baked images."""
import io
import json
import struct
import zlib

import pytest
from defusedxml import ElementTree
from PIL import Image

from lms.badges import baking
from tests.badges.conftest import revoke


def _tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, format="PNG")
    return out.getvalue()


ASSERTION = json.dumps({"id": "https://lms.example.org/badges/assertions/x", "note": "é ñ ç ]]> <&>"},
                       ensure_ascii=False)


def test_png_round_trip_with_one_uncompressed_itxt_before_iend():
    baked = baking.bake_png(_tiny_png(), ASSERTION)
    assert baking.extract_png(baked) == ASSERTION
    chunks = baking.png_chunks(baked)
    badge = [(kind, body) for kind, body in chunks if body.startswith(b"openbadges\x00")]
    assert len(badge) == 1
    kind, body = badge[0]
    assert kind == b"iTXt"
    # keyword, NUL, compression flag 0, method 0, empty language + NUL, empty translated keyword + NUL
    assert body.startswith(b"openbadges\x00\x00\x00\x00\x00")
    assert body.endswith(ASSERTION.encode("utf-8"))
    assert [k for k, _ in chunks][-2:] == [b"iTXt", b"IEND"]
    Image.open(io.BytesIO(baked)).verify()   # still a valid PNG for image readers


def test_baking_again_replaces_and_never_adds_a_second_chunk():
    once = baking.bake_png(_tiny_png(), ASSERTION)
    twice = baking.bake_png(once, '{"id": "other"}')
    kinds = [body[:11] for _, body in baking.png_chunks(twice) if body.startswith(b"openbadges\x00")]
    assert len(kinds) == 1
    assert baking.extract_png(twice) == '{"id": "other"}'


def test_extraction_reads_compressed_itxt_and_legacy_text_chunks():
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = _tiny_png()
    iend = png.rindex(b"IEND") - 4
    compressed = b"openbadges\x00\x01\x00\x00\x00" + zlib.compress(ASSERTION.encode())
    assert baking.extract_png(png[:iend] + chunk(b"iTXt", compressed) + png[iend:]) == ASSERTION
    legacy = b"openbadges\x00https://lms.example.org/badges/assertions/x"
    assert baking.extract_png(png[:iend] + chunk(b"tEXt", legacy) + png[iend:]).endswith("/x")
    assert baking.extract_png(png) is None


@pytest.mark.parametrize("data", [b"GIF89a...", b"\x89PNG\r\n\x1a\n\x00\x00", b""])
def test_broken_pngs_raise_a_baking_error(data):
    with pytest.raises(baking.BakingError):
        baking.extract_png(data)


def test_corrupted_chunk_checksum_is_refused():
    baked = bytearray(baking.bake_png(_tiny_png(), ASSERTION))
    baked[baked.index(b"openbadges") + 20] ^= 0xFF
    with pytest.raises(baking.BakingError):
        baking.extract_png(bytes(baked))


def test_svg_round_trip():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'
    url = "https://lms.example.org/badges/assertions/x?a=1&b=2"
    baked = baking.bake_svg(svg, url, ASSERTION)
    assert 'xmlns:openbadges="http://openbadges.org"' in baked
    assert baking.extract_svg(baked) == (url, ASSERTION)
    root = ElementTree.fromstring(baked)
    assert root[0].tag == "{http://openbadges.org}assertion"     # immediately inside <svg>
    rebaked = baking.bake_svg(baked, url, '{"id": "y"}')
    assert rebaked.count("<openbadges:assertion") == 1
    assert baking.extract_svg(rebaked) == (url, '{"id": "y"}')


def test_svg_without_assertion_and_hostile_svg():
    assert baking.extract_svg('<svg xmlns="http://www.w3.org/2000/svg"/>') is None
    bomb = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            '<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>')
    with pytest.raises(baking.BakingError):
        baking.extract_svg(bomb)
    with pytest.raises(baking.BakingError):
        baking.extract_svg("<html>not svg</html>")
    with pytest.raises(baking.BakingError):
        baking.bake_svg("<p>no svg here</p>", "u", "{}")


def test_served_baked_png_and_svg_hold_the_hosted_assertion(client, award_for):
    award = award_for()
    hosted = client.get(f"/badges/assertions/{award.uuid}", headers={"Accept": "application/ld+json"})
    hosted = json.loads(hosted.data)

    png = client.get(f"/badges/assertions/{award.uuid}.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert json.loads(baking.extract_png(png.data)) == hosted
    assert Image.open(io.BytesIO(png.data)).size == (400, 400)

    svg = client.get(f"/badges/assertions/{award.uuid}.svg?download=1")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert "attachment" in svg.headers["Content-Disposition"]
    verify, text = baking.extract_svg(svg.data)
    assert verify == hosted["id"] and json.loads(text) == hosted


def test_revoked_badges_are_no_longer_baked(client, award_for):
    award = revoke(award_for())
    for suffix in (".png", ".svg"):
        response = client.get(f"/badges/assertions/{award.uuid}{suffix}")
        assert response.status_code == 410
        assert "Awarded by mistake" in response.get_data(as_text=True)


def test_a_compressed_chunk_that_inflates_too_far_is_refused():
    import struct
    import zlib

    from lms.badges import baking

    bomb = zlib.compress(b"x" * (50 * 1024 * 1024), 9)  # 50 MB of text in about 50 KB
    body = b"openbadges\x00\x01\x00\x00\x00" + bomb
    chunk = struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))
    png = baking.PNG_SIGNATURE + chunk + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    with pytest.raises(baking.BakingError):
        baking.extract_png(png)
