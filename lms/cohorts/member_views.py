"""Cohort membership pages: the learner list, removing and moving learners, CSV upload,
invitations and the join code."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.auth.models import User
from lms.cohorts import consent, invitations, queries, roster, services
from lms.cohorts.forms import (
    INVITATION_ACTIONS,
    LEARNER_ACTIONS,
    ActionForm,
    BulkForm,
    JoinCodeForm,
    MoveForm,
    UploadForm,
)
from lms.cohorts.models import Cohort, CohortInvitation
from lms.cohorts.permissions import can_manage_cohort
from lms.cohorts.views import bp, managed_cohort, me
from lms.core import audit
from lms.core.db import utcnow
from lms.core.htmx import render_page_or_fragment
from lms.core.i18n import translated
from lms.core.security import allows_upload
from lms.extensions import db

INLINE_MOVE_TARGETS = 10  # more than this: each row links to a page that lists them all


def _page_number() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() else 1


def _bulk_form(cohort: Cohort, state: str, search: str, targets) -> BulkForm:
    """The list's bulk form: move targets inline when there are few (else a page to choose one
    follows), and a choice of course (for reminders and exports) when the cohort has several."""
    form = BulkForm(formdata=None, q=search, actions=INVITATION_ACTIONS if state == "invited" else LEARNER_ACTIONS)
    few = len(targets) <= INLINE_MOVE_TARGETS
    form.target_id.choices = [(c.id, c.name) for c in targets] if few else []
    form.course.choices = [(course.id, translated(course)) for _link, course in queries.assigned_courses(cohort)]
    return form


def render_members(cohort: Cohort, status: int = 200, *, state: str | None = None, search: str | None = None):
    state = state or request.args.get("state", "active")
    state = state if state in queries.MEMBER_STATES else "active"
    search = (request.args.get("q", "") if search is None else search)[:100]
    listing = queries.members_page(cohort, state=state, search=search, page=_page_number())
    targets = queries.move_targets(current_user, cohort, limit=INLINE_MOVE_TARGETS + 1)
    move_form = MoveForm()
    move_form.target_id.choices = [(c.id, c.name) for c in targets]
    return render_page_or_fragment(
        "cohorts/members.html", "cohorts/_members.html", cohort=cohort, listing=listing, state=state,
        search=search, move_form=move_form, action_form=ActionForm(), code_form=JoinCodeForm(),
        bulk_form=_bulk_form(cohort, state, search, targets), room=services.room_left(cohort),
        join_link=invitations.join_link(cohort), inline_move_targets=INLINE_MOVE_TARGETS), status


@bp.get("/cohorts/<int:cohort_id>/members")
def members(cohort_id):
    return render_members(managed_cohort(cohort_id))


def _back_to_members(cohort: Cohort):
    return redirect(url_for("cohorts.members", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/members/<int:user_id>/remove")
def remove_member(cohort_id, user_id):
    cohort = managed_cohort(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if request.form.get("confirmed") != "1":
        return _confirm_removal(cohort, user_id)
    try:
        services.remove_learner(cohort, user_id, user=me(), now=utcnow())
    except services.CohortError as error:
        abort(error.status)
    db.session.commit()
    flash(_("The learner was removed from the cohort. Their progress is kept."), "success")
    return _back_to_members(cohort)


def _confirm_removal(cohort: Cohort, user_id: int):
    learner = db.session.get(User, user_id)
    if learner is None or services.learner_membership(cohort, user_id) is None:
        abort(404)
    return render_template(
        "cohorts/bulk_confirm.html", cohort=cohort, title=_("Remove %(name)s?", name=learner.name),
        action=url_for("cohorts.remove_member", cohort_id=cohort.id, user_id=user_id),
        button=_("Remove from the cohort"), field=None, hidden={}, names=[], more=0, changed=False,
        cancel_url=url_for("cohorts.members", cohort_id=cohort.id),
        consequences=[_("%(name)s leaves %(cohort)s and no longer appears on its dashboards.",
                        name=learner.name, cohort=cohort.name),
                      _("Their account and progress are kept; you can add them again later.")])


def render_move(cohort: Cohort, user_id: int):
    """A page to choose the target cohort, for facilitators with many cohorts."""
    learner = db.session.get(User, user_id)
    if learner is None or services.learner_membership(cohort, user_id) is None:
        abort(404)
    form = MoveForm()
    form.target_id.choices = [(c.id, c.name) for c in queries.move_targets(current_user, cohort)]
    return render_template("cohorts/move.html", cohort=cohort, learner=learner, form=form)


@bp.route("/cohorts/<int:cohort_id>/members/<int:user_id>/move", methods=["GET", "POST"])
def move_member(cohort_id, user_id):
    cohort = managed_cohort(cohort_id)
    if request.method == "GET":
        return render_move(cohort, user_id)
    form = MoveForm()
    if not form.validate_on_submit() or form.target_id.data is None:
        abort(400)
    target = db.session.get(Cohort, form.target_id.data)
    if target is None:
        abort(404)
    if not can_manage_cohort(current_user, target):
        abort(403)
    try:
        services.move_learner(cohort, target, user_id, user=me(), now=utcnow())
    except services.CohortError as error:
        if error.status == 404:
            abort(404)
        flash(str(error), "error")
        return render_members(cohort, error.status)
    db.session.commit()
    flash(_("The learner was moved to %(name)s.", name=target.name), "success")
    return _back_to_members(cohort)


@bp.post("/cohorts/<int:cohort_id>/members/<int:user_id>/invite")
def resend_invite(cohort_id, user_id):
    """A member who never chose a password (added before invitations had their own list) gets
    the link again; someone merely invited is on the list of invitations (bulk_views.py)."""
    cohort = managed_cohort(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    invitation = db.session.scalar(consent.pending(cohort.id).where(CohortInvitation.user_id == user_id))
    if invitation is not None:
        consent.resend(cohort, [invitation], user=me(), now=utcnow())
        db.session.commit()
        flash(_("The invitation was sent again."), "success")
        return redirect(url_for("cohorts.members", cohort_id=cohort.id, state="invited"))
    learner = db.session.get(User, user_id)
    if learner is None or services.learner_membership(cohort, user_id) is None:
        abort(404)
    if learner.password_hash is not None:
        flash(_("%(name)s has already set a password.", name=learner.name), "info")
    else:
        invitations.queue_invitations([learner], cohort)
        audit.record(me(), "cohort.invitation_resent", cohort, subject=learner)
        db.session.commit()
        flash(_("The invitation was sent again to %(email)s.", email=learner.email), "success")
    return _back_to_members(cohort)


@bp.post("/cohorts/<int:cohort_id>/join-code")
def join_code(cohort_id):
    cohort = managed_cohort(cohort_id)
    form = JoinCodeForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_join_code(cohort, user=me(), action=form.action.data)
    db.session.commit()
    flash({"rotate": _("A new join code is ready; the old link no longer works."),
           "enable": _("Joining by link and code is on."),
           "disable": _("Joining by link and code is off.")}[form.action.data], "success")
    return _back_to_members(cohort)


@bp.route("/cohorts/<int:cohort_id>/upload", methods=["GET", "POST"])
@allows_upload
def upload(cohort_id):
    cohort = managed_cohort(cohort_id)
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("cohorts/upload.html", cohort=cohort, form=form), 400 if form.errors else 200
    checked = roster.read_roster(form.file.data.read(),
                                 max_rows=current_app.config.get("COHORT_CSV_MAX_ROWS", roster.MAX_ROWS))
    roster.check_against_cohort(checked, cohort)
    if not checked.importable(form.only_good_rows.data):
        return render_template("cohorts/upload.html", cohort=cohort, form=form, roster=checked), 400
    now = utcnow()
    result = roster.import_roster(cohort, checked.rows, user=me(), now=now)
    invitations.queue_invitation_mails(  # delivered by the mail worker
        list(db.session.scalars(select(CohortInvitation).where(CohortInvitation.id.in_(result.invitation_ids)))),
        cohort, now=now)
    db.session.commit()
    return render_template("cohorts/upload.html", cohort=cohort, form=UploadForm(formdata=None),
                           roster=checked, result=result)


from lms.cohorts import bulk_views  # noqa: E402,F401  (the bulk actions' routes, on bp)
