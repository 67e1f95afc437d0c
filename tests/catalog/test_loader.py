"""Reading course files: YAML with lines, front matter, translations, paths as given."""
import shutil
from pathlib import Path

import pytest

from lms.catalog import loader
from lms.catalog.yamlines import LineDict, Problems, parse_yaml

GOOD = Path(__file__).parent / "fixtures" / "good"


def test_yaml_mappings_and_lists_remember_their_lines():
    problems = Problems()
    data = parse_yaml("title: T\nitems:\n  - a\n  - b\nnested:\n  key: 1\n", "f.yaml", problems)
    assert problems == []
    assert isinstance(data, LineDict) and data == {"title": "T", "items": ["a", "b"], "nested": {"key": 1}}
    assert data.lines == {"title": 1, "items": 2, "nested": 5}
    assert data["items"].lines == [3, 4]
    assert data["nested"].line == 6 and data["nested"].line_of("key") == 6


def test_yaml_lines_are_offset_for_front_matter():
    problems = Problems()
    data = parse_yaml("slug: a\ntitle: b\n", "x.md", problems, offset=1)
    assert data.lines == {"slug": 2, "title": 3}


def test_yaml_syntax_error_and_duplicate_keys_are_reported_with_lines():
    problems = Problems()
    assert parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "f.yaml", problems) is None
    # The wording after the colon is the YAML library's own; the place is ours.
    assert len(problems) == 1 and str(problems[0]).startswith("f.yaml:3: YAML syntax error: ")
    problems = Problems()
    parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml", problems)
    assert [str(p) for p in problems] == ["f.yaml:3: duplicate key 'a' (first at line 1)"]


def test_the_good_tree_is_read_in_order_with_translations():
    tree = loader.load(GOOD)
    assert tree.problems == []
    assert [c.slug for c in tree.courses] == ["alpha-course", "beta-course"]
    alpha = tree.courses[0]
    assert [m.slug for m in alpha.ordered_modules()] == ["basics", "practice"]
    basics = alpha.modules["basics"]
    assert [lesson.slug for lesson in basics.ordered_lessons()] == ["first-lesson", "second-lesson"]
    first = basics.lessons["first-lesson"]
    assert first.meta["title"] == "First lesson" and first.body_line == 14
    assert first.body.startswith("## What the UPR is")
    assert set(first.translations) == {"fr"} and first.translations["fr"].meta["title"] == "Première leçon"
    assert set(basics.translations) == {"fr"} and set(alpha.translations) == {"fr"}
    assert basics.quiz().format == "yaml" and set(basics.quiz().translations) == {"fr"}
    gift_quiz = alpha.modules["practice"].quiz()
    assert gift_quiz.format == "gift"
    assert gift_quiz.meta == {"title": "Practice quiz", "settings": {"pass_mark": 75}}
    assert gift_quiz.meta["settings"].line_of("pass_mark") == 2
    assert [q.key for q in alpha.final.questions] == ["final-one", "final-two", "final-three", "final-four"]
    assert [t["slug"] for t in tree.glossary] == ["upr", "troika", "hrc"]
    assert set(tree.glossary_translations) == {"fr"}


def test_paths_are_shown_as_the_directory_was_given(tmp_path, monkeypatch):
    shutil.copytree(GOOD, tmp_path / "courses")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "courses" / "alpha-course" / "course.yaml").write_text("title: [unclosed\n")
    relative = [str(p) for p in loader.load("courses").problems]
    assert len(relative) == 1
    assert relative[0].startswith("courses/alpha-course/course.yaml:2: YAML syntax error: ")
    absolute = [str(p) for p in loader.load(tmp_path / "courses").problems]
    assert len(absolute) == 1
    assert absolute[0].startswith(f"{tmp_path}/courses/alpha-course/course.yaml:2: YAML syntax error: ")


@pytest.mark.parametrize("content, expected", [
    ("no front matter\n", "1: a lesson starts with YAML front matter between two '---' lines"),
    ("---\nslug: x\ntitle: y\n", "1: the front matter is not closed with a '---' line"),
    ("---\nslug: x\ntitle: [y\n---\nBody\n", "4: YAML syntax error: "),
    ("---\n- a list\n---\nBody\n", "2: the front matter must be a YAML mapping (key: value lines)"),
    ("---\n---\nBody\n", "1: the front matter is empty"),
])
def test_front_matter_problems_have_file_lines(tmp_path, monkeypatch, content, expected):
    shutil.copytree(GOOD, tmp_path / "courses")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "courses/beta-course/only-module/only-lesson.md").write_text(content)
    problems = [str(p) for p in loader.load("courses").problems]
    assert len(problems) == 1
    if expected.endswith("YAML syntax error: "):  # the library's own wording follows
        assert problems[0].startswith(f"courses/beta-course/only-module/only-lesson.md:{expected}")
    else:
        assert problems == [f"courses/beta-course/only-module/only-lesson.md:{expected}"]


def test_non_utf8_file_is_reported_at_its_line(tmp_path, monkeypatch):
    shutil.copytree(GOOD, tmp_path / "courses")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "courses/beta-course/only-module/module.yaml").write_bytes(b"title: ok\nsummary: caf\xe9\n")
    problems = [str(p) for p in loader.load("courses").problems]
    assert problems == ["courses/beta-course/only-module/module.yaml:2: the file is not valid UTF-8"]
