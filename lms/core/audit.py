from lms.core.db import utcnow
from lms.core.models import AuditEvent
from lms.extensions import db


def record(actor, action: str, target, **data) -> AuditEvent:
    """Add an audit event for `actor` (a User or None) acting on `target` (a model instance)."""
    event = AuditEvent(actor_id=getattr(actor, "id", None), action=action,
                       target_type=type(target).__tablename__, target_id=getattr(target, "id", None),
                       data=data, at=utcnow())
    db.session.add(event)
    return event
