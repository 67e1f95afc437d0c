"""Admin pages: platform overview, users list (role, deactivation), all cohorts, and the
confirmation step every admin action that is hard to undo goes through.

Organisations are in admin_org_views.py, the user page in admin_user_views.py."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.auth.models import ROLES, User
from lms.cohorts import admin_queries, admin_services, admin_user_queries, queries
from lms.cohorts.admin_forms import ActiveForm, RoleForm
from lms.cohorts.countries import country_name
from lms.cohorts.forms import KIND_LABELS, ROLE_LABELS, STATUS_LABELS
from lms.cohorts.models import COHORT_STATUSES
from lms.cohorts.services import CohortError
from lms.cohorts.views import bp, me
from lms.core.errors import abort_with
from lms.core.htmx import render_page_or_fragment
from lms.core.security import require_role
from lms.extensions import db


@bp.get("/admin")
@require_role("admin")
def admin_home():
    return render_template("admin/home.html", totals=admin_queries.totals(),
                           by_country=admin_queries.learners_by_country(),
                           by_kind=admin_queries.learners_by_kind(),
                           courses=admin_queries.completions_per_course(),
                           country_name=country_name, kind_labels=KIND_LABELS)


# ---- the confirmation step ------------------------------------------------------------------

def confirm_page(*, title: str, button: str, cancel_url: str, consequences=(), intro: str | None = None,
                 hidden: dict | None = None, tab: str = "cohorts.admin_users"):
    """The first POST of an action: what it will do, and a button that posts it again with
    confirmed=1 (templates/_confirm.html). Nothing has changed yet. `tab`: the admin tab shown
    as current."""
    return render_template("admin/confirm.html", title=title, intro=intro, button=button,
                           consequences=consequences, cancel_url=cancel_url, hidden=hidden or {},
                           action=request.full_path.rstrip("?"), admin_tab=tab)


def confirm_then(check, confirmation, act, *, done: str, back: str):
    """Refuse (the reason, on a 400/409 page), else show the consequences (first POST), else
    act, commit and go back with a message."""
    try:
        check()
        if request.form.get("confirmed") != "1":
            return confirmation()
        act()
    except CohortError as error:
        db.session.rollback()
        abort_with(error.status, str(error))
    db.session.commit()
    flash(done, "success")
    return redirect(back)


def target_user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def back_url(target: User) -> str:
    """Actions posted from the user page return there; from the list, to the list."""
    if request.args.get("back") == "user":
        return url_for("cohorts.admin_user", user_id=target.id)
    return url_for("cohorts.admin_users", q=request.args.get("q") or None)


# ---- users ----------------------------------------------------------------------------------

def render_users(status=200):
    search = request.args.get("q", "")[:100]
    role = request.args.get("role", "")
    role = role if role in ROLES else ""
    page = request.args.get("page", "1")
    users = admin_queries.users_page(search=search, role=role, page=int(page) if page.isdigit() else 1)
    return render_page_or_fragment("admin/users.html", "admin/_users.html", users=users, search=search,
                                   role=role, roles=ROLES, role_labels=ROLE_LABELS,
                                   role_form=RoleForm(), active_form=ActiveForm()), status


@bp.get("/admin/users")
@require_role("admin")
def admin_users():
    return render_users()


def role_consequences(target: User, role: str) -> list[str]:
    powers = {
        "admin": _("An administrator can see every cohort and every learner (progress, scores and "
                   "answers), change anyone's role, deactivate or anonymise accounts, and manage "
                   "organisations, badges and the mail outbox."),
        "facilitator": _("A facilitator can create cohorts, invite learners with a CSV file, message "
                         "them, and see the progress, scores and answers of the learners in the "
                         "cohorts they facilitate."),
        "learner": _("A learner takes courses and joins cohorts, and sees only their own progress."),
    }
    lines = [_("%(name)s becomes: %(role)s.", name=target.name, role=ROLE_LABELS[role]), powers[role],
             _("They are logged out everywhere and log in again with the new rights.")]
    facilitated = admin_user_queries.facilitated_cohorts(target.id)
    if facilitated and role == "learner":
        lines.append(ngettext("They still facilitate %(num)d cohort and keep seeing its learners: remove "
                              "them in its settings if they should not.",
                              "They still facilitate %(num)d cohorts and keep seeing their learners: "
                              "remove them in those cohorts' settings if they should not.", facilitated))
    return lines


@bp.post("/admin/users/<int:user_id>/role")
@require_role("admin")
def admin_user_role(user_id):
    target, form = target_user(user_id), RoleForm()
    if not form.validate_on_submit():
        abort(400)
    role = form.role.data
    return confirm_then(
        lambda: admin_services.check_role_change(target, role, user=me()),
        lambda: confirm_page(title=_("Change the role of %(name)s?", name=target.name),
                             button=_("Make %(name)s: %(role)s", name=target.name, role=ROLE_LABELS[role]),
                             consequences=role_consequences(target, role), hidden={"role": role},
                             cancel_url=back_url(target)),
        lambda: admin_services.change_role(target, role, user=me()),
        done=_("%(name)s is now: %(role)s.", name=target.name, role=ROLE_LABELS[role]), back=back_url(target))


def active_consequences(target: User, active: bool) -> list[str]:
    if active:
        return [_("%(name)s can log in again with their password.", name=target.name)]
    return [_("%(name)s is logged out everywhere and can no longer log in.", name=target.name),
            _("Their progress, cohorts and badges are kept; you can reactivate the account later.")]


@bp.post("/admin/users/<int:user_id>/active")
@require_role("admin")
def admin_user_active(user_id):
    target, form = target_user(user_id), ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    active = form.active.data == "1"
    return confirm_then(
        lambda: admin_services.check_set_active(target, active, user=me()),
        lambda: confirm_page(title=(_("Reactivate %(name)s?", name=target.name) if active
                                    else _("Deactivate %(name)s?", name=target.name)),
                             button=_("Reactivate the account") if active else _("Deactivate the account"),
                             consequences=active_consequences(target, active),
                             hidden={"active": form.active.data}, cancel_url=back_url(target)),
        lambda: admin_services.set_active(target, active, user=me()),
        done=(_("The account of %(name)s is active again.", name=target.name) if active
              else _("The account of %(name)s is deactivated.", name=target.name)), back=back_url(target))


@bp.get("/admin/cohorts")
@require_role("admin")
def admin_cohorts():
    status = request.args.get("status", "")
    status = status if status in COHORT_STATUSES else ""
    rows = queries.cohort_rows(me(), status=status or None)
    return render_template("admin/cohorts.html", rows=rows, status=status, statuses=COHORT_STATUSES,
                           status_labels=STATUS_LABELS,
                           facilitators=queries.facilitators_by_cohort(row.Cohort.id for row in rows))


from lms.cohorts import admin_org_views, admin_user_views  # noqa: E402,F401  (routes on bp)
