"""The installable web app: manifest, service worker, the offline page and a course's offline copy.

The service worker (static/js/sw.js) is a layer on top: every page works without it. It is
served from the site root so that its scope is the whole site, and registered under the hash of
the files it keeps (see shell_version), so a change to any of them installs a new worker.
"""
import gzip
import hashlib

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lms.catalog import queries as catalog_queries
from lms.catalog.permissions import can_view_course
from lms.core.i18n import select_locale
from lms.core.security import public
from lms.core.static import digest_of
from lms.learning import permissions as learning_permissions
from lms.learning import queries as learning_queries
from lms.offline import queries

bp = Blueprint("offline", __name__)

# What every page needs, precached when the worker installs.
SHELL = ["css/app.css", "css/learning.css", "css/quizzes.css", "js/app.js", "js/focus.js", "js/learning.js",
         "js/quizzes.js", "js/offline.js", "vendor/htmx-2.0.11/htmx.min.js", "favicon.svg"]


@bp.app_template_global("offline_worker_url")
def worker_url() -> str:
    return url_for("offline.worker", v=shell_version())


def shell_version() -> str:
    digests = "".join(digest_of(name) or "" for name in ["js/sw.js", *SHELL])
    return hashlib.sha256(digests.encode()).hexdigest()[:10]


@bp.get("/manifest.webmanifest")
@public
def manifest():
    body = {"name": _("UPR Academy"), "short_name": _("UPR Academy"), "start_url": url_for("learning.my_learning"),
            "scope": "/", "display": "standalone", "theme_color": "#1e3a8a", "background_color": "#ffffff",
            "lang": select_locale(),
            "icons": [{"src": url_for("static", filename="favicon.svg"), "sizes": "any", "type": "image/svg+xml"}]}
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
@public
def worker():
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline/shell.json")
@public
def shell():
    """The files the worker precaches, under their current hashes."""
    return {"version": shell_version(), "offline": url_for("offline.page"),
            "urls": [url_for("static", filename=name) for name in SHELL] + [url_for("offline.page")]}


@bp.get("/offline")
@public
def page():
    return render_template("offline/offline.html")


@bp.get("/offline/session")
def session():
    """Who is logged in and a fresh CSRF token, asked before the queue of offline writes is sent."""
    from flask_wtf.csrf import generate_csrf

    return {"user": current_user.id, "csrf_token": generate_csrf()}


@bp.get("/courses/<slug>/offline.json")
def course_copy(slug):
    found = catalog_queries.course_with_enrollment(slug, current_user) or abort(404)
    course, enrollment = found
    if not can_view_course(current_user, course, enrollment) or \
            not learning_permissions.can_read_lessons(current_user, course, enrollment):
        abort(404)
    locale = select_locale()
    state = learning_queries.course_state(current_user, course, enrollment=enrollment)
    glossary = render_template("catalog/glossary.html", terms=catalog_queries.glossary(locale))
    copy = queries.offline_copy(course, state, locale, len(gzip.compress(glossary.encode(), 6)))
    return {"course": slug, "title": catalog_queries.course_text(course, locale).title, "bytes": copy.bytes,
            "kilobytes": copy.kilobytes, "pages": copy.pages, "urls": copy.urls,
            "label": _("Make available offline (%(size)s kB)", size=copy.kilobytes)}
