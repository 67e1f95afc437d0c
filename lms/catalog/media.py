"""Images that lessons and badges use live in their course folder; this maps them to URLs and
back, refusing any path that would leave the course folder."""
from pathlib import Path
from urllib.parse import quote

MEDIA_PREFIX = "/course-media"


def media_url(course_slug: str, path: str) -> str:
    """The URL a lesson's `![alt](images/x.png)` is rewritten to at import."""
    while path.startswith("./"):
        path = path[2:]
    return f"{MEDIA_PREFIX}/{quote(course_slug)}/{quote(path)}"


def media_file(courses_dir: str | Path, course_slug: str, path: str) -> Path | None:
    """The file behind a media URL, or None when it is missing or outside the course folder
    (`..`, absolute paths) or reached through a symbolic link (the import refuses them too)."""
    root = Path(courses_dir).resolve()
    course = (root / course_slug).resolve()
    if course.parent != root or not course.is_dir() or (root / course_slug).is_symlink():
        return None
    if not path or path.startswith(("/", "\\")) or ".." in Path(path).parts:
        return None
    step = course
    for part in Path(path).parts:
        step = step / part
        if step.is_symlink():
            return None
    target = (course / path).resolve()
    if not target.is_relative_to(course) or not target.is_file():
        return None
    return target
