"""Fingerprinted static URLs: ?v=<content hash>, so files can be cached for a year.

A file is cached as immutable only under its own hash. A URL naming another hash (a page from a
host with newer files, during a rolling deploy) is a 404 that nobody caches, so no browser keeps
an old file under a new name; a URL with no hash is revalidated on every use.
"""
import hashlib
from functools import cache
from pathlib import Path

from flask import abort, current_app, request

IMMUTABLE = "public, max-age=31536000, immutable"


@cache
def _digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def digest_of(filename: str) -> str | None:
    if not (current_app.debug or current_app.testing):
        return _deployed_digest(current_app.static_folder, filename)
    return _current_digest(current_app.static_folder, filename)


@cache
def _deployed_digest(folder: str, filename: str) -> str | None:
    """In production a process's files never change under it: stat each one once."""
    return _current_digest(folder, filename)


def _current_digest(folder: str, filename: str) -> str | None:
    path = Path(folder) / filename
    if not path.is_file():
        return None
    return _digest(str(path), path.stat().st_mtime)


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint != "static" or "filename" not in values or "v" in values:
        return
    version = digest_of(values["filename"])
    if version:
        values["v"] = version


def _check_version():
    if request.endpoint != "static":
        return None
    wanted = request.args.get("v")
    if wanted is not None and wanted != digest_of((request.view_args or {}).get("filename", "")):
        abort(404)
    return None


def _cache_headers(response):
    if request.endpoint == "static" and response.status_code in (200, 304):
        response.headers["Cache-Control"] = IMMUTABLE if request.args.get("v") else "no-cache"
    elif request.endpoint == "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def register(app) -> None:
    app.url_defaults(_add_version)
    app.before_request(_check_version)
    app.after_request(_cache_headers)
