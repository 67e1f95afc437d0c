"""Changing the e-mail address: the new address must prove it can receive mail first.

The link mailed to the new address carries the user id, the new address and the session epoch,
signed and valid for a day. Logging out everywhere or changing the password bumps the epoch,
so a link asked for before that stops working; applying the change bumps it too, so each link
works once.
"""
import logging

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from lms.auth import services
from lms.auth.models import User
from lms.core import audit
from lms.core.mail import queue_mail
from lms.extensions import db

log = logging.getLogger(__name__)

SALT = "email-change"
MAX_AGE = 24 * 60 * 60


class EmailChangeError(services.AccountError):
    """A link that cannot be applied; `status` is the page's HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _max_age() -> int:
    return current_app.config.get("EMAIL_CHANGE_MAX_AGE", MAX_AGE)


def address_problem(user: User, new_email: str) -> str | None:
    """Why `new_email` cannot become the user's address (a form error), or None."""
    new_email = services.normalise_email(new_email)
    if new_email == user.email:
        return _("This is already your e-mail address.")
    if services.find_user(new_email) is not None:
        return _("An account with this e-mail address already exists.")
    return None


def make_token(user: User, new_email: str) -> str:
    return _serializer().dumps({"id": user.id, "email": services.normalise_email(new_email),
                                "epoch": user.session_epoch})


def send_change_mails(user: User, new_email: str) -> bool:
    """The confirmation link to the new address, a notice to the old one, in the user's language,
    both in the outbox (the caller commits). True: kept for callers that once had to check."""
    new_email = services.normalise_email(new_email)
    link = current_app.config["BASE_URL"] + url_for("auth.confirm_email", token=make_token(user, new_email))
    hours = _max_age() // 3600
    with force_locale(user.locale or "en"):
        confirm = (_("Confirm your new UPR Academy e-mail address"),
                   render_template("auth/email_confirm_mail.txt", user=user, link=link, hours=hours))
        notice = (_("Your UPR Academy e-mail address is being changed"),
                  render_template("auth/email_notice_mail.txt", user=user, new_email=new_email,
                                  forgot=current_app.config["BASE_URL"] + url_for("auth.forgot")))
    queue_mail(new_email, *confirm, kind="email_change", language=user.locale or "en")
    queue_mail(user.email, *notice, kind="email_change_notice", language=user.locale or "en")
    return True


def apply_token(token: str) -> tuple[User, bool]:
    """(user, changed): the address in the link becomes the user's address. `changed` is
    False when it already is (the link was opened twice). EmailChangeError otherwise."""
    try:
        data = _serializer().loads(token, max_age=_max_age())
    except SignatureExpired as exc:
        raise EmailChangeError(_("This confirmation link has expired. Ask for a new one on your "
                                 "account page.")) from exc
    except BadSignature as exc:
        raise EmailChangeError(_("This confirmation link is not valid. Check that the whole link "
                                 "was copied.")) from exc
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or not user.active or not data.get("email"):
        raise EmailChangeError(_("This confirmation link is not valid. Check that the whole link "
                                 "was copied."))
    if user.email == data["email"]:
        return user, False
    if data.get("epoch") != user.session_epoch:
        raise EmailChangeError(_("This confirmation link no longer works: you have logged out or "
                                 "changed your password since asking for it. Ask for a new one on "
                                 "your account page."))
    if services.find_user(data["email"]) is not None:
        raise EmailChangeError(_("Another account has started using this e-mail address since you "
                                 "asked. Choose another address on your account page."), 409)
    try:
        with db.session.begin_nested():
            user.email = data["email"]
            db.session.flush()
    except IntegrityError as exc:  # taken by a concurrent change or registration
        raise EmailChangeError(_("Another account has started using this e-mail address since you "
                                 "asked. Choose another address on your account page."), 409) from exc
    services.end_sessions(user)
    audit.record(user, "user.email_changed", user)
    return user, True
