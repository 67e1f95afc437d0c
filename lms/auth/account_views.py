"""The account page: details, e-mail address, password, "download my data", deleting the account.
Routes on the auth blueprint; everything here is about the logged-in person only."""
from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from lms.auth import account_data, email_change, erasure, services, sessions
from lms.auth.forms import ChangePasswordForm, DeleteAccountForm, EmailChangeForm, ProfileForm
from lms.auth.passwords import hash_password, verify_password
from lms.auth.views import bp
from lms.core.db import reads_first, release_connection, utcnow, write_transaction, writes
from lms.core.security import public
from lms.extensions import db


def _me():
    return current_user._get_current_object()


def _page(status=200, **forms):
    user = _me()
    forms.setdefault("form", ProfileForm(obj=user, prefix="profile", formdata=None))
    forms.setdefault("password_form", ChangePasswordForm(prefix="pw", formdata=None))
    forms.setdefault("email_form", EmailChangeForm(prefix="email", formdata=None))
    return render_template("auth/account.html", **forms), status


@bp.route("/account", methods=["GET", "POST"])
def account():
    user = _me()
    form = ProfileForm(obj=user, prefix="profile")
    if form.validate_on_submit():
        services.update_profile(user, name=form.name.data, locale=form.locale.data,
                                timezone=form.timezone.data or None,
                                organisation_text=form.organisation_text.data or "")
        db.session.commit()
        flash(_("Your details are saved."), "success")
        return redirect(url_for("auth.account"))
    return _page(400 if form.errors else 200, form=form)


@bp.post("/account/password")
@reads_first
def change_password():
    user = _me()
    form = ChangePasswordForm(prefix="pw", account=user)
    if form.validate_on_submit():
        # Checking the old password and hashing the new one are slow: both before the write lock.
        release_connection()
        if verify_password(user.password_hash, form.current.data):
            hashed = hash_password(form.password.data)
            with write_transaction():
                services.set_password_hash(user, hashed)
            login_user(user)  # this browser stays logged in, in the same session; every other ends
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for("auth.account"))
        form.current.errors.append(_("Your current password is not right."))
    return _page(400, password_form=form)


@bp.post("/account/email")
@reads_first
def change_email():
    user = _me()
    form = EmailChangeForm(prefix="email")
    if form.validate_on_submit():
        release_connection()
        if not verify_password(user.password_hash, form.current.data):  # slow: before the write lock
            form.current.errors.append(_("Your current password is not right."))
            return _page(400, email_form=form)
        with write_transaction():
            problem = email_change.address_problem(user, form.email.data)
            if not problem:
                email_change.send_change_mails(user, form.email.data)
        if not problem:
            flash(_("We have sent a link to %(address)s. Your address changes when you open it "
                    "(within 24 hours).", address=services.normalise_email(form.email.data)), "info")
            return redirect(url_for("auth.account"))
        form.email.errors.append(problem)
    return _page(400, email_form=form)


@bp.post("/account/logout-everywhere")
def logout_everywhere():
    """Every session of the account ends, this browser's too (after a lost phone, say)."""
    services.end_sessions(_me())
    db.session.commit()
    sessions.end()
    flash(_("You are logged out on every device, this one included."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/account/email/<token>")
@public  # the link may be opened on another device; the signed token is the proof
@writes
def confirm_email(token):
    # Who this browser is logged in as, read before the change ends that session.
    me = current_user.id if current_user.is_authenticated else None
    try:
        user, changed = email_change.apply_token(token)
    except email_change.EmailChangeError as error:
        return render_template("auth/email_invalid.html", message=str(error)), error.status
    db.session.commit()
    if changed:
        flash(_("Your e-mail address is now %(address)s. Use it to log in.", address=user.email), "success")
    else:
        flash(_("Your e-mail address is already %(address)s.", address=user.email), "info")
    if me == user.id:
        login_user(user)  # this browser stays logged in; every other session ends
        return redirect(url_for("auth.account"))
    return redirect(url_for("auth.login"))


@bp.get("/account/data.json", defaults={"fmt": "json"})
@bp.get("/account/data.zip", defaults={"fmt": "zip"})
def download_data(fmt):
    user, now = _me(), utcnow()
    data = account_data.collect(user)
    name = f"upr-academy-my-data-{now:%Y-%m-%d}.{fmt}"
    if fmt == "json":
        body, mimetype = account_data.as_json(data, now=now), "application/json"
    else:
        body, mimetype = account_data.as_zip(data), "application/zip"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.route("/account/delete", methods=["GET", "POST"])
@reads_first
def delete_account():
    user = _me()
    form = DeleteAccountForm()
    if erasure.is_last_admin(user):
        return render_template("auth/delete.html", form=form, last_admin=True), 409
    if form.validate_on_submit():
        release_connection()
        if erasure.confirms(user, form.confirm.data):  # may check the password: before the write lock
            try:
                with write_transaction():
                    erasure.delete_account(user, now=utcnow())
            except services.AccountError:  # another admin deleted theirs meanwhile
                return render_template("auth/delete.html", form=form, last_admin=True), 409
            sessions.end()
            flash(_("Your account has been deleted and you are logged out. Your name and e-mail "
                    "address are no longer stored; your badges have been revoked."), "success")
            return redirect(url_for("core.home"))
        form.confirm.errors.append(_("This is neither your e-mail address nor your password."))
    return render_template("auth/delete.html", form=form, last_admin=False), 400 if form.errors else 200
