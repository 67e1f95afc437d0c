"""Settings from the environment. Every variable is listed in the README."""
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _dev_secret_key() -> str:
    """A development key generated once into instance/ so sessions survive restarts."""
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        INSTANCE.mkdir(exist_ok=True)
        return f"sqlite:///{INSTANCE / 'lms.db'}"
    # Accept the common postgres:// spelling and use the psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load() -> dict:
    production = os.environ.get("LMS_ENV", "development") == "production"
    secret = os.environ.get("SECRET_KEY")
    if production and not secret:
        raise RuntimeError("SECRET_KEY must be set when LMS_ENV=production")
    trusted = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    # `PORT=5501 make run` serves on 5501: links in mail and badges must point there too.
    default_origin = f"http://127.0.0.1:{os.environ.get('PORT') or 5000}"
    base_url = (os.environ.get("BASE_URL") or default_origin).rstrip("/")
    if production and not trusted:
        # In production the app answers only to its public host unless told otherwise.
        trusted = [urlsplit(base_url).hostname]
    return {
        "PRODUCTION": production,
        "SECRET_KEY": secret or _dev_secret_key(),
        "SQLALCHEMY_DATABASE_URI": _database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": base_url,
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "UPR Academy <no-reply@localhost>"),
        # Without MAIL_SERVER, the worker writes each message here as an .eml file.
        "MAIL_DIR": os.environ.get("MAIL_DIR") or str(INSTANCE / "mail"),
        # How long a worker holds the messages it claimed; a killed worker's are retried after it.
        "MAIL_LEASE_SECONDS": int(os.environ.get("MAIL_LEASE_SECONDS") or 300),
        "ISSUER_NAME": os.environ.get("ISSUER_NAME", "UPR Academy"),
        "ISSUER_EMAIL": os.environ.get("ISSUER_EMAIL", "badges@upr-academy.example"),
        "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "upr-demo-password-2026"),
        # A form is small (a quiz of 40 full-length short answers, in any script, is under 200 KB);
        # only views marked @allows_upload (CSV enrolment, badge images) take MAX_UPLOAD_LENGTH.
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 256 * 1024),
        "MAX_UPLOAD_LENGTH": _int("MAX_UPLOAD_LENGTH", 5 * 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "MAX_FORM_PARTS": 1000,             # fields per form, URL-encoded or multipart
        "SECURITY_LOG": os.environ.get("SECURITY_LOG") or None,
        "TRUSTED_HOSTS": trusted or None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_NAME": "__Host-remember" if production else "remember_token",
        # Session limits (lms/auth/sessions.py), enforced on the server from signed timestamps.
        "LEARNER_IDLE_MINUTES": _int("LEARNER_IDLE_MINUTES", 8 * 60),
        "LEARNER_SESSION_DAYS": _int("LEARNER_SESSION_DAYS", 30),
        "STAFF_IDLE_MINUTES": _int("STAFF_IDLE_MINUTES", 30),
        "STAFF_SESSION_HOURS": _int("STAFF_SESSION_HOURS", 12),
        # Reverse proxies in front of the app that set X-Forwarded-For (0: none). Login throttling
        # counts per client address, so behind a proxy this must be right.
        "PROXY_FIX_X_FOR": _int("PROXY_FIX_X_FOR", 0),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Static files carry a content hash in their URL, so browsers may keep them a year.
        "SEND_FILE_MAX_AGE_DEFAULT": None,   # lms/core/static.py sets each static file's caching
        # Compression (flask-compress): brotli or gzip for text; streamed exports stay streamed.
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                               "image/svg+xml", "application/json", "application/ld+json", "text/csv",
                               "text/plain", "application/xml", "text/xml"],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],
        # Level 4 compresses a lesson page to ~6 KB in ~0.4 ms of CPU; 5 saves 0.3 KB for 0.15 ms
        # more, on every page view (bench/README.md).
        "COMPRESS_BR_LEVEL": 4,
        # How stale a worker's cached course content may be after a sync on another host.
        "CONTENT_VERSION_SECONDS": float(os.environ.get("CONTENT_VERSION_SECONDS") or (2 if production else 0)),
        "LANGUAGES": ["en", "fr", "es"],
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        # Login throttling (lms/auth/throttle.py): attempts per (account, client), failures per
        # client and per account, in a window of LOGIN_FAILURE_WINDOW seconds.
        "LOGIN_LIMIT_ACCOUNT_CLIENT": _int("LOGIN_LIMIT_ACCOUNT_CLIENT", 5),
        "LOGIN_LIMIT_CLIENT": _int("LOGIN_LIMIT_CLIENT", 50),
        "LOGIN_LIMIT_ACCOUNT": _int("LOGIN_LIMIT_ACCOUNT", 100),
        "LOGIN_FAILURE_WINDOW": 15 * 60,
        "PASSWORD_RESET_MAX_AGE": 60 * 60,
        "INVITATION_MAX_AGE": 7 * 24 * 60 * 60,
        "WTF_CSRF_TIME_LIMIT": None,
        "COURSES_DIR": os.environ.get("COURSES_DIR", str(ROOT / "courses")),
    }
