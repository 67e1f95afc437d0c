"""Each course badge gets its own picture, as SVG and as PNG, from the course's badge settings."""
import io

from defusedxml import ElementTree
from PIL import Image

from lms.badges import artwork
from lms.extensions import db

SVG = "{http://www.w3.org/2000/svg}"


def _svg(client, slug):
    response = client.get(f"/badges/classes/{slug}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    return response.get_data(as_text=True)


def test_each_course_badge_has_a_distinct_svg(client, small_course):
    first, second = small_course(), small_course()
    second.badge = {**second.badge, "name": "Civil Society Advocate", "colour": "#b45309", "emblem": "people"}
    db.session.commit()
    one, two = _svg(client, first.slug), _svg(client, second.slug)
    assert one != two
    root = ElementTree.fromstring(two)
    assert root.find(f"{SVG}circle").get("fill") == "#b45309"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Civil Society" in texts and "Advocate" in texts   # the title, wrapped
    assert "#1d4ed8" in one and "#b45309" not in one


def test_every_emblem_draws_differently_and_bad_settings_fall_back(app):
    fields = {"name": "UPR Essentials", "colour": "#0e7490"}
    pictures = {emblem: artwork.svg({**fields, "emblem": emblem}) for emblem in artwork.EMBLEMS}
    assert len(set(pictures.values())) == len(artwork.EMBLEMS) == 6


def test_colour_and_emblem_from_files_cannot_inject_markup(client, small_course):
    course = small_course()
    course.badge = {"name": "<script>alert(1)</script>", "colour": '"/><script>', "emblem": "rocket"}
    db.session.commit()
    svg = _svg(client, course.slug)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'fill="#1d4ed8"' in svg          # the default colour replaced the bad one
    ElementTree.fromstring(svg)             # still well-formed


def test_png_rendering_uses_the_course_colour(client, small_course):
    course = small_course()
    course.badge = {**course.badge, "colour": "#b45309"}
    db.session.commit()
    response = client.get(f"/badges/classes/{course.slug}.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data)).convert("RGBA")
    assert image.size == (400, 400)
    assert image.getpixel((18, 200))[:3] == (0xb4, 0x53, 0x09)       # the badge ring
    assert image.getpixel((2, 2))[3] == 0                            # transparent corner
    assert "max-age" in response.headers["Cache-Control"]


def test_long_titles_wrap_to_three_lines_at_most():
    lines = artwork.title_lines("Implementation and mid-term reporting for National Human Rights Institutions")
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert artwork.title_lines("UPR Essentials") == ["UPR Essentials"]
