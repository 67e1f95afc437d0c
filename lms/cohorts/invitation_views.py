"""Answering an invitation: the page a listed person opens from the mail (/invitations/<token>),
and the buttons on My learning. Accepting needs the invited account; declining needs only the
link, so that someone who does not want the account need not log in to say so."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.models import User
from lms.cohorts import consent, queries
from lms.cohorts.forms import ActionForm
from lms.cohorts.landing import landing_url
from lms.cohorts.models import Cohort, CohortInvitation
from lms.cohorts.views import bp
from lms.core.db import utcnow
from lms.core.errors import abort_with
from lms.core.security import public
from lms.extensions import db


def _answer(invitation: CohortInvitation, action: str):
    """Accept or decline, commit, and say so."""
    cohort = db.session.get(Cohort, invitation.cohort_id)
    try:
        if action == "accept":
            consent.accept(invitation, current_user, now=utcnow())
        else:
            consent.decline(invitation, now=utcnow())
    except consent.services.CohortError as error:
        abort_with(error.status, str(error))
    db.session.commit()
    if action == "accept":
        flash(_("You have joined %(name)s.", name=cohort.name), "success")
        return redirect(landing_url(cohort), 303)
    flash(_("You declined the invitation to %(name)s. Its facilitators see only that you declined.",
            name=cohort.name), "info")
    return redirect(url_for("learning.my_learning") if current_user.is_authenticated else url_for("core.home"), 303)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def invitation(token):
    try:
        found = consent.from_token(token)
    except consent.InvitationError as error:
        return render_template("cohorts/welcome_invalid.html", message=str(error), used=False), 400
    if request.method == "POST":
        action = request.form.get("action")
        if not ActionForm().validate_on_submit() or action not in ("accept", "decline"):
            abort(400)
        if action == "accept" and not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path), 303)
        return _answer(found, action)
    cohort = db.session.get(Cohort, found.cohort_id)
    return render_template("cohorts/invitation.html", invitation=found, cohort=cohort, form=ActionForm(),
                           courses=queries.assigned_courses(cohort),
                           inviter=db.session.get(User, found.invited_by_id) if found.invited_by_id else None,
                           other_account=current_user.is_authenticated and current_user.id != found.user_id)


@bp.post("/me/invitations/<int:invitation_id>")
def answer_invitation(invitation_id):
    found = db.session.get(CohortInvitation, invitation_id)
    if found is None or found.user_id != current_user.id:
        abort(404)
    action = request.form.get("action")
    if not ActionForm().validate_on_submit() or action not in ("accept", "decline"):
        abort(400)
    return _answer(found, action)
