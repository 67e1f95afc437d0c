"""Sessions: who is logged in on this browser, since when, and until when.

A session's identity, which Flask-Login keeps in the signed session cookie and (with "Keep me
signed in") in its signed remember cookie, is "user id:session epoch:login time:session id". Both
cookies therefore carry the time of the login, and the server enforces the limits from it:

    who                    idle limit                           absolute limit
    learner                LEARNER_IDLE_MINUTES (8 h);          LEARNER_SESSION_DAYS (30 days)
                           none with "Keep me signed in"
    facilitator, admin     STAFF_IDLE_MINUTES (30 min)          STAFF_SESSION_HOURS (12 h)

"Keep me signed in" is for learners on a personal device: the remember cookie lasts the absolute
limit and brings the session back after the browser closes. Without it the cookie ends with the
browser; staff never get a remember cookie.

Ending sessions: bumping the epoch (log out everywhere, a password or role change) ends every
session of the account; "Log out" ends this one only, by putting its id in revoked_session, so
a copy of its cookie stops working too. Session protection is "basic": a phone that moves from
Wi-Fi to mobile data keeps its session.
"""
import secrets
from datetime import datetime, timedelta
from functools import cache
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import (
    current_user,
    login_user,
    logout_user,
    user_loaded_from_cookie,
    user_logged_in,
)
from sqlalchemy import bindparam, select

from lms.auth.models import User
from lms.core.db import utcnow
from lms.core.security import is_public_endpoint
from lms.extensions import db

STAFF = ("facilitator", "admin")
_KEYS = ("auth", "seen", "kmsi")  # ours, next to Flask-Login's
# The last activity is written to the cookie at most once a minute: idle limits are counted in
# minutes, and a session cookie signed afresh on every page costs every page.
SEEN_STEP = 60


def limits(role: str, *, remembered: bool) -> tuple[timedelta | None, timedelta]:
    """(idle limit or None, absolute limit) for a session of this role."""
    config = current_app.config
    if role in STAFF:
        return (timedelta(minutes=config["STAFF_IDLE_MINUTES"]),
                timedelta(hours=config["STAFF_SESSION_HOURS"]))
    idle = None if remembered else timedelta(minutes=config["LEARNER_IDLE_MINUTES"])
    return idle, timedelta(days=config["LEARNER_SESSION_DAYS"])


def start(user: User, *, remember: bool = False) -> None:
    """Log `user` in on this browser after they gave their password: a new session, with a new
    login time. "Keep me signed in" is honoured for learners only."""
    for key in _KEYS:
        session.pop(key, None)
    remember = remember and user.role not in STAFF
    _idle, absolute = limits(user.role, remembered=remember)
    login_user(user, remember=remember, duration=absolute if remember else None)
    session["kmsi"] = remember


@user_logged_in.connect
def _stamp(app, user, **_extra):
    """Every login_user() call, here or in another feature, gets a login time and a session id.
    Logging the same user in again on this browser (after a password change bumped the epoch)
    keeps both, and keeps "Keep me signed in" with its original end."""
    now = _seconds(utcnow())
    previous = session.get("auth") or {}
    if previous.get("uid") == user.id:
        at, sid = previous["at"], previous["sid"]
    else:
        at, sid = now, secrets.token_hex(16)
        session.pop("kmsi", None)
    session["auth"] = {"uid": user.id, "at": at, "sid": sid}
    session["_user_id"] = f"{user.get_id()}:{at}:{sid}"
    session["seen"] = now
    g.login_identity = (at, sid)
    if session.get("kmsi") and session.get("_remember") != "set":
        _idle, absolute = limits(user.role, remembered=True)
        session["_remember"] = "set"  # the remember cookie must carry the new epoch
        session["_remember_seconds"] = max(at + absolute.total_seconds() - now, 1)


@user_loaded_from_cookie.connect
def _restored(app, user, **_extra):
    """The browser was closed and the remember cookie brought the session back."""
    at, sid = g.login_identity
    session["auth"] = {"uid": user.id, "at": at, "sid": sid}
    session["kmsi"] = True
    session["seen"] = _seconds(utcnow())


@cache
def _user_query():
    """Built once: every request of a logged-in person runs it."""
    from lms.auth.models import RevokedSession

    revoked = select(RevokedSession.sid).where(RevokedSession.sid == bindparam("sid")).exists()
    return select(User, revoked).where(User.id == bindparam("ident"))


def load_user(identity: str) -> User | None:
    """Flask-Login's user loader: the user of a session that no one has ended, in one query."""
    parts = identity.split(":")
    if len(parts) != 4 or not all(p.isdigit() for p in parts[:3]) or len(parts[3]) != 32:
        return None  # includes sessions from before login times were recorded: log in again
    ident, epoch, at, sid = int(parts[0]), int(parts[1]), int(parts[2]), parts[3]
    if ident > 2**31 - 1:
        return None
    row = db.session.execute(_user_query(), {"ident": ident, "sid": sid}).first()
    if row is None or row[1] or row[0].session_epoch != epoch or not row[0].active:
        return None
    g.login_identity = (at, sid)
    return row[0]


def enforce_limits():
    """before_request hook: end a session past its idle or absolute limit, and send the person to
    the login page with the reason; otherwise note this request as activity."""
    if request.endpoint == "static":
        return None
    if not current_user.is_authenticated:
        if "auth" in session:  # a session ended elsewhere: forget its login time and id
            for key in _KEYS:
                session.pop(key, None)
        return None
    now = _seconds(utcnow())
    at, _sid = g.login_identity
    idle, absolute = limits(current_user.role, remembered=bool(session.get("kmsi")))
    if now - at > absolute.total_seconds():
        message = _("You were logged out %(duration)s after logging in. Log in again to continue.",
                    duration=_duration(absolute))
    elif idle is not None and now - session.get("seen", at) > idle.total_seconds():
        message = _("You were logged out after %(duration)s without activity. Log in again to "
                    "continue.", duration=_duration(idle))
    else:
        if now - session.get("seen", 0) >= SEEN_STEP:
            session["seen"] = now
        return None
    end()
    flash(message, "info")
    if is_public_endpoint(current_app, request.endpoint):
        return None  # the login page itself, a confirmation link: it works without a session
    return _to_login()


def expires_at(user: User) -> datetime:
    """When this browser's session ends at the latest (a revoked id may be forgotten then)."""
    at, _sid = g.login_identity
    _idle, absolute = limits(user.role, remembered=True)
    return datetime.fromtimestamp(at, utcnow().tzinfo) + absolute


def current_sid() -> str:
    return g.login_identity[1]


def end() -> None:
    """Log this browser out (its cookies are cleared in the response)."""
    for key in _KEYS:
        session.pop(key, None)
    logout_user()


def _to_login():
    target = request.full_path.rstrip("?") if request.method == "GET" else _referrer_path()
    url = url_for("auth.login", next=target) if target else url_for("auth.login")
    response = redirect(url)
    if request.headers.get("HX-Request") == "true":
        response.headers["HX-Redirect"] = url  # the whole page goes to the login form
    return response


def _referrer_path() -> str | None:
    """After a form post, come back to the page the form was on (a post cannot be replayed)."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        return ngettext("%(num)d day", "%(num)d days", minutes // (24 * 60))
    if minutes % 60 == 0:
        return ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)
