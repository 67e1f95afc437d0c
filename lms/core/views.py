"""Site-wide routes: home, health check, language switch."""
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from lms.core.security import public, safe_next
from lms.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
@public
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.post("/language")
@public
def set_language():
    choice = request.form.get("locale", "en")
    if choice in current_app.config["LANGUAGES"]:
        session["locale"] = choice
        if current_user.is_authenticated:
            current_user.locale = choice
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("core.home")))


@bp.get("/")
@public
def home():
    """The catalogue is the home page for visitors and learners alike (htmx gets the results)."""
    from lms.catalog.views import catalogue_context
    from lms.core.htmx import is_htmx

    context, status = catalogue_context()
    return render_template("catalog/_results.html" if is_htmx() else "core/home.html", **context), status
from lms.core import audit_views, mail_views  # noqa: E402,F401  (the admin's audit log and outbox, on this bp)
