"""The admin's page about one person: details, edit, role, deactivation, reset or invitation
mail, enrolments and cohorts, anonymisation."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from lms.auth.models import ROLES
from lms.cohorts import admin_services, admin_user_queries
from lms.cohorts.admin_forms import RoleForm, UserForm
from lms.cohorts.admin_views import confirm_page, confirm_then, target_user
from lms.cohorts.forms import ROLE_LABELS, ActionForm
from lms.cohorts.services import CohortError
from lms.cohorts.views import bp, me
from lms.core.db import utcnow
from lms.core.errors import abort_with
from lms.core.security import require_role
from lms.extensions import db


def render_user(user_id: int, form=None, status: int = 200):
    page = admin_user_queries.user_page(user_id) or abort(404)
    form = form or UserForm(obj=page.user, formdata=None)
    return render_template("admin/user.html", page=page, person=page.user, form=form,
                           role_form=RoleForm(role=page.user.role, formdata=None), action_form=ActionForm(),
                           roles=ROLES, role_labels=ROLE_LABELS), status


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@require_role("admin")
def admin_user(user_id):
    target = target_user(user_id)
    form = UserForm()
    if not form.validate_on_submit():
        return render_user(user_id, form, 400) if form.errors else render_user(user_id)
    try:
        changed = admin_services.update_user(target, user=me(), name=form.name.data, email=form.email.data)
    except CohortError as error:
        db.session.rollback()
        if error.status != 400:
            abort_with(error.status, str(error))
        form.email.errors.append(str(error))
        return render_user(user_id, form, 400)
    db.session.commit()
    if "email" in changed:
        flash(_("Saved. %(name)s now logs in with %(email)s and was logged out everywhere; the old "
                "address has been told.", name=target.name, email=target.email), "success")
    else:
        flash(_("Saved.") if changed else _("Nothing has changed."), "success" if changed else "info")
    return redirect(url_for("cohorts.admin_user", user_id=user_id))


def _mail(user_id: int, send, done: str):
    target = target_user(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        send(target, user=me())
    except CohortError as error:
        db.session.rollback()
        abort_with(error.status, str(error))
    db.session.commit()
    flash(done(target.email), "success")
    return redirect(url_for("cohorts.admin_user", user_id=user_id))


@bp.post("/admin/users/<int:user_id>/reset")
@require_role("admin")
def admin_user_reset(user_id):
    return _mail(user_id, admin_services.send_password_reset,
                 lambda email: _("A link to choose a new password is on its way to %(email)s. It works "
                                 "for one hour.", email=email))


@bp.post("/admin/users/<int:user_id>/invite")
@require_role("admin")
def admin_user_invite(user_id):
    return _mail(user_id, admin_services.send_invitation,
                 lambda email: _("An invitation to choose a password is on its way to %(email)s.",
                                 email=email))


def anonymise_consequences(target) -> list[str]:
    return [
        _("The name becomes \"Deleted account\" and the e-mail address deleted-%(id)d@invalid; the "
          "password, the organisation they wrote and their time zone are removed.", id=target.id),
        _("The account is deactivated and logged out everywhere: nobody can log in to it again."),
        _("Their badges are revoked: the badges' public pages say so, without their name."),
        _("Their name and address are replaced wherever else they were written (cohort invitations, "
          "messages, the audit log)."),
        _("Kept, with nobody's name on them: enrolments, lesson progress, quiz attempts and answers, "
          "cohort memberships and the organisation, so that statistics still count them."),
        _("This cannot be undone."),
    ]


@bp.post("/admin/users/<int:user_id>/anonymise")
@require_role("admin")
def admin_user_anonymise(user_id):
    target = target_user(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = target.name
    return confirm_then(
        lambda: admin_services.check_anonymise(target, user=me()),
        lambda: confirm_page(title=_("Anonymise the account of %(name)s?", name=name),
                             button=_("Anonymise the account"), consequences=anonymise_consequences(target),
                             cancel_url=url_for("cohorts.admin_user", user_id=user_id)),
        lambda: admin_services.anonymise_user(target, user=me(), now=utcnow()),
        done=_("The account has been anonymised."),
        back=url_for("cohorts.admin_user", user_id=user_id))
