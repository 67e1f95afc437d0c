"""What a courses directory may hold on disk: no symbolic links, no oversized files."""
import os

import pytest
from sqlalchemy import func, select

from lms.catalog import files
from lms.catalog.models import Lesson
from lms.extensions import db

LINK = "symbolic links are not allowed"
SECOND = "alpha-course/basics/second-lesson.md"


def _pad(courses, name: str, size: int) -> None:
    """Grow a file to `size` bytes with text that stays valid where it lands (below the body)."""
    path = courses.path(name)
    text = path.read_text()
    path.write_text(text + "\nWord " * ((size - len(text)) // 6 + 1))


def test_a_lesson_linked_to_a_file_outside_the_tree_is_refused_and_nothing_is_published(
        app, runner, courses, tmp_path):
    secret = tmp_path / "private.md"
    secret.write_text(courses.path(SECOND).read_text().replace("## The troika", "## Private notes"))
    courses.delete(SECOND)
    os.symlink(secret, courses.path(SECOND))
    assert courses.problems() == [f"courses/{SECOND}:1: {LINK}"]
    result = runner.invoke(args=["courses", "sync", "courses"])
    assert result.exit_code == 1 and f"courses/{SECOND}:1: {LINK}" in result.output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 0


@pytest.mark.parametrize("name", [
    "alpha-course/basics",            # a module folder
    "beta-course",                    # a whole course folder
    "alpha-course/basics/quiz.yaml",  # a quiz
    "alpha-course/course.yaml",
    "glossary.yaml",
    "alpha-course/images",            # the media folder
])
def test_links_are_refused_at_every_level(courses, tmp_path, name):
    target = tmp_path / "elsewhere"
    os.rename(courses.path(name), target)
    os.symlink(target, courses.path(name))
    problems = courses.problems()
    assert f"courses/{name}:1: {LINK}" in problems
    # Nothing behind the link was read: no problem is reported from inside it.
    assert not [p for p in problems if p.startswith(f"courses/{name}/")]


def test_a_link_inside_the_tree_pointing_inside_it_is_refused_too(courses):
    os.symlink("second-lesson.md", courses.path("alpha-course/basics/copy.md"))
    assert f"courses/alpha-course/basics/copy.md:1: {LINK}" in courses.problems()


def test_a_broken_link_and_a_hidden_one_are_reported(courses):
    os.symlink("/nowhere/at/all", courses.path("alpha-course/broken.md"))
    os.symlink("/etc/hostname", courses.path("alpha-course/basics/.notes"))
    problems = courses.problems()
    assert f"courses/alpha-course/broken.md:1: {LINK}" in problems
    assert f"courses/alpha-course/basics/.notes:1: {LINK}" in problems


def test_a_pipe_in_the_tree_is_reported_not_read(courses):
    os.mkfifo(courses.path("alpha-course/basics/third.md"))  # reading it would wait forever
    assert ("courses/alpha-course/basics/third.md:1: only plain files are allowed "
            "(this is a device, pipe or socket)") in courses.problems()


def test_an_oversized_lesson_is_reported_with_its_size_and_the_limit(courses):
    path = courses.path(SECOND)
    path.write_bytes(path.read_bytes() + b"x" * (29 * 1024 * 1024))
    assert courses.problems() == [f"courses/{SECOND}:1: file is 29.0 MB; the limit for a lesson is 200 KB"]


def test_a_lesson_just_under_the_limit_passes_and_just_over_does_not(courses):
    _pad(courses, SECOND, 200 * 1024 - 100)
    assert courses.problems() == []
    _pad(courses, SECOND, 200 * 1024 + 200)
    size = courses.path(SECOND).stat().st_size
    assert courses.problems() == [
        f"courses/{SECOND}:1: file is {size / 1024:.1f} KB; the limit for a lesson is 200 KB"]


@pytest.mark.parametrize("name, size, limit", [
    ("alpha-course/basics/quiz.yaml", 600 * 1024, "a quiz is 500 KB"),
    ("alpha-course/practice/quiz.gift", 600 * 1024, "a quiz is 500 KB"),
    ("alpha-course/images/cycle.png", 3 * 1024 * 1024, "an image is 2 MB"),
    ("alpha-course/basics/module.yaml", 150 * 1024, "a course or module file is 100 KB"),
    ("glossary.yaml", 600 * 1024, "the glossary is 500 KB"),
    ("alpha-course/notes.pdf", 3 * 1024 * 1024, "any other file is 2 MB"),
])
def test_each_kind_of_file_has_its_limit(courses, name, size, limit):
    path = courses.path(name)
    data = path.read_bytes() if path.exists() else b""
    path.write_bytes(data + b"#" * (size - len(data)))
    assert f"courses/{name}:1: file is {files.size_text(size)}; the limit for {limit}" in courses.problems()


def test_sizes_read_like_the_messages():
    assert files.size_text(29 * 1024 * 1024) == "29.0 MB"
    assert files.size_text(200 * 1024, 0) == "200 KB"
    assert files.size_text(1536) == "1.5 KB"
