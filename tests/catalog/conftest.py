"""A writable copy of the good fixture tree, and helpers to break it one rule at a time."""
import shutil
from pathlib import Path

import pytest

from lms.catalog import loader, validate

GOOD = Path(__file__).parent / "fixtures" / "good"


class Courses:
    """tmp_path/courses, a copy of fixtures/good; paths in problems read `courses/...`."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, name: str) -> Path:
        return self.root / name

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.root / name
        text = path.read_text()
        assert text.count(old) == 1, f"{old!r} is not once in {name}"
        path.write_text(text.replace(old, new))

    def write(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def delete(self, name: str) -> None:
        path = self.root / name
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    def load(self) -> loader.Tree:
        return loader.load("courses")

    def problems(self) -> list[str]:
        return [str(p) for p in validate.check(self.load())]


@pytest.fixture
def courses(tmp_path, monkeypatch) -> Courses:
    shutil.copytree(GOOD, tmp_path / "courses", symlinks=True)
    monkeypatch.chdir(tmp_path)
    return Courses(tmp_path / "courses")
