"""Hostile content is rejected with `path:line` by the check, and stripped by the renderer."""
import os
from html.parser import HTMLParser

import pytest

from lms.catalog.importer import render_body
from lms.catalog.media import media_file, media_url

THIRD = "alpha-course/practice/third-lesson.md"
BODY = "States respond to each recommendation: *supported* or *noted*.\n"

HOSTILE = [
    ("script", "<script>alert(1)</script>", "raw HTML is not allowed in course Markdown"),
    ("inline-script", "Hello <script>alert(1)</script> there", "raw HTML is not allowed in course Markdown"),
    ("javascript-link", "[click](javascript:alert(1))", "URL scheme 'javascript:' is not allowed"),
    ("javascript-mixed-case", "[click](JaVaScRiPt:alert(1))", "URL scheme 'javascript:' is not allowed"),
    ("invisible-link", "[click](java\u200bscript:alert(1))", "URL contains an invisible or control character"),
    ("event-handler", '<a href="https://example.org" onclick="steal()">x</a>', "raw HTML is not allowed in course Markdown"),
    ("image-onerror", '<img src="x.png" onerror="steal()">', "raw HTML is not allowed in course Markdown"),
    ("iframe", '<iframe src="https://evil.example"></iframe>', "raw HTML is not allowed in course Markdown"),
    ("style", '<p style="position:fixed;top:0">Pay here</p>', "raw HTML is not allowed in course Markdown"),
    ("data-url-image", "![x](data:image/png;base64,AAAA)", "URL scheme 'data:' is not allowed"),
]


@pytest.mark.parametrize("markdown, message", [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_markdown_is_reported_at_its_file_line(courses, markdown, message):
    # The body starts on line 9, below eight lines of front matter; the hostile line is line 11.
    courses.edit(THIRD, BODY, f"Intro.\n\n{markdown}\n")
    assert f"courses/{THIRD}:11: {message}" in courses.problems()


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("markdown", [h[1] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_markdown_is_inert_when_rendered(markdown):
    """Even if a hostile file got past the check, the stored HTML would hold no live markup:
    raw HTML becomes text, and unsafe links lose their href."""
    found = elements(render_body(f"Intro.\n\n{markdown}\n", "alpha-course"))
    assert {tag for tag, _ in found} <= {"p", "a", "img"}
    for tag, attrs in found:
        assert not [name for name in attrs if name.startswith("on") or name == "style"], (tag, attrs)
        for name in ("href", "src"):
            value = attrs.get(name) or ""
            assert value.startswith(("https://", "/course-media/")) or not value, (tag, attrs)


IMAGES = [
    ("parent", "![x](../beta-course/pic.png)", "image '../beta-course/pic.png' must not leave the course folder ('..')"),
    ("inner-parent", "![x](images/../../x.png)", "image 'images/../../x.png' must not leave the course folder ('..')"),
    ("absolute", "![x](/etc/passwd)", "image '/etc/passwd' must be a relative path inside the course folder"),
    ("remote", "![x](https://evil.example/x.png)", "image 'https://evil.example/x.png' must be a relative path inside the course folder"),
    ("missing", "![x](images/nope.png)", "image 'images/nope.png' not found in the course folder"),
    ("svg", "![x](images/drawing.svg)", "image 'images/drawing.svg' must be one of: .png, .jpg, .jpeg, .gif, .webp"),
]


@pytest.mark.parametrize("markdown, message", [i[1:] for i in IMAGES], ids=[i[0] for i in IMAGES])
def test_image_paths_must_stay_inside_the_course_folder(courses, markdown, message):
    courses.write("alpha-course/images/drawing.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    courses.edit(THIRD, BODY, f"Intro.\n\n{markdown}\n")
    assert courses.problems() == [f"courses/{THIRD}:11: {message}"]


def test_symlinked_image_leading_outside_is_rejected(courses, tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes((courses.path("alpha-course/images/cycle.png")).read_bytes())
    os.symlink(outside, courses.path("alpha-course/images/link.png"))
    courses.edit(THIRD, BODY, "Intro.\n\n![x](images/link.png)\n")
    assert courses.problems() == [
        "courses/alpha-course/images/link.png:1: symbolic links are not allowed",
        f"courses/{THIRD}:11: image 'images/link.png' leads outside the course folder (symbolic link)"]


def test_even_a_symlinked_image_inside_the_course_is_refused(courses):
    os.symlink("cycle.png", courses.path("alpha-course/images/alias.png"))
    courses.edit(THIRD, BODY, "Intro.\n\n![x](images/alias.png)\n")
    assert courses.problems() == ["courses/alpha-course/images/alias.png:1: symbolic links are not allowed"]


def test_hostile_text_in_quizzes_and_glossary_is_reported(courses):
    courses.edit("alpha-course/basics/quiz.yaml", "text: Which body runs the UPR?",
                 "text: Which body runs the <img src=x onerror=alert(1)> UPR?")
    courses.edit("alpha-course/practice/quiz.gift", "=Supported or noted #Right.",
                 "=Supported or noted #See [this](javascript:alert(1)).")
    courses.edit("glossary.yaml", "Three States drawn by lot", "Three <iframe></iframe> States drawn by lot")
    courses.edit("alpha-course/basics/quiz.yaml", "{left: OHCHR, right: Secretariat}",
                 "{left: OHCHR, right: \"<script>x</script>\"}")
    assert courses.problems() == [
        "courses/alpha-course/basics/quiz.yaml:8: raw HTML is not allowed in course Markdown",
        "courses/alpha-course/basics/quiz.yaml:33: raw HTML is not allowed in course Markdown",
        "courses/alpha-course/practice/quiz.gift:5: URL scheme 'javascript:' is not allowed",
        "courses/glossary.yaml:9: raw HTML is not allowed in course Markdown",  # the line below `>-`
    ]


def test_images_point_at_the_course_media_url():
    html = render_body("![The cycle](images/cycle.png)", "alpha-course")
    assert '<img src="/course-media/alpha-course/images/cycle.png" alt="The cycle">' in html
    assert media_url("alpha-course", "./images/a b.png") == "/course-media/alpha-course/images/a%20b.png"


def test_media_files_are_served_only_from_inside_the_course(courses, tmp_path):
    root = courses.root
    assert media_file(root, "alpha-course", "images/cycle.png") == (root / "alpha-course/images/cycle.png").resolve()
    (tmp_path / "secret.png").write_bytes(b"x")
    os.symlink(tmp_path / "secret.png", root / "alpha-course/images/link.png")
    for course, path in [("alpha-course", "../beta-course/course.yaml"), ("alpha-course", "/etc/passwd"),
                         ("alpha-course", "images/link.png"), ("alpha-course", "images/none.png"),
                         ("..", "courses/glossary.yaml"), ("alpha-course", "")]:
        assert media_file(root, course, path) is None, (course, path)
