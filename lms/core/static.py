"""Fingerprinted static URLs: ?v=<content hash>, so files can be cached for a year."""
import hashlib
from functools import cache
from pathlib import Path

from flask import current_app


@cache
def _digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint != "static" or "filename" not in values or "v" in values:
        return
    path = Path(current_app.static_folder) / values["filename"]
    if path.is_file():
        values["v"] = _digest(str(path), path.stat().st_mtime)


def register(app) -> None:
    app.url_defaults(_add_version)
