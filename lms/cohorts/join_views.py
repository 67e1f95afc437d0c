"""Joining a cohort by its link (/join/<code>) or by typing its code (/join).

Both are public: someone without an account opens the invite link, creates an account on
the same page and is in the cohort in one step (or logs in and comes back here).
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import select

from lms.auth import services as accounts
from lms.auth.forms import RegisterForm
from lms.auth.passwords import hash_password
from lms.cohorts import queries, services
from lms.cohorts.forms import ActionForm, CodeForm
from lms.cohorts.landing import greet_newcomer, landing_url
from lms.cohorts.models import Cohort, Organisation
from lms.cohorts.views import bp
from lms.core.db import reads_first, release_connection, utcnow, write_transaction
from lms.core.errors import abort_with
from lms.core.security import public
from lms.extensions import db


def cohort_by_code(code: str) -> Cohort:
    normalised = services.normalise_code(code)
    cohort = db.session.scalar(select(Cohort).where(Cohort.join_code == normalised)) if normalised else None
    if cohort is None:
        abort_with(404, _("No cohort uses this code. Check the link or the code with your facilitator."))
    return cohort


def _membership_state(cohort: Cohort) -> str | None:
    if not current_user.is_authenticated:
        return None
    member = services.membership(cohort, current_user.id)
    if member is None or member.removed_at is not None:
        return None
    return member.role


def render_join(cohort: Cohort, *, form=None, status: int = 200):
    reason = services.closed_reason(cohort)
    if reason is None and services.room_left(cohort) == 0:
        reason = _("This cohort is full. Ask your facilitator about a place.")
    membership = _membership_state(cohort)
    organisation = db.session.get(Organisation, cohort.organisation_id) if cohort.organisation_id else None
    if form is None and not current_user.is_authenticated:
        form = RegisterForm()
    return render_template("cohorts/join.html", cohort=cohort, organisation=organisation,
                           courses=queries.assigned_courses(cohort), reason=reason,
                           membership=membership, form=form or ActionForm()), \
        (409 if reason and not membership and status == 200 else status)


@bp.route("/join/<code>", methods=["GET", "POST"])
@public
@reads_first
def join(code):
    cohort = cohort_by_code(code)
    if request.method == "POST":
        return join_post(cohort)
    if cohort.join_code != code:
        return redirect(url_for("cohorts.join", code=cohort.join_code))
    return render_join(cohort)


def join_post(cohort: Cohort):
    """Join as the logged-in user, or create the account from the form and join with it."""
    form = hashed = None
    if current_user.is_authenticated:
        if not ActionForm().validate_on_submit():
            abort(400)
    else:
        form = RegisterForm()
        if not form.validate_on_submit():
            return render_join(cohort, form=form, status=400)
        release_connection()
        hashed = hash_password(form.password.data)  # slow: before the write lock
    try:
        with write_transaction():  # an account made on this page is not kept when joining fails
            learner = current_user._get_current_object() if form is None else accounts.create_user(
                email=form.email.data, name=form.name.data, password=None, password_hash=hashed,
                locale=form.locale.data, organisation_text=form.organisation_text.data)
            _member, joined = services.join_cohort(learner, cohort, now=utcnow())
    except accounts.AccountError as error:
        getattr(form, error.field or "email").errors.append(str(error))
        return render_join(cohort, form=form, status=400)
    except services.CohortError as error:
        abort_with(error.status, str(error))
    if form is not None:
        login_user(learner)
        greet_newcomer(learner)
    flash(_("You have joined %(name)s.", name=cohort.name) if joined
          else _("You are already in %(name)s.", name=cohort.name), "success")
    return redirect(landing_url(cohort), 303)


@bp.route("/join", methods=["GET", "POST"])
@public
def join_by_code():
    form = CodeForm()
    if form.validate_on_submit():
        code = services.normalise_code(form.code.data)
        if code and db.session.scalar(select(Cohort.id).where(Cohort.join_code == code)):
            return redirect(url_for("cohorts.join", code=code))
        form.code.errors.append(_("No cohort uses this code. Check it with your facilitator."))
    return render_template("cohorts/join_code.html", form=form), 400 if form.errors else 200
