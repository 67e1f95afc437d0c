"""Who may see and change which cohort. Pure predicates plus query filters.

Admins see everything; a facilitator sees only cohorts they facilitate (and the learners in
them); a learner sees only their own data.
"""
from sqlalchemy import exists, select

from lms.cohorts.models import Cohort, CohortMember
from lms.extensions import db


def facilitates(user, cohort) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(exists().where(
        CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id,
        CohortMember.role == "facilitator", CohortMember.removed_at.is_(None)))) or False


def can_view_cohort(user, cohort) -> bool:
    return bool(user and getattr(user, "is_authenticated", False)) and (user.is_admin or facilitates(user, cohort))


def can_manage_cohort(user, cohort) -> bool:
    return can_view_cohort(user, cohort)


def visible_cohorts(query, user):
    """Filter a select(Cohort) down to what `user` may see."""
    if user.is_admin:
        return query
    mine = select(CohortMember.cohort_id).where(
        CohortMember.user_id == user.id, CohortMember.role == "facilitator", CohortMember.removed_at.is_(None))
    return query.where(Cohort.id.in_(mine))


def can_view_learner(user, learner, cohort) -> bool:
    """A facilitator sees a learner only through a cohort they facilitate that holds the learner."""
    if not can_view_cohort(user, cohort):
        return False
    # A removed (or moved) learner's later activity is no longer this cohort's business.
    return db.session.scalar(select(exists().where(
        CohortMember.cohort_id == cohort.id, CohortMember.user_id == learner.id,
        CohortMember.role == "learner", CohortMember.removed_at.is_(None)))) or False


def can_create_cohort(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False)) and user.role in ("facilitator", "admin")


def can_move_learner(user, source, target) -> bool:
    """Moving a learner needs the right to manage both cohorts."""
    return can_manage_cohort(user, source) and can_manage_cohort(user, target)


def is_learner_of(user, cohort) -> bool:
    """An active learner membership (the learner's own view of their cohort)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(exists().where(
        CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id,
        CohortMember.role == "learner", CohortMember.removed_at.is_(None)))) or False


def cohort_for(user, cohort_id: int, allowed=can_view_cohort) -> Cohort:
    """The cohort if `user` passes `allowed`: 404 when it does not exist, 403 when refused."""
    from flask import abort

    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    if not allowed(user, cohort):
        abort(403)
    return cohort


def visible_since_joining(cohort_id: int, user_id, moment):
    """A condition on a row of learner activity (`user_id`, dated `moment`, both columns): true
    when its learner is a current learner of the cohort and it happened after they joined it.
    A cohort's facilitators see nothing a learner did before joining: not their scores, times,
    progress, completions nor badges from another cohort or from studying alone."""
    return exists().where(
        CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id, CohortMember.role == "learner",
        CohortMember.removed_at.is_(None), CohortMember.joined_at <= moment)
