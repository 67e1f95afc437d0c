"""Admin writes on accounts: role, deactivation, name and e-mail, reset and invitation mails,
anonymisation. Each change is audited with the person as its subject."""
from datetime import datetime

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from lms.auth import erasure
from lms.auth import services as accounts
from lms.auth.models import ROLES, User
from lms.cohorts.invitations import set_password_link
from lms.cohorts.services import CohortError
from lms.core import audit, security_log
from lms.core.mail import queue_mail
from lms.extensions import db


def _changeable(target: User, user: User, refusal: str) -> None:
    if target.deleted_at is not None:
        raise CohortError(_("This account has been anonymised: it can no longer be changed."))
    if target.id == user.id:
        raise CohortError(refusal)


def check_role_change(target: User, role: str, *, user) -> None:
    """CohortError when the change is refused; called before the confirmation is shown too."""
    if role not in ROLES:
        raise CohortError(_("Unknown role."), 400)
    _changeable(target, user, _("You cannot change your own role. Ask another administrator."))
    if target.is_admin and role != "admin" and target.active and erasure.is_last_admin(target):
        raise CohortError(_("This is the only active administrator. Make another account an "
                            "administrator first."))


def change_role(target: User, role: str, *, user) -> None:
    check_role_change(target, role, user=user)
    if target.role == role:
        return
    audit.record(user, "user.role_changed", target, subject=target, old=target.role, new=role)
    security_log.after_commit(db.session, "user.role_changed", "success", user=user, target_user_id=target.id,
                              role_from=target.role, role_to=role)
    target.role = role
    accounts.end_sessions(target)  # the next page they open asks them to log in with the new rights
    db.session.flush()


def check_set_active(target: User, active: bool, *, user) -> None:
    _changeable(target, user, _("You cannot deactivate your own account."))


def set_active(target: User, active: bool, *, user) -> None:
    check_set_active(target, active, user=user)
    if target.active == active:
        return
    target.active = active
    if not active:
        accounts.end_sessions(target)
    audit.record(user, "user.reactivated" if active else "user.deactivated", target, subject=target)
    security_log.after_commit(db.session, "user.reactivated" if active else "user.deactivated", "success",
                              user=user, target_user_id=target.id)
    db.session.flush()


def update_user(target: User, *, user, name: str, email: str) -> list[str]:
    """Edit the name and e-mail address. A new address must be free; it ends every session of
    the account (as the account page's change does) and the old address is told. Returns the
    fields changed. The audit event names the fields only: no copy of the old name or address
    outlives an anonymisation."""
    if target.deleted_at is not None:
        raise CohortError(_("This account has been anonymised: it can no longer be changed."))
    name, email = name.strip(), accounts.normalise_email(email)
    changed = [field for field, old, new in (("name", target.name, name), ("email", target.email, email))
               if old != new]
    if not changed:
        return []
    old_email = target.email
    if "email" in changed:
        if accounts.find_user(email) is not None:
            raise CohortError(_("An account with this e-mail address already exists."), 400)
        try:
            with db.session.begin_nested():
                target.email = email
                db.session.flush()
        except IntegrityError as exc:  # taken meanwhile
            raise CohortError(_("An account with this e-mail address already exists."), 400) from exc
        accounts.end_sessions(target)
        _tell_old_address(target, old_email)
        audit.record(user, "user.email_changed", target, subject=target)
        security_log.after_commit(db.session, "user.email_changed", "success", user=user,
                                  target_user_id=target.id)
    target.name = name
    if "name" in changed:
        audit.record(user, "user.renamed", target, subject=target)
    db.session.flush()
    return changed


def _tell_old_address(target: User, old_email: str) -> None:
    with force_locale(target.locale or "en"):
        subject = _("Your UPR Academy e-mail address has been changed")
        body = render_template("admin/email_changed_mail.txt", user=target, new_email=target.email,
                               forgot=current_app.config["BASE_URL"] + url_for("auth.forgot"))
    queue_mail(old_email, subject, body, kind="email_change_notice", language=target.locale or "en")


def _mailable(target: User) -> None:
    if target.deleted_at is not None:
        raise CohortError(_("This account has been anonymised: it has no e-mail address."))
    if not target.active:
        raise CohortError(_("This account is deactivated: reactivate it first, or its link will not work."))


def send_password_reset(target: User, *, user) -> None:
    """The mail "Forgot your password?" sends, in the person's language."""
    _mailable(target)
    link = current_app.config["BASE_URL"] + url_for("auth.reset", token=accounts.make_reset_token(target))
    with force_locale(target.locale or "en"):
        subject = _("Reset your UPR Academy password")
        body = render_template("auth/reset_mail.txt", user=target, link=link)
    queue_mail(target.email, subject, body, kind="reset", language=target.locale or "en")
    audit.record(user, "user.password_reset_sent", target, subject=target)
    db.session.flush()


def send_invitation(target: User, *, user) -> None:
    """A link to choose a first password, for an account that has none yet."""
    _mailable(target)
    if target.password_hash:
        raise CohortError(_("This account already has a password: send a password reset instead."))
    days = max(current_app.config["INVITATION_MAX_AGE"] // 86400, 1)
    with force_locale(target.locale or "en"):
        subject = _("Your UPR Academy account is waiting for you")
        body = render_template("admin/invite_mail.txt", user=target, days=days,
                               link=set_password_link(target),
                               forgot=current_app.config["BASE_URL"] + url_for("auth.forgot"))
    queue_mail(target.email, subject, body, kind="invitation", language=target.locale or "en")
    audit.record(user, "user.invitation_sent", target, subject=target)
    db.session.flush()


def check_anonymise(target: User, *, user) -> None:
    _changeable(target, user, _("You cannot anonymise your own account here: use "
                                "\"Delete my account\" on your account page."))
    if erasure.is_last_admin(target):
        raise CohortError(_("This is the only active administrator. Make another account an "
                            "administrator first."))


def anonymise_user(target: User, *, user, now: datetime) -> None:
    """What the person's own "Delete my account" does (lms/auth/erasure.py), by an admin."""
    check_anonymise(target, user=user)
    try:
        erasure.delete_account(target, now=now, actor=user)
    except accounts.AccountError as error:
        raise CohortError(str(error)) from error
    security_log.after_commit(db.session, "user.anonymised", "success", user=user, target_user_id=target.id)
