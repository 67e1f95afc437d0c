"""Access policy for every route, limits on what a request may carry, security headers and safe
redirects.

Routes are private by default: a view is reachable without login only when it is decorated
with @public. The route-inventory test walks url_map and holds us to that. Request bodies are
small (MAX_CONTENT_LENGTH, MAX_FORM_PARTS fields) unless the view is decorated @allows_upload,
and no request may carry a NUL character.
"""
import io
from functools import wraps
from urllib.parse import urlsplit

from flask import Request, abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.formparser import FormDataParser

from lms.core.errors import abort_with

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])


def public(view):
    """Mark a view as reachable without logging in."""
    view.is_public = True
    return view


def allows_upload(view):
    """Mark a view that takes a file: its requests may be MAX_UPLOAD_LENGTH long, every other
    request only MAX_CONTENT_LENGTH (a small form)."""
    view.allows_upload = True
    return view


def is_public_endpoint(app, endpoint: str | None) -> bool:
    if endpoint is None:
        return True  # 404s and 405s are handled by the error pages
    if endpoint == "static":
        return True
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


def require_login():
    """before_request hook: anonymous users only reach @public views."""
    if is_public_endpoint(current_app, request.endpoint) or current_user.is_authenticated:
        return None
    response = current_app.login_manager.unauthorized()
    if request.headers.get("HX-Request") == "true" and response.status_code == 302:
        # An expired session during an htmx swap: send the whole page to the login form
        # instead of swapping the login page into a fragment.
        response.headers["HX-Redirect"] = response.headers["Location"]
    return response


class _FormParser(FormDataParser):
    """Werkzeug limits the number of fields of multipart bodies only; count them in URL-encoded
    bodies too, before they are split into a dict (a million empty fields cost seconds)."""

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        if self.max_form_parts is not None:
            body = stream.read()
            if body.count(b"&") >= self.max_form_parts:
                abort_with(413, _("The form has more than %(num)d fields, more than any page here "
                                  "needs.", num=self.max_form_parts))
            stream = io.BytesIO(body)
        return super()._parse_urlencoded(stream, mimetype, content_length, options)


class LimitedRequest(Request):
    """The request class: the body limit depends on the view (see allows_upload)."""

    form_data_parser_class = _FormParser

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and current_app and self.url_rule is not None:
            view = current_app.view_functions.get(self.url_rule.endpoint)
            if getattr(view, "allows_upload", False):
                return current_app.config["MAX_UPLOAD_LENGTH"]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def _client_texts():
    """Every piece of text the client chose: path, query and form names and values, file names."""
    yield request.path
    for values in (request.args, request.form):
        for key, items in values.lists():
            yield key
            yield from items
    for key, upload in request.files.items(multi=True):
        yield key
        yield upload.filename or ""


def refuse_nul_bytes():
    """before_request hook: a NUL character is never valid input, and PostgreSQL refuses it in
    text with an error; answer 400 before any view can pass one to the database."""
    if any("\x00" in text for text in _client_texts()):
        abort_with(400, _("The address or the form contains a NUL character, which is never valid "
                          "here. Remove it and try again."))


def warn_on_foreign_origin():
    """before_request hook (development): say once per origin when links will point elsewhere.

    Mail, join and badge links use BASE_URL, never the request's Host; served on another origin,
    every one of them would lead to the wrong place without a word.
    """
    origin = request.host_url.rstrip("/")
    base = current_app.config["BASE_URL"]
    seen = current_app.extensions.setdefault("lms.origins_warned", set())
    if origin != base and origin not in seen:
        seen.add(origin)
        current_app.logger.warning(
            "This page was requested at %s but BASE_URL is %s: links in e-mails, join pages and "
            "badges point at BASE_URL. Set BASE_URL=%s (or PORT) to change it.", origin, base, origin)


def require_role(*roles: str):
    """Views for one role; 403 for a logged-in user without it."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("PRODUCTION"):
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    if request.endpoint != "static" and "Cache-Control" not in response.headers:
        # Pages hold personal progress; shared caches must not keep them.
        response.headers["Cache-Control"] = "private, no-cache"
    return response


def safe_next(target: str | None, fallback: str) -> str:
    """Return target only when it is a path on this site; otherwise the fallback."""
    if not target:
        return fallback
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target
