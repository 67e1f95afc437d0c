"""Enrolling many learners at once through a cohort (assigning a course, CSV upload).

Same semantics as lms.learning.services.enrol, which enrols one learner in one course (and
which joining by link uses): idempotent on unique(user, course) with INSERT ... ON CONFLICT
DO NOTHING; an existing enrolment keeps its progress, is linked to the cohort when it had
none, and is re-opened when the learner had left. Here it costs a fixed handful of
statements whatever the number of learners, where one call per learner would cost thousands
for a large cohort.
"""
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db
from lms.learning.models import Enrollment

CHUNK = 500  # rows per INSERT: well under both engines' limits on bound parameters


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Enrollment)


def enrol_many(user_ids, course_ids, *, cohort, now: datetime) -> None:
    user_ids, course_ids = list(dict.fromkeys(user_ids)), list(dict.fromkeys(course_ids))
    if not user_ids or not course_ids:
        return
    rows = [{"user_id": u, "course_id": c, "cohort_id": cohort.id, "source": "cohort",
             "enrolled_at": now, "last_activity_at": now} for u in user_ids for c in course_ids]
    for start in range(0, len(rows), CHUNK):
        db.session.execute(_insert().values(rows[start:start + CHUNK])
                           .on_conflict_do_nothing(index_elements=["user_id", "course_id"]))
    mine = (Enrollment.user_id.in_(user_ids), Enrollment.course_id.in_(course_ids))
    db.session.execute(update(Enrollment).where(*mine, Enrollment.cohort_id.is_(None))
                       .values(cohort_id=cohort.id, source="cohort")
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Enrollment).where(*mine, Enrollment.left_at.is_not(None))
                       .values(left_at=None, last_activity_at=now)
                       .execution_options(synchronize_session=False))
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Enrollment):  # changed in bulk: read them again when next used
            db.session.expire(obj)
