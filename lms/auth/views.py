from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth import services, sessions, throttle
from lms.auth.forms import ForgotForm, LoginForm, RegisterForm, ResetForm
from lms.auth.passwords import hash_password
from lms.core import security_log
from lms.core.db import reads_first, release_connection, utcnow, write_transaction
from lms.core.mail import queue_mail
from lms.core.security import public, safe_next
from lms.extensions import db

bp = Blueprint("auth", __name__)


def _home():
    return url_for("core.home")


@bp.route("/register", methods=["GET", "POST"])
@public
@reads_first
def register():
    if current_user.is_authenticated:
        # One person, one account: a second account would split their progress and badges.
        return render_template("auth/already_registered.html"), 409
    form = RegisterForm()
    if form.validate_on_submit():
        release_connection()
        hashed = hash_password(form.password.data)  # slow: before the write lock
        try:
            with write_transaction():
                user = services.create_user(
                    email=form.email.data, name=form.name.data, password=None, password_hash=hashed,
                    locale=form.locale.data, organisation_text=form.organisation_text.data)
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            sessions.start(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
            return redirect(safe_next(request.args.get("next"), _home()))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@public
@reads_first
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.errors else 200
    result = _attempt_login(form.email.data, form.password.data)
    if result.refused:
        return _refused(form, result)
    if result.user is None:
        form.password.errors.append(_("Wrong e-mail address or password."))
        return render_template("auth/login.html", form=form), 400
    sessions.start(result.user, remember=form.remember.data)
    session.pop("first_visit", None)
    return redirect(safe_next(request.args.get("next"), _home()))


def _attempt_login(email: str, password: str) -> services.LoginResult:
    """Two short write transactions around the slow password check, which holds no lock and
    no database connection: the attempt is counted first (so parallel guesses cannot all get
    through), then its outcome."""
    client, now = request.remote_addr or "unknown", utcnow()
    with write_transaction():
        gate = throttle.reserve(email, client, now=now)
        found = services.login_account(email)
    if gate.refused:
        security_log.record("login.throttled", "refused", account_id=found.user_id, reason=gate.refused)
        return services.LoginResult(None, refused=gate.refused, retry_after=gate.retry_after)
    check = services.check_password(found, password)
    with write_transaction():
        result = services.finish_login(check, email, client, now=now)
    if result.user is not None:
        security_log.record("login.succeeded", "success", user=result.user)
    else:  # the typed address is not logged: people type their password there by mistake
        security_log.record("login.failed", "refused" if result.refused else "failure",
                            account_id=found.user_id, reason=result.refused)
    return result


def _refused(form, result: services.LoginResult):
    minutes = max(current_app.config["LOGIN_FAILURE_WINDOW"] // 60, 1)
    messages = {
        "account_client": _("Too many failed attempts for this account from this device. Wait "
                            "%(minutes)d minutes or reset your password.", minutes=minutes),
        "account": _("Too many failed attempts for this account. Wait %(minutes)d minutes or reset "
                     "your password.", minutes=minutes),
        "client": _("Too many failed logins from your network. Wait %(minutes)d minutes and try "
                    "again.", minutes=minutes),
        "deactivated": _("This account has been deactivated. If you think this is a mistake, ask "
                         "your facilitator or the platform's administrators."),
    }
    form.email.errors.append(messages[result.refused])
    if result.refused == "deactivated":
        return render_template("auth/login.html", form=form), 403
    page = render_template("auth/login.html", form=form)
    return page, 429, {"Retry-After": str(result.retry_after)}


@bp.post("/logout")
def logout():
    """This device only: "Log out everywhere" is on the account page."""
    user = current_user._get_current_object()
    services.revoke_session(sessions.current_sid(), expires_at=sessions.expires_at(user), now=utcnow())
    db.session.commit()
    sessions.end()
    flash(_("You are logged out."), "info")
    return redirect(_home())


@bp.route("/forgot", methods=["GET", "POST"])
@public
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        user = services.find_user(form.email.data)
        if user is not None and user.active:
            link = current_app.config["BASE_URL"] + url_for("auth.reset", token=services.make_reset_token(user))
            with force_locale(user.locale or "en"):  # the account's language, not the page's
                subject, body = _("Reset your UPR Academy password"), render_template(
                    "auth/reset_mail.txt", user=user, link=link)
            queue_mail(user.email, subject, body, kind="reset", language=user.locale or "en")
            db.session.commit()
        # The same answer whether or not the address has an account.
        flash(_("If an account uses that address, we have sent it a link to reset the password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@reads_first
def reset(token):
    if services.is_invitation_token(token) and "cohorts.welcome" in current_app.view_functions:
        return redirect(url_for("cohorts.welcome", token=token), 301)  # links mailed before /welcome
    try:
        user = services.user_from_reset_token(token)
        form = ResetForm(account=user)
        if form.validate_on_submit():
            release_connection()
            hashed = hash_password(form.password.data)  # slow: before the write lock
            with write_transaction():
                user = services.user_from_reset_token(token)  # again, under the lock: it works once
                services.set_password_hash(user, hashed)
                throttle.clear_failures(user.email)
            flash(_("Your password has been changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    except services.AccountError as error:
        return render_template("auth/reset_invalid.html", message=str(error)), 400
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200


from lms.auth import account_views  # noqa: E402,F401  (the account page's routes, on bp)
