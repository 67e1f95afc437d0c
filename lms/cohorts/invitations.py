"""Invitation mails for accounts created by CSV upload, and the cohort's join link."""
import logging
import smtplib

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import inspect, select

from lms.auth.models import User
from lms.auth.services import make_invite_token
from lms.core.mail import send_mail
from lms.extensions import db

log = logging.getLogger(__name__)


def join_link(cohort) -> str:
    return current_app.config["BASE_URL"] + url_for("cohorts.join", code=cohort.join_code)


def set_password_link(user, cohort=None) -> str:
    token = make_invite_token(user, cohort.id if cohort is not None else None)
    return current_app.config["BASE_URL"] + url_for("cohorts.welcome", token=token)


def _reloaded(users) -> list:
    """The same accounts read again in one query (after a commit, each would load itself)."""
    ids = [inspect(user).identity[0] for user in users]
    if not ids:
        return []
    by_id = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def send_invitations(users, cohort) -> list:
    """Mail each user a link to choose a password, in their language. Returns those that
    could not be sent (the accounts exist; the facilitator can send again)."""
    days = max(current_app.config["INVITATION_MAX_AGE"] // 86400, 1)
    users = _reloaded(users)
    failed = []
    for user in users:
        with force_locale(user.locale):
            subject = _("You are invited to %(cohort)s on UPR Academy", cohort=" ".join(cohort.name.split()))
            body = render_template("cohorts/invite_mail.txt", user=user, cohort=cohort, days=days,
                                   link=set_password_link(user, cohort),
                                   forgot=current_app.config["BASE_URL"] + url_for("auth.forgot"))
        try:
            send_mail(user.email, subject, body)
        except (smtplib.SMTPException, OSError):
            log.exception("invitation to user %s not sent", user.id)
            failed.append(user)
    return failed
