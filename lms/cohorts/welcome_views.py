"""The first visit: an invited learner chooses a password, is logged in and lands on the course."""
from flask import g, redirect, render_template, session
from flask_login import login_user

from lms.auth import services as accounts
from lms.auth.forms import ResetForm
from lms.auth.passwords import hash_password
from lms.cohorts import consent
from lms.cohorts.landing import greet_newcomer, landing_url
from lms.cohorts.models import Cohort
from lms.cohorts.views import bp
from lms.core.db import reads_first, release_connection, utcnow, write_transaction
from lms.core.security import public
from lms.extensions import db


def _invalid(error: accounts.AccountError):
    return render_template("cohorts/welcome_invalid.html", message=str(error),
                           used=error.field == "used"), 400


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@public
@reads_first
def welcome(token):
    try:
        user, cohort_id = accounts.invitation_from_token(token)
    except accounts.AccountError as error:
        return _invalid(error)
    g.locale = session.get("locale") or user.locale  # the learner's language, unless they chose
    cohort = db.session.get(Cohort, cohort_id) if cohort_id else None
    form = ResetForm(account=user)
    if form.validate_on_submit():
        release_connection()
        hashed = hash_password(form.password.data)  # slow: before the write lock
        try:
            with write_transaction():
                user, _cohort_id = accounts.invitation_from_token(token)  # again, under the lock: once only
                accounts.set_password_hash(user, hashed)
                user.last_login_at = utcnow()
                if cohort is not None:  # choosing the password accepts the cohort's invitation
                    consent.accept_pending(user, cohort.id, now=user.last_login_at)
        except accounts.AccountError as error:
            return _invalid(error)
        login_user(user)
        greet_newcomer(user)
        return redirect(landing_url(cohort), 303)
    return _page(form, user, cohort)


def _page(form, user, cohort):
    """The password form, and a way to decline the cohort's invitation instead."""
    invitation = consent.pending_invitation(cohort.id, user.id) if cohort is not None else None
    return render_template("cohorts/welcome.html", form=form, user=user, cohort=cohort, invitation=invitation,
                           decline_token=consent.make_token(invitation) if invitation else None), \
        400 if form.errors else 200
