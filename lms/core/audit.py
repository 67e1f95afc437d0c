from lms.core.db import utcnow
from lms.core.models import AuditEvent
from lms.extensions import db


def record(actor, action: str, target, *, subject=None, **data) -> AuditEvent:
    """Add an audit event for `actor` (a User or None) acting on `target` (a model instance).
    `subject` is the person whose data the action changed (a User or a user id), when there is
    one: the audit page filters on it."""
    subject_id = getattr(subject, "id", subject)
    if subject_id is None:
        subject_id = data.get("user_id") if type(target).__tablename__ != "user" else getattr(target, "id", None)
    event = AuditEvent(actor_id=getattr(actor, "id", None), action=action,
                       target_type=type(target).__tablename__, target_id=getattr(target, "id", None),
                       subject_id=subject_id, data=data, at=utcnow())
    db.session.add(event)
    return event
