"""The first visit: an invited learner chooses a password, is logged in and lands on the course."""
from flask import g, redirect, render_template, session
from flask_login import login_user

from lms.auth import services as accounts
from lms.auth.forms import ResetForm
from lms.cohorts.landing import greet_newcomer, landing_url
from lms.cohorts.models import Cohort
from lms.cohorts.views import bp
from lms.core.db import utcnow
from lms.core.security import public
from lms.extensions import db


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@public
def welcome(token):
    try:
        user, cohort_id = accounts.invitation_from_token(token)
    except accounts.AccountError as error:
        return render_template("cohorts/welcome_invalid.html", message=str(error),
                               used=error.field == "used"), 400
    g.locale = session.get("locale") or user.locale  # the learner's language, unless they chose
    cohort = db.session.get(Cohort, cohort_id) if cohort_id else None
    form = ResetForm(account=user)
    if form.validate_on_submit():
        accounts.set_password(user, form.password.data)
        user.last_login_at = utcnow()
        db.session.commit()
        login_user(user)
        greet_newcomer(user)
        return redirect(landing_url(cohort), 303)
    return render_template("cohorts/welcome.html", form=form, user=user, cohort=cohort), \
        400 if form.errors else 200
