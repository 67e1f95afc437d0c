"""What a courses directory may hold on disk, checked before any file is read.

No symbolic link anywhere, file or folder: a link could publish a file from outside the tree (a
lesson linked to a private document) or make the reader wait on a device. And no file larger
than its kind needs: a lesson is read, rendered and stored whole, so a 29 MB lesson would be
carried into every page that shows it.
"""
import os
import stat
from collections.abc import Iterator
from pathlib import Path

KB, MB = 1024, 1024 * 1024
IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
LIMITS = {                       # kind (as the message names it): largest size in bytes
    "a lesson": 200 * KB,
    "a quiz": 500 * KB,
    "a course or module file": 100 * KB,
    "the glossary": 500 * KB,
    "an image": 2 * MB,
    "any other file": 2 * MB,
}
LINK = "symbolic links are not allowed"


def kind(path: Path, root: Path) -> str:
    name, suffix = path.name, path.suffix.lower()
    if suffix == ".md":
        return "a lesson"
    if suffix in IMAGES:
        return "an image"
    if suffix in (".yaml", ".yml") and path.parent == root and name.startswith("glossary."):
        return "the glossary"
    if suffix in (".yaml", ".yml") and name.split(".")[0] in ("course", "module"):
        return "a course or module file"
    if suffix in (".yaml", ".yml", ".gift"):
        return "a quiz"
    return "any other file"


def size_text(size: int, decimals: int = 1) -> str:
    value, unit = (size / MB, "MB") if size >= MB else (size / KB, "KB")
    text = f"{value:.{decimals}f}"
    return f"{text} {unit}"


def size_problem(path: Path, root: Path, size: int) -> str | None:
    what = kind(path, root)
    limit = LIMITS[what]
    if size <= limit:
        return None
    return f"file is {size_text(size)}; the limit for {what} is {size_text(limit, 0)}"


def problems(root: Path) -> Iterator[tuple[Path, str]]:
    """(path, message) for every symbolic link and every oversized file under `root`, without
    following links. Top-level entries the loader ignores (`.git`, `_drafts`) are skipped."""
    for entry in sorted(root.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_symlink():
            yield entry, LINK
        elif entry.is_dir():
            yield from _walk(entry, root)
        elif (message := size_problem(entry, root, entry.stat().st_size)):
            yield entry, message


def _walk(folder: Path, root: Path) -> Iterator[tuple[Path, str]]:
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        dirnames.sort()
        for name in list(dirnames):
            if (here / name).is_symlink():  # os.walk lists a link to a folder among the folders
                dirnames.remove(name)
                yield here / name, LINK
        for name in sorted(filenames):
            path = here / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                yield path, LINK
            elif not stat.S_ISREG(info.st_mode):
                yield path, "only plain files are allowed (this is a device, pipe or socket)"
            elif (message := size_problem(path, root, info.st_size)):
                yield path, message
