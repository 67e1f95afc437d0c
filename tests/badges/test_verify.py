"""The public verify page: by code, by address, by baked image; valid, revoked, expired,
unknown, malformed and tampered; the e-mail match box; upload limits."""
import io
import json
from datetime import UTC, datetime

import pytest

from lms.badges import baking
from lms.badges.codes import display
from lms.extensions import db
from tests.badges.conftest import revoke


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_valid_badge_by_code(client, award_for):
    award = award_for(name="Amélie Núñez")
    response = client.get(f"/verify/{display(award.short_code)}")
    page = _page(response)
    assert response.status_code == 200
    assert "Valid" in page and "Badge " in page and "UPR Academy" in page
    assert "March 1, 2025" in page
    assert "A verified e-mail address" in page and "Amélie" not in page    # name hidden by default
    assert display(award.short_code) in page


def test_codes_are_case_and_hyphen_insensitive(client, award_for):
    award = award_for()
    response = client.get(f"/verify/{award.short_code.lower()}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/verify/{display(award.short_code)}")
    assert client.get(f"/verify?q={award.short_code[:5]} {award.short_code[5:]}").status_code == 302


def test_name_shown_only_when_the_learner_allows_it(client, award_for):
    award = award_for(name="Amélie Núñez")
    award.show_name = True
    db.session.commit()
    page = _page(client.get(f"/verify/{display(award.short_code)}"))
    assert "Amélie Núñez" in page and "A verified e-mail address" not in page


def test_revoked_badge_says_when_and_why(client, award_for):
    award = revoke(award_for(), reason="Final assessment taken by someone else",
                   now=datetime(2025, 6, 2, 12, 0, tzinfo=UTC))
    page = _page(client.get(f"/verify/{display(award.short_code)}"))
    assert "Revoked" in page and "June 2, 2025" in page and "Final assessment taken by someone else" in page
    assert "confirms that it issued this badge" not in page


def test_expired_badge(client, award_for):
    award = award_for()
    award.expires_on = datetime(2025, 4, 1, tzinfo=UTC)
    db.session.commit()
    page = _page(client.get(f"/verify/{display(award.short_code)}"))
    assert "Expired" in page and "April 1, 2025" in page


@pytest.mark.parametrize("code, message", [
    ("7KQ2M-X9D4R", "No badge has the code 7KQ2M-X9D4R"),
    ("not-a-code", "is not a verification code"),
    ("%3Cscript%3E", "is not a verification code"),
    ("x" * 300, "is not a verification code"),
])
def test_unknown_and_malformed_codes_get_a_404_with_the_code_box(client, code, message):
    response = client.get(f"/verify/{code}")
    page = _page(response)
    assert response.status_code == 404
    assert message in page
    assert 'name="q"' in page          # the code box, to try again
    assert "<script>" not in page


def test_code_box_redirects_to_the_badge_or_explains(client, award_for):
    award = award_for()
    found = client.get(f"/verify?q={award.short_code.lower()}")
    assert found.status_code == 302 and found.headers["Location"].endswith(display(award.short_code))
    missing = client.get("/verify?q=00000-00000")
    assert missing.status_code == 404 and "No badge has the code 00000-00000" in _page(missing)


def test_pasted_assertion_address(client, award_for):
    award = award_for()
    for text in (f"http://localhost/badges/assertions/{award.uuid}",
                 f"http://localhost/badges/assertions/{award.uuid}.json",
                 f"/badges/assertions/{award.uuid}",
                 f"http://localhost/verify/{display(award.short_code)}"):
        response = client.post("/verify", data={"text": text})
        assert response.status_code == 302, text
        assert response.headers["Location"].endswith(f"/verify/{display(award.short_code)}")


def test_pasted_foreign_or_unknown_address(client):
    foreign = client.post("/verify", data={"text": "https://evil.example/badges/assertions/x"})
    assert foreign.status_code == 404 and "only its own badges" in _page(foreign)
    unknown = client.post("/verify", data={
        "text": "http://localhost/badges/assertions/00000000-0000-4000-8000-000000000000"})
    assert unknown.status_code == 404 and "No badge has that address" in _page(unknown)
    empty = client.post("/verify", data={"text": ""})
    assert empty.status_code == 400 and "Type a code" in _page(empty)


