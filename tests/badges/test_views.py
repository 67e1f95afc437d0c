"""The learner's badges page, the privacy choice and the PDF certificate (the admin page: test_admin.py)."""
import io
from datetime import UTC, datetime
from urllib.parse import parse_qs

import pytest
from pypdf import PdfReader

from lms.badges.codes import display
from lms.badges.models import BadgeAward
from lms.extensions import db
from tests.badges.conftest import revoke


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_badges_page_lists_every_badge_with_status_and_actions(client, login, make, award_for, small_course):
    learner = make.user(name="Lena Learner")
    valid = award_for(user=learner)
    revoked = revoke(award_for(user=learner), reason="Issued in error")
    award_for()                                                  # someone else's
    login(learner)
    response = client.get("/badges")
    page = _page(response)
    assert response.status_code == 200
    assert page.count('class="card badge-card') == 2
    assert "Valid" in page and "Revoked" in page and "Issued in error" in page
    assert f"/badges/assertions/{valid.uuid}.png?download=1" in page
    assert f"/badges/assertions/{valid.uuid}.svg?download=1" in page
    assert f"/badges/assertions/{valid.uuid}/certificate.pdf" in page
    assert f'data-copy="http://localhost/verify/{display(valid.short_code)}"' in page
    assert f"/badges/assertions/{revoked.uuid}/certificate.pdf" not in page   # nothing to download
    assert "Add to LinkedIn profile" in page


def test_linkedin_link_uses_the_documented_add_to_profile_url(client, login, make, award_for):
    learner = make.user()
    award = award_for(user=learner)
    login(learner)
    page = _page(client.get("/badges"))
    href = page.split('href="https://www.linkedin.com/profile/add?')[1].split('"')[0].replace("&amp;", "&")
    params = {key: values[0] for key, values in parse_qs(href).items()}
    assert params["startTask"] == "CERTIFICATION_NAME"
    assert params["name"].startswith("Badge ")
    assert params["organizationName"] == "UPR Academy"
    assert (params["issueYear"], params["issueMonth"]) == ("2025", "3")
    assert params["certUrl"] == f"http://localhost/verify/{display(award.short_code)}"
    assert params["certId"] == display(award.short_code)


def test_badges_page_without_badges(client, login, make):
    login(make.user())
    assert "You have not earned a badge yet" in _page(client.get("/badges"))


def test_privacy_toggle_shows_and_hides_the_name_on_the_verify_page(client, login, make, award_for):
    learner = make.user(name="Çelik Muñoz")
    award = award_for(user=learner)
    verify = f"/verify/{display(award.short_code)}"
    assert "Çelik Muñoz" not in _page(client.get(verify))
    login(learner)
    response = client.post(f"/badges/{award.uuid}/privacy", data={"show_name": "1"})
    assert response.status_code == 302
    assert "Çelik Muñoz" in _page(client.get(verify))
    fragment = client.post(f"/badges/{award.uuid}/privacy", data={"show_name": "0"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and _page(fragment).lstrip().startswith("<article")
    assert "Show my name on the verify page" in _page(fragment)
    assert "Çelik Muñoz" not in _page(client.get(verify))


def test_privacy_of_someone_elses_badge_is_404_and_bad_values_400(client, login, make, award_for):
    award = award_for()
    intruder = make.user()
    login(intruder)
    assert client.post(f"/badges/{award.uuid}/privacy", data={"show_name": "1"}).status_code == 404
    assert make.fresh(award).show_name is False
    login(db.session.get(type(intruder), award.user_id), c=client)
    assert client.post(f"/badges/{award.uuid}/privacy", data={"show_name": "yes"}).status_code == 400
    assert client.post(f"/badges/{award.uuid}/privacy", data={}).status_code == 400


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_certificate_pdf_names_the_learner_with_accents_and_the_code(client, login, make, award_for):
    learner = make.user(name="Amélie Núñez-Façade")
    award = award_for(user=learner)
    login(learner)
    response = client.get(f"/badges/assertions/{award.uuid}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595      # A4 landscape
    text = _pdf_text(response.data)
    assert "Amélie Núñez-Façade" in text
    assert display(award.short_code) in text
    assert f"http://localhost/verify/{display(award.short_code)}" in text
    assert "UPR Academy" in text and "March 1, 2025" in text
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts and all("DejaVu" in font["/BaseFont"] for font in fonts)
    assert all("/FontFile2" in font["/DescendantFonts"][0].get_object()["/FontDescriptor"] for font in fonts)


def test_certificate_qr_code_points_at_the_verify_page(client, login, make, award_for):
    """The QR code in the PDF is, pixel for pixel, the QR code of the verify page's address."""
    import segno
    from PIL import Image, ImageChops

    learner = make.user()
    award = award_for(user=learner)
    login(learner)
    reader = PdfReader(io.BytesIO(client.get(f"/badges/assertions/{award.uuid}/certificate.pdf").data))
    expected = io.BytesIO()
    segno.make(f"http://localhost/verify/{display(award.short_code)}", error="m").save(
        expected, kind="png", scale=8, border=2)
    expected = Image.open(expected).convert("L")
    candidates = [Image.open(io.BytesIO(image.data)).convert("L") for image in reader.pages[0].images]
    assert any(c.size == expected.size and not ImageChops.difference(c, expected).getbbox() for c in candidates)


def test_certificate_only_for_its_owner_and_admins(client, login, make, award_for):
    award = award_for()
    other, facilitator, admin = make.user(), make.user(role="facilitator"), make.user(role="admin")
    url = f"/badges/assertions/{award.uuid}/certificate.pdf"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    for user, status in ((other, 404), (facilitator, 404), (admin, 200)):
        login(user)
        assert client.get(url).status_code == status, user.role


def test_revoked_certificate_is_gone(client, login, make, award_for):
    learner = make.user()
    award = revoke(award_for(user=learner))
    login(learner)
    response = client.get(f"/badges/assertions/{award.uuid}/certificate.pdf")
    assert response.status_code == 410 and "revoked" in _page(response)


def test_badges_page_query_count_does_not_grow(client, login, make, award_for, small_course, count_queries):
    learner = make.user()
    award_for(user=learner)
    login(learner)

    def measure():
        with count_queries() as counter:
            assert client.get("/badges").status_code == 200
        return counter.count

    small = measure()
    for _ in range(4):
        award_for(user=learner)
    assert measure() == small


def test_issued_dates_are_timezone_aware(award_for):
    award = make_fresh(award_for())
    assert award.issued_on.tzinfo is not None
    assert award.issued_on == datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def make_fresh(award):
    db.session.rollback()
    return db.session.get(BadgeAward, award.id)


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_certificate_speaks_the_learners_language_with_the_translated_course(client, login, make, award_for, lang):
    from flask_babel import force_locale, gettext

    learner = make.user(name="Awa Ndiaye", locale=lang)
    course = make.course()
    course.translations = {lang: {"title": f"Titre {lang}", "badge_name": f"Badge {lang}"}}
    db.session.commit()
    award = award_for(user=learner, course=course)
    login(learner)
    text = _pdf_text(client.get(f"/badges/assertions/{award.uuid}/certificate.pdf").data)
    with force_locale(lang):
        heading = gettext("Certificate of completion")
    assert heading != "Certificate of completion" and heading in text
    assert f"Titre {lang}" in text and f"Badge {lang}" in text
    assert "Certificate of completion" not in text and "This certifies that" not in text
