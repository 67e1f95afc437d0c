"""The PDF certificate: A4 landscape, DejaVu Sans embedded (é, ñ, ç and the rest of Latin),
the badge picture, and a QR code to the public verify page."""
import io
from dataclasses import dataclass
from pathlib import Path

import segno
from flask import current_app
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from fpdf import FPDF

from lms.badges import artwork
from lms.badges.codes import display
from lms.badges.openbadges import badge_fields, verify_url
from lms.catalog.queries import course_text

PAGE_W, PAGE_H = 297, 210
FONT_FILES = {"": "fonts/DejaVuSans.ttf", "B": "fonts/DejaVuSans-Bold.ttf"}


@dataclass(frozen=True)
class CertificateText:
    """Everything printed on the certificate, already translated and formatted."""

    heading: str
    certifies: str
    learner: str
    completed: str
    course: str
    date_line: str
    issuer_line: str
    code_label: str
    code: str
    verify_hint: str
    verify_url: str
    status_line: str | None = None     # set for revoked or expired badges


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _fit(pdf: FPDF, text: str, style: str, size: float, width: float) -> None:
    """Set the largest font size up to `size` at which `text` fits in `width` millimetres."""
    while size > 10:
        pdf.set_font("DejaVu", style, size)
        if pdf.get_string_width(text) <= width:
            return
        size -= 1
    pdf.set_font("DejaVu", style, size)


def _centred(pdf: FPDF, y: float, text: str, style: str, size: float, colour=(26, 26, 26)) -> None:
    _fit(pdf, text, style, size, PAGE_W - 70)
    pdf.set_text_color(*colour)
    pdf.set_xy(35, y)
    pdf.cell(PAGE_W - 70, size * 0.5, text, align="C")


def render(text: CertificateText, *, colour: str, badge_png: bytes, title: str) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    static = Path(current_app.static_folder)
    for style, path in FONT_FILES.items():
        pdf.add_font("DejaVu", style, str(static / path))
    pdf.set_title(title)
    pdf.set_author(current_app.config["ISSUER_NAME"])
    pdf.set_creator(current_app.config["ISSUER_NAME"])
    pdf.set_lang("en")
    pdf.add_page()

    accent = _rgb(colour)
    pdf.set_draw_color(*accent)
    pdf.set_line_width(2.5)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_line_width(0.6)
    pdf.rect(12, 12, PAGE_W - 24, PAGE_H - 24)
    pdf.image(io.BytesIO(badge_png), x=(PAGE_W - 42) / 2, y=18, w=42, h=42)

    _centred(pdf, 66, text.heading, "B", 30, accent)
    _centred(pdf, 84, text.certifies, "", 14)
    _centred(pdf, 94, text.learner, "B", 28)
    _centred(pdf, 112, text.completed, "", 14)
    _centred(pdf, 122, text.course, "B", 20)
    _centred(pdf, 138, text.date_line, "", 13)
    _centred(pdf, 146, text.issuer_line, "", 13)
    if text.status_line:
        _centred(pdf, 156, text.status_line, "B", 14, (153, 27, 27))

    qr = io.BytesIO()
    segno.make(text.verify_url, error="m").save(qr, kind="png", scale=8, border=2)
    pdf.image(qr, x=PAGE_W - 58, y=PAGE_H - 62, w=38, h=38)
    pdf.set_text_color(26, 26, 26)
    pdf.set_font("DejaVu", "", 10)
    pdf.set_xy(22, PAGE_H - 50)
    pdf.cell(180, 5, text.code_label)
    pdf.set_font("DejaVu", "B", 18)
    pdf.set_xy(22, PAGE_H - 44)
    pdf.cell(180, 9, text.code)
    pdf.set_font("DejaVu", "", 9)
    pdf.set_xy(22, PAGE_H - 34)
    pdf.multi_cell(200, 4.5, f"{text.verify_hint}\n{text.verify_url}")
    return bytes(pdf.output())


def certificate_pdf(row, course) -> bytes:
    """The certificate of an award row (award, badge_class, user), in the current language."""
    award, badge_class = row.award, row.badge_class
    fields = badge_fields(course) if course else {
        "name": badge_class.name, "colour": badge_class.colour, "emblem": badge_class.emblem}
    course_title = (award.evidence or {}).get("course_title") or (course.title if course else badge_class.name)
    badge_name = badge_class.name
    if course is not None:
        # The course and badge names of the learner's language, where the course has that edition.
        translated = course_text(course, str(get_locale() or "en"))
        course_title, badge_name = translated.title, translated.badge_name or badge_name
    issuer = current_app.config["ISSUER_NAME"]
    text = CertificateText(
        heading=_("Certificate of completion"), certifies=_("This certifies that"), learner=row.user.name,
        completed=_("has completed the course"), course=course_title,
        date_line=_("Issued on %(date)s", date=format_date(award.issued_on, "long")),
        issuer_line=_("by %(issuer)s · badge: %(badge)s", issuer=issuer, badge=badge_name),
        code_label=_("Verification code"), code=display(award.short_code),
        verify_hint=_("Scan the QR code or visit this address to check that this certificate is valid:"),
        verify_url=verify_url(award.short_code),
        status_line=_("Expired on %(date)s", date=format_date(award.expires_on, "long"))
        if award.status() == "expired" else None)
    return render(text, colour=fields["colour"], badge_png=artwork.png(fields), title=text.heading)