def _upload(client, data: bytes, name="badge.png"):
    return client.post("/verify", data={"image": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_uploaded_baked_png_and_svg_verify(client, award_for):
    award = award_for()
    for suffix in ("png", "svg"):
        baked = client.get(f"/badges/assertions/{award.uuid}.{suffix}").data
        response = _upload(client, baked, f"badge.{suffix}")
        page = _page(response)
        assert response.status_code == 200, suffix
        assert "Valid" in page and "does not match" not in page


def test_uploaded_image_of_a_revoked_badge_shows_revoked(client, award_for):
    award = award_for()
    baked = client.get(f"/badges/assertions/{award.uuid}.png").data
    revoke(award, reason="Duplicate account")
    page = _page(_upload(client, baked))
    assert "Revoked" in page and "Duplicate account" in page


def test_tampered_png_does_not_match_the_issuers_record(client, award_for):
    award = award_for()
    baked = client.get(f"/badges/assertions/{award.uuid}.png").data
    data = json.loads(baking.extract_png(baked))
    data["issuedOn"] = "2020-01-01T00:00:00Z"
    data["evidence"][0]["narrative"] = "Final assessment score: 100%."
    response = _upload(client, baking.bake_png(baked, json.dumps(data)))
    page = _page(response)
    assert "does not match the issuer&#39;s record" in page or "does not match the issuer's record" in page
    assert "March 1, 2025" in page          # the record's date, not the image's


def test_tampered_svg_does_not_match_the_issuers_record(client, award_for, make):
    award = award_for()
    svg = client.get(f"/badges/assertions/{award.uuid}.svg").get_data(as_text=True)
    forged = svg.replace(award.recipient_hash, "sha256$" + "0" * 64)
    assert forged != svg
    page = _page(_upload(client, forged.encode(), "badge.svg"))
    assert "does not match the issuer" in page


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.7 not an image", "not a PNG or SVG image"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not a readable PNG or SVG image"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>', "holds no Open Badge"),
])
def test_uploads_that_are_not_badges(client, data, message):
    response = _upload(client, data)
    assert response.status_code == 400
    assert message in _page(response)


def test_plain_png_without_a_badge(client, award_for):
    award = award_for()
    plain = client.get(f"/badges/classes/{award.evidence['course_slug']}.png").data
    response = _upload(client, plain)
    assert response.status_code == 400 and "holds no Open Badge" in _page(response)


def test_uploads_over_one_megabyte_are_refused_with_a_message(client):
    response = _upload(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 10))
    assert response.status_code == 400
    assert "larger than 1 MB" in _page(response)


def test_email_match_box(client, award_for):
    award = award_for(email="alice@example.org")
    url = f"/verify/{display(award.short_code)}"
    yes = client.post(url, data={"email": "  Alice@Example.org "})
    assert yes.status_code == 200 and "Match: this badge was issued to that e-mail address" in _page(yes)
    no = client.post(url, data={"email": "mallory@example.org"})
    assert "No match" in _page(no)
    assert client.post(url, data={"email": ""}).status_code == 400


def test_email_match_via_htmx_swaps_the_result(client, award_for):
    award = award_for(email="alice@example.org")
    response = client.post(f"/verify/{display(award.short_code)}", data={"email": "alice@example.org"},
                           headers={"HX-Request": "true"})
    page = _page(response)
    assert page.lstrip().startswith('<article id="verify-result"') and "Match:" in page


def test_uploads_beyond_the_site_limit_get_the_form_back(client, app):
    size = app.config["MAX_UPLOAD_LENGTH"] + 1024
    response = _upload(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * size)
    assert response.status_code == 413
    page = _page(response)
    assert "larger than 1 MB" in page and 'type="file"' in page


def test_verify_page_shows_the_evidence_in_words(client, award_for):
    award = award_for()
    award.evidence = {**award.evidence, "completed_at": "2025-02-28T16:00:00Z", "final_score": 85.0}
    db.session.commit()
    page = _page(client.get(f"/verify/{display(award.short_code)}"))
    assert "Completed the course “Course" in page and "February 28, 2025" in page
    assert "Final assessment score: 85%." in page
