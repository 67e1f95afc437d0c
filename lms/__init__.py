"""UPR Academy: create_app() reads as the table of contents of the application."""
import importlib
import importlib.util
import logging

from flask import Flask, current_app
from werkzeug.routing import IntegerConverter

from lms import config as settings
from lms.core import content_cache
from lms.core.fragments import FragmentCache
from lms.extensions import babel, compress, csrf, db, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_path=str(settings.INSTANCE))
    app.config.update(settings.load())
    app.config.update(config or {})
    if app.config.get("PROXY_FIX_X_FOR"):
        # Behind a reverse proxy: request.remote_addr becomes the client's address, which login
        # throttling and the security log count by.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"])
    logging.basicConfig(level=logging.INFO)
    # Ids in URLs are database integers: a larger number is simply not found (404), not a 500.
    app.url_map.converters["int"] = _DatabaseInt

    content_cache.clear_all()  # a new app may be on another database
    app.jinja_env.add_extension(FragmentCache)
    _init_extensions(app)
    _register_blueprints(app)
    _register_hooks(app)
    return app


class _DatabaseInt(IntegerConverter):
    def __init__(self, url_map, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, **kwargs)


def _init_extensions(app: Flask) -> None:
    from lms.core import models_registry  # noqa: F401  (every model, for Alembic)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(settings.ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    compress.init_app(app)
    from lms.core import i18n

    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.register(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # "basic": a phone moving from Wi-Fi to mobile data stays logged in; the session's epoch,
    # id and limits (lms/auth/sessions.py) are what end copied or forgotten sessions.
    login_manager.session_protection = "basic"
    from lms.auth import sessions

    login_manager.user_loader(sessions.load_user)
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"


def _register_blueprints(app: Flask) -> None:
    from lms.auth.cli import bp as users_cli
    from lms.auth.views import bp as auth_bp
    from lms.badges.views import bp as badges_bp
    from lms.catalog.views import bp as catalog_bp
    from lms.cohorts.views import bp as cohorts_bp
    from lms.core.views import bp as core_bp
    from lms.dashboards.views import bp as dashboards_bp
    from lms.demo.cli import bp as demo_cli
    from lms.learning.views import bp as learning_bp
    from lms.offline.views import bp as offline_bp
    from lms.quizzes.views import bp as quizzes_bp

    for blueprint in (core_bp, auth_bp, catalog_bp, learning_bp, quizzes_bp, cohorts_bp,
                      dashboards_bp, badges_bp, offline_bp, users_cli, demo_cli):
        app.register_blueprint(blueprint)
    for feature in ("core", "catalog", "quizzes", "cohorts", "badges"):
        # Each feature's `flask <feature> ...` commands, once it has any.
        if importlib.util.find_spec(f"lms.{feature}.cli"):
            app.register_blueprint(importlib.import_module(f"lms.{feature}.cli").bp)


def _register_hooks(app: Flask) -> None:
    from lms.core import errors, security, security_log, static

    app.request_class = security.LimitedRequest  # small bodies except on upload views
    app.before_request(security.refuse_nul_bytes)
    from lms.auth.sessions import enforce_limits

    app.before_request(enforce_limits)  # before require_login: an expired session is logged out
    app.before_request(security.require_login)
    if not app.config["PRODUCTION"]:
        app.before_request(security.warn_on_foreign_origin)
    app.after_request(security.set_security_headers)
    errors.register(app)
    security_log.init_app(app)
    static.register(app)
    for feature in ("learning", "badges", "cohorts"):
        # Signal listeners (lms/core/signals.py) connect when their module is imported.
        if importlib.util.find_spec(f"lms.{feature}.listeners"):
            importlib.import_module(f"lms.{feature}.listeners")

    # Templates test `'endpoint' in current_app.view_functions` to link features that exist.
    app.add_template_global(current_app, "current_app")

    @app.context_processor
    def _globals():
        from lms.core.i18n import select_locale

        return {"languages": app.config["LANGUAGES"], "current_locale": select_locale()}
