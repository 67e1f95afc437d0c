"""Error pages: a friendly page for each HTTP error, JSON for API clients."""
import logging
import uuid

from flask import render_template, request
from flask.globals import request_ctx
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from lms.core import security_log
from lms.extensions import db

log = logging.getLogger(__name__)

TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    410: _l("Gone"),
    413: _l("Too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(code: int, message: str | None = None, reference: str | None = None):
    title = TITLES.get(code, _l("Error"))
    if request_ctx.url_adapter is None:
        # An untrusted Host header: no URL can be built, so no page either.
        return f"{code} {title}\n", code, {"Content-Type": "text/plain; charset=utf-8"}
    if _wants_json():
        return {"error": str(title), "message": message, "reference": reference}, code
    template = "errors/error.html"
    return render_template(template, code=code, title=title, message=message, reference=reference), code


def handle_http_error(error: HTTPException):
    if error.code and error.code >= 500:
        return handle_unexpected(error)
    description = error.description if getattr(error, "custom_message", False) else None
    if error.code == 403:
        security_log.record("access.denied", "refused", status=403)
    if isinstance(error, RequestEntityTooLarge) and description is None:
        description = _too_large_message()
    return render_error(error.code or 500, description)


def _too_large_message() -> str:
    limit = request.max_content_length
    if not limit:
        return _("What was sent is too large for this page.")
    if limit >= 1024 * 1024:
        size = _("%(num)s MB", num=format_decimal(limit / 1024 / 1024, "0.##"))
    else:
        size = _("%(num)s KB", num=format_decimal(limit // 1024))
    return _("What was sent is larger than this page accepts (at most %(size)s). Shorten the text "
             "or send a smaller file.", size=size)


def handle_csrf_error(error: CSRFError):
    # Flask-WTF's reasons ("The CSRF token has expired.") are English and technical.
    security_log.record("csrf.failed", "refused", reason=error.description)
    return render_error(400, _("This form had expired or was sent from another site, so nothing was "
                               "saved. Go back, reload the page and try again."))


def handle_unexpected(error: Exception):
    # Never show a traceback: roll back whatever the request half-wrote and give a
    # reference the user can quote, which we log beside the traceback.
    db.session.rollback()
    reference = uuid.uuid4().hex[:12]
    log.exception("unhandled error, reference %s", reference, exc_info=error)
    return render_error(500, None, reference)


def register(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)


def abort_with(code: int, message: str):
    """Abort with a message meant for the user (shown on the error page)."""
    from werkzeug.exceptions import default_exceptions

    exc = default_exceptions[code](description=message)
    exc.custom_message = True
    raise exc
