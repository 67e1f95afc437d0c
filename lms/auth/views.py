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
from flask_login import current_user, login_user, logout_user

from lms.auth import services
from lms.auth.forms import ForgotForm, LoginForm, RegisterForm, ResetForm
from lms.core.mail import send_mail
from lms.core.security import public, safe_next
from lms.extensions import db

bp = Blueprint("auth", __name__)


def _home():
    return url_for("core.home")


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        # One person, one account: a second account would split their progress and badges.
        return render_template("auth/already_registered.html"), 409
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                email=form.email.data, name=form.name.data, password=form.password.data,
                locale=form.locale.data, organisation_text=form.organisation_text.data)
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
            return redirect(safe_next(request.args.get("next"), _home()))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data)
        db.session.commit()  # keep the failure count even when the login fails
        if result.throttled:
            form.email.errors.append(_("Too many failed attempts for this account. Wait 15 minutes "
                                       "or reset your password."))
            return render_template("auth/login.html", form=form), 429
        if result.user is None:
            form.password.errors.append(_("Wrong e-mail address or password."))
            return render_template("auth/login.html", form=form), 400
        login_user(result.user)
        session.pop("first_visit", None)
        return redirect(safe_next(request.args.get("next"), _home()))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    services.end_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
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
            send_mail(user.email, subject, body)
        # The same answer whether or not the address has an account.
        flash(_("If an account uses that address, we have sent it a link to reset the password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset(token):
    if services.is_invitation_token(token) and "cohorts.welcome" in current_app.view_functions:
        return redirect(url_for("cohorts.welcome", token=token), 301)  # links mailed before /welcome
    try:
        user = services.user_from_reset_token(token)
    except services.AccountError as error:
        return render_template("auth/reset_invalid.html", message=str(error)), 400
    form = ResetForm(account=user)
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        services.throttle.clear_failures(user.email)
        db.session.commit()
        flash(_("Your password has been changed. Log in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200


from lms.auth import account_views  # noqa: E402,F401  (the account page's routes, on bp)
