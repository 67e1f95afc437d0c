"""Admin writes: organisations, user roles and deactivation. Each change is audited."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.auth.models import ROLES, User
from lms.auth.services import end_sessions
from lms.cohorts.models import ORGANISATION_KINDS, Organisation
from lms.cohorts.services import CohortError
from lms.core import audit, security_log
from lms.extensions import db


def _check_name(name: str, organisation: Organisation | None) -> str:
    name = name.strip()
    clash = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if clash is not None and clash is not organisation:
        raise CohortError(_("An organisation with this name already exists."), 400)
    return name


def save_organisation(organisation: Organisation | None, *, user, now, name: str, kind: str,
                      country: str | None) -> Organisation:
    """Create (organisation=None) or edit an organisation."""
    if kind not in ORGANISATION_KINDS:
        raise CohortError(_("Unknown kind of organisation."), 400)
    name = _check_name(name, organisation)
    if organisation is None:
        organisation = Organisation(created_at=now)
        db.session.add(organisation)
        action = "organisation.created"
    else:
        action = "organisation.updated"
    organisation.name, organisation.kind = name, kind
    organisation.country = (country or "").upper() or None
    db.session.flush()
    audit.record(user, action, organisation, name=name, kind=kind, country=organisation.country)
    db.session.flush()
    return organisation


def change_role(target: User, role: str, *, user) -> None:
    if role not in ROLES:
        raise CohortError(_("Unknown role."), 400)
    if target.id == user.id:
        raise CohortError(_("You cannot change your own role. Ask another administrator."))
    if target.role == role:
        return
    audit.record(user, "user.role_changed", target, old=target.role, new=role)
    security_log.after_commit(db.session, "user.role_changed", "success", user=user, target_user_id=target.id,
                              role_from=target.role, role_to=role)
    target.role = role
    end_sessions(target)  # the next page they open asks them to log in with the new rights
    db.session.flush()


def set_active(target: User, active: bool, *, user) -> None:
    if target.id == user.id:
        raise CohortError(_("You cannot deactivate your own account."))
    if target.active == active:
        return
    target.active = active
    if not active:
        end_sessions(target)
    audit.record(user, "user.reactivated" if active else "user.deactivated", target)
    security_log.after_commit(db.session, "user.reactivated" if active else "user.deactivated", "success",
                              user=user, target_user_id=target.id)
    db.session.flush()
