"""Invitation mails (a person listed in a CSV: a new account chooses its password, an existing
one accepts or declines), and the cohort's join link."""
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import inspect, select

from lms.auth.models import User
from lms.auth.services import make_invite_token
from lms.cohorts.models import CohortInvitation
from lms.core.mail import queue_mails
from lms.extensions import db


def join_link(cohort) -> str:
    return current_app.config["BASE_URL"] + url_for("cohorts.join", code=cohort.join_code)


def set_password_link(user, cohort=None) -> str:
    token = make_invite_token(user, cohort.id if cohort is not None else None)
    return current_app.config["BASE_URL"] + url_for("cohorts.welcome", token=token)


def _reloaded(users) -> list:
    """The same accounts read again in one query (an import leaves them expired: each would
    load itself)."""
    ids = [inspect(user).identity[0] for user in users]
    if not ids:
        return []
    by_id = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_(ids)).execution_options(populate_existing=True))}
    return [by_id[i] for i in ids if i in by_id]


def queue_invitations(users, cohort) -> None:
    """Put in the outbox, with the accounts, a link for each user to choose a password, in
    their language (the caller commits; the mail worker delivers)."""
    days = max(current_app.config["INVITATION_MAX_AGE"] // 86400, 1)
    messages = []
    for user in _reloaded(users):
        with force_locale(user.locale):
            messages.append((user.email, _subject(cohort), _welcome_body(user, cohort, days), user.locale))
    queue_mails(messages, kind="invitation")


def _subject(cohort) -> str:
    return _("You are invited to %(cohort)s on UPR Academy", cohort=" ".join(cohort.name.split()))


def _welcome_body(user, cohort, days: int) -> str:
    """The mail for an account with no password yet: choosing one accepts the invitation."""
    return render_template("cohorts/invite_mail.txt", user=user, cohort=cohort, days=days,
                           link=set_password_link(user, cohort),
                           forgot=current_app.config["BASE_URL"] + url_for("auth.forgot"))


def invitation_link(invitation: CohortInvitation) -> str:
    from lms.cohorts.consent import make_token

    return current_app.config["BASE_URL"] + url_for("cohorts.invitation", token=make_token(invitation))


def queue_invitation_mails(chosen: list[CohortInvitation], cohort, *, now) -> int:
    """Put in the outbox a fresh link for each invitation: to choose a password for an account
    that has none yet, else to accept or decline. Returns how many invitations were sent
    (a deactivated account is counted but gets no mail: the facilitator is not told which)."""
    if not chosen:
        return 0
    people = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_([i.user_id for i in chosen])))}
    days = max(current_app.config["INVITATION_MAX_AGE"] // 86400, 1)
    inviter = {u.id: u.name for u in db.session.scalars(
        select(User).where(User.id.in_({i.invited_by_id for i in chosen if i.invited_by_id})))}
    messages = []
    for invitation in chosen:
        invitation.sent_at = now
        user = people.get(invitation.user_id)
        if user is None or not user.active:
            continue
        with force_locale(user.locale):
            subject = _subject(cohort)
            if user.password_hash is None:
                body = _welcome_body(user, cohort, days)
            else:
                body = render_template("cohorts/consent_mail.txt", user=user, cohort=cohort, days=days,
                                       link=invitation_link(invitation), inviter=inviter.get(invitation.invited_by_id))
        messages.append((user.email, subject, body, user.locale))
    queue_mails(messages, kind="invitation")
    db.session.flush()
    return len(chosen)
