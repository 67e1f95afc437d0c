"""What the audit log page says about an event: the action in words, the target with its link,
and the event's data as labelled values. A registry of plain dicts: a new action adds a line to
ACTION_LABELS (an action missing here is shown by its code)."""
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.badges.codes import display

ACTION_LABELS = {
    "badge.awarded": _l("Awarded a badge"),
    "badge.revoked": _l("Revoked a badge"),
    "badge.reinstated": _l("Reinstated a badge"),
    "cohort.created": _l("Created a cohort"),
    "cohort.updated": _l("Changed a cohort's settings"),
    "cohort.join_code_rotate": _l("Made a new join code"),
    "cohort.join_code_enable": _l("Turned the join code on"),
    "cohort.join_code_disable": _l("Turned the join code off"),
    "cohort.course_assigned": _l("Assigned a course to a cohort"),
    "cohort.course_unassigned": _l("Removed a course from a cohort"),
    "cohort.facilitator_added": _l("Added a facilitator"),
    "cohort.facilitator_removed": _l("Removed a facilitator"),
    "cohort.learner_removed": _l("Removed a learner from a cohort"),
    "cohort.learners_removed": _l("Removed learners from a cohort"),
    "cohort.learner_moved": _l("Moved a learner to another cohort"),
    "cohort.learners_moved": _l("Moved learners to another cohort"),
    "cohort.remind": _l("Sent reminders"),
    "cohort.roster_imported": _l("Uploaded a class list"),
    "cohort.invitation_withdrawn": _l("Withdrew an invitation"),
    "cohort.invitations_withdrawn": _l("Withdrew invitations"),
    "cohort.invitations_resent": _l("Sent invitations again"),
    "cohort.invitation_resent": _l("Sent an invitation again"),
    "cohort.message_sent": _l("Sent a message to learners"),
    "quiz.override_granted": _l("Gave a learner extra attempts or time"),
    "quiz.override_cleared": _l("Removed a learner's extra attempts or time"),
    "organisation.created": _l("Created an organisation"),
    "organisation.updated": _l("Changed an organisation"),
    "organisation.merged": _l("Merged two organisations"),
    "organisation.deleted": _l("Deleted an organisation"),
    "user.role_changed": _l("Changed a role"),
    "user.deactivated": _l("Deactivated an account"),
    "user.reactivated": _l("Reactivated an account"),
    "user.deleted": _l("Deleted an account"),
    "user.email_changed": _l("Changed an e-mail address"),
    "user.renamed": _l("Changed a name"),
    "user.password_reset_sent": _l("Sent a password reset link"),
    "user.invitation_sent": _l("Sent an invitation to choose a password"),
}

TARGET_LABELS = {
    "cohort_message": _l("A message"),
    "cohort_invitation": _l("An invitation"),
    "quiz_override": _l("A quiz exception"),
}

DATA_LABELS = {
    "reason": _l("Reason"),
    "revocation_reason": _l("Reason for the revocation"),
    "revoked_on": _l("Revoked on"),
    "course": _l("Course"),
    "manual": _l("By hand"),
    "old": _l("Old value"),
    "new": _l("New value"),
    "name": _l("Name"),
    "kind": _l("Kind"),
    "country": _l("Country"),
    "sent": _l("Sent"),
    "skipped": _l("Skipped"),
    "count": _l("Number"),
    "invited": _l("Invited"),
    "created": _l("Created"),
    "organisations": _l("Organisations"),
    "user_ids": _l("People"),
    "people": _l("People"),
    "cohorts": _l("Cohorts"),
    "recipients": _l("Recipients"),
    "audience": _l("Audience"),
    "merged_name": _l("Merged organisation"),
    "before": _l("Before"),
    "after": _l("After"),
    "attempt_deadline": _l("New attempt deadline"),
}
HIDDEN = {"user_id"}  # shown in the "whose" column


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def _value(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ngettext("%(num)d person", "%(num)d people", len(value)) if value and isinstance(value[0], int) \
            else ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    return str(value)


def details(data: dict | None) -> list[tuple[str, str]]:
    """[(label, value)] of an event's data, lists of people shown as how many."""
    shown = []
    for key, value in (data or {}).items():
        if key in HIDDEN or value is None or value == "":
            continue
        label = DATA_LABELS.get(key)
        shown.append((str(label) if label is not None else key.replace("_", " "), _value(value)))
    return shown


def user_url(user_id: int | None, email: str | None) -> str | None:
    """The admin's page for a person (the users list found by e-mail until a user page exists)."""
    if user_id is None:
        return None
    if "cohorts.admin_user" in current_app.view_functions:
        return url_for("cohorts.admin_user", user_id=user_id)
    return url_for("cohorts.admin_users", q=email) if email else None


def target_link(row) -> tuple[str, str | None]:
    """(text, address or None) for an event's target, from the names its query joined."""
    event = row.AuditEvent
    kind, ident = event.target_type, event.target_id
    if kind == "cohort" and row.cohort_name is not None:
        return row.cohort_name, url_for("dashboards.cohort", cohort_id=ident)
    if kind == "user" and row.target_email is not None:
        return row.target_name, user_url(ident, row.target_email)
    if kind == "badge_award" and row.badge_code is not None:
        code = display(row.badge_code)
        return f"{row.badge_name} · {code}", url_for("badges.admin", q=code)
    if kind == "organisation" and row.organisation_name is not None:
        return row.organisation_name, url_for("cohorts.admin_organisation", organisation_id=ident)
    if kind == "quiz" and row.quiz_title is not None:
        return row.quiz_title, None
    label = TARGET_LABELS.get(kind)
    return (str(label) if label is not None else f"{kind} {ident}" if ident is not None else kind), None
