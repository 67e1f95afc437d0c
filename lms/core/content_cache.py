"""Per-process caches of course content, keyed by the content version `courses sync` writes.

Content changes only when `courses sync` runs, and every sync that changed something bumps
ContentVersion. Each request reads that number once (when a cached value is first wanted) and
every key includes it, so a sync on any host retires what every worker of every host cached;
nothing needs to be told. The caches are bounded (least recently used out first), so a worker's
memory stays flat however many learners and pages it serves.
"""
import threading
import time
from collections import OrderedDict

from flask import current_app, g, has_app_context
from sqlalchemy import event, select

_MISSING = object()
_ALL: list["LRU"] = []


class LRU:
    """A bounded mapping, least recently used out first; safe across a worker's threads."""

    def __init__(self, size: int):
        self.size, self._data, self._lock = size, OrderedDict(), threading.Lock()
        _ALL.append(self)

    def get(self, key, default=None):
        with self._lock:
            value = self._data.get(key, _MISSING)
            if value is _MISSING:
                return default
            self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


def clear_all() -> None:
    for cache in _ALL:
        cache.clear()
    _latest.update(version=None, read_at=0.0)


def watch(session_class, content_models: tuple) -> None:
    """Empty this process's caches whenever this process flushes content: `courses sync` bumps
    the version for every other process, and content written any other way (a test's
    fixtures, a shell) never shows stale here."""
    @event.listens_for(session_class, "before_flush")
    def _content_written(session, _context, _instances):
        for changed in (session.new, session.dirty, session.deleted):
            if any(isinstance(obj, content_models) for obj in changed):
                clear_all()
                return


_latest = {"version": None, "read_at": 0.0}  # this process's last reading


def content_version() -> int:
    """The content version: read once per request (or app context), and in production at most
    once every CONTENT_VERSION_SECONDS per process, so a sync reaches every worker within that
    time without every page paying a query."""
    store = g._get_current_object() if has_app_context() else None
    version = getattr(store, "content_version", None)
    if version is None:
        version = _read_version()
        if store is not None:
            store.content_version = version
    return version


def _read_version() -> int:
    from lms.catalog.models import ContentVersion
    from lms.extensions import db

    ttl = current_app.config.get("CONTENT_VERSION_SECONDS", 0) if has_app_context() else 0
    now = time.monotonic()
    if ttl and _latest["version"] is not None and now - _latest["read_at"] < ttl:
        return _latest["version"]
    version = db.session.scalar(select(ContentVersion.version).where(ContentVersion.id == 1)) or 0
    _latest.update(version=version, read_at=now)
    return version


def bump(now) -> int:
    """Record a content change (inside the sync's transaction); returns the new version."""
    from lms.catalog.models import ContentVersion
    from lms.extensions import db

    row = db.session.get(ContentVersion, 1, with_for_update=True)
    if row is None:
        row = ContentVersion(id=1, version=0)
        db.session.add(row)
    row.version, row.synced_at = (row.version or 0) + 1, now
    db.session.flush()
    g.pop("content_version", None)
    _latest.update(version=None, read_at=0.0)
    return row.version


def cached(cache: LRU, key: tuple, build):
    """cache[(content version, *key)], built by `build()` on a miss."""
    full = (content_version(), *key)
    value = cache.get(full, _MISSING)
    if value is _MISSING:
        value = build()
        cache.put(full, value)
    return value
