"""Badge writes: badge classes, awards, revocations, the privacy choice.

Services flush, never commit. Each award exists once per learner and badge: the unique
constraint on badge_award(user_id, badge_class_id) decides, and a losing concurrent insert is
caught inside a SAVEPOINT so the caller's transaction carries on.
"""
import secrets
import uuid as uuidlib
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.badges.codes import new_code
from lms.badges.completion import mail_completion
from lms.badges.models import BadgeAward, BadgeClass
from lms.badges.notices import mail_badge_change
from lms.badges.openbadges import badge_fields, iso, recipient_identity
from lms.catalog.models import Course, Quiz
from lms.core import audit, security_log
from lms.core.i18n import score_value
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.quizzes.results import quiz_results


class BadgeError(Exception):
    """A refusal the user should read; `status` is the HTTP status a view answers with."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.status = status


def ensure_badge_class(course: Course) -> BadgeClass:
    """The course's BadgeClass row, created or brought up to date from course.badge."""
    fields = badge_fields(course)
    badge_class = db.session.scalar(select(BadgeClass).where(BadgeClass.course_id == course.id))
    if badge_class is None:
        badge_class = BadgeClass(course_id=course.id, slug=course.slug, **fields)
        try:
            with db.session.begin_nested():
                db.session.add(badge_class)
        except IntegrityError:  # created meanwhile by a concurrent award
            badge_class = db.session.scalar(select(BadgeClass).where(BadgeClass.course_id == course.id))
        return badge_class
    for name, value in {**fields, "slug": course.slug}.items():
        if getattr(badge_class, name) != value:
            setattr(badge_class, name, value)
    return badge_class


def final_score(user_id: int, course_id: int) -> float | None:
    """The learner's result on the course's final assessment, per its grading method."""
    quiz_id = db.session.scalar(select(Quiz.id).where(
        Quiz.course_id == course_id, Quiz.kind == "final", Quiz.archived.is_(False)))
    if quiz_id is None:
        return None
    result = quiz_results([user_id], [quiz_id]).get((user_id, quiz_id))
    return None if result is None else score_value(result.score)


def _evidence(user, course: Course, completed_at: datetime | None, manual: bool) -> dict:
    if completed_at is None:
        completed_at = db.session.scalar(select(Enrollment.completed_at).where(
            Enrollment.user_id == user.id, Enrollment.course_id == course.id))
    return {"course_slug": course.slug, "course_title": course.title,
            "completed_at": iso(completed_at) if completed_at else None,
            "final_score": final_score(user.id, course.id), "manual": manual}


def find_award(user_id: int, badge_class_id: int) -> BadgeAward | None:
    return db.session.scalar(select(BadgeAward).where(
        BadgeAward.user_id == user_id, BadgeAward.badge_class_id == badge_class_id))


def award_badge(user, course: Course, *, now: datetime, awarded_by=None, reason: str | None = None,
                completed_at: datetime | None = None, manual: bool = False) -> tuple[BadgeAward, bool]:
    """(award, created). Awards the course badge to `user` unless they already hold it."""
    badge_class = ensure_badge_class(course)
    existing = find_award(user.id, badge_class.id)
    if existing is not None:
        return existing, False
    evidence = _evidence(user, course, completed_at, manual=manual)
    for _attempt in range(3):
        salt = secrets.token_hex(16)
        award = BadgeAward(
            user_id=user.id, badge_class_id=badge_class.id, uuid=str(uuidlib.uuid4()),
            short_code=new_code(), salt=salt, recipient_hash=recipient_identity(user.email, salt),
            issued_on=now, evidence=evidence, awarded_by_id=getattr(awarded_by, "id", None),
            award_reason=reason, show_name=False)
        try:
            with db.session.begin_nested():
                db.session.add(award)
        except IntegrityError:
            existing = find_award(user.id, badge_class.id)
            if existing is not None:  # a concurrent completion won the race
                return existing, False
            continue  # a short-code collision: draw another code
        audit.record(awarded_by, "badge.awarded", award, subject=user, course=course.slug, user_id=user.id,
                     reason=reason, manual=manual)
        security_log.after_commit(db.session, "badge.awarded", "success", user=awarded_by or user,
                                  target_user_id=user.id, badge_uuid=award.uuid, course=course.slug, manual=manual)
        return award, True
    raise RuntimeError("could not allocate a unique badge code")


def award_on_completion(user, course: Course, *, now: datetime, enrollment=None) -> BadgeAward:
    """The course's badge for a learner who completed it, with the e-mail that says so."""
    completed_at = getattr(enrollment, "completed_at", None) or now
    award, created = award_badge(user, course, now=now, completed_at=completed_at)
    if created:
        mail_completion(user, course, award)
    return award


def award_manually(admin, user, course: Course, *, reason: str, now: datetime) -> BadgeAward:
    """An award by hand with a reason (admin is None from the command line). A revoked award
    of the same badge is reinstated rather than duplicated."""
    reason = _required(reason, _("Give a reason for the award."))
    badge_class = ensure_badge_class(course)
    existing = find_award(user.id, badge_class.id)
    if existing is not None and existing.revoked_at is None:
        raise BadgeError(_("%(name)s already holds this badge.", name=user.name))
    if existing is not None:
        reinstate_badge(admin, existing, reason=reason, now=now)
        existing.awarded_by_id, existing.award_reason = getattr(admin, "id", None), reason
        return existing
    award, _created = award_badge(user, course, now=now, awarded_by=admin, reason=reason, manual=True)
    return award


def _required(reason: str | None, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise BadgeError(message, 400)
    return reason


def revoke_badge(admin, award: BadgeAward, *, reason: str, now: datetime) -> BadgeAward:
    """Public and immediate: the verify page and the assertion say "revoked" with the reason.
    The learner is told by e-mail, unless they are the one revoking (deleting their account)."""
    reason = _required(reason, _("Give a reason for the revocation."))
    if award.revoked_at is not None:
        raise BadgeError(_("This badge was already revoked."))
    award.revoked_at = now
    award.revocation_reason = reason
    award.revoked_by_id = getattr(admin, "id", None)
    audit.record(admin, "badge.revoked", award, subject=award.user_id, reason=reason, user_id=award.user_id)
    security_log.after_commit(db.session, "badge.revoked", "success", user=admin, target_user_id=award.user_id,
                              badge_uuid=award.uuid)
    if getattr(admin, "id", None) != award.user_id:
        mail_badge_change(award, "revoked", reason=reason)
    return award


def reinstate_badge(admin, award: BadgeAward, *, reason: str, now: datetime) -> BadgeAward:
    """A revoked award valid again, the learner told; the audit log keeps the old reason."""
    reason = _required(reason, _("Give a reason for reinstating the badge."))
    if award.revoked_at is None:
        raise BadgeError(_("This badge is not revoked."))
    revoked = {"revoked_on": iso(award.revoked_at), "revocation_reason": award.revocation_reason}
    award.revoked_at = award.revocation_reason = award.revoked_by_id = None
    audit.record(admin, "badge.reinstated", award, subject=award.user_id, reason=reason, user_id=award.user_id,
                 **revoked)
    security_log.after_commit(db.session, "badge.reinstated", "success", user=admin, target_user_id=award.user_id,
                              badge_uuid=award.uuid)
    mail_badge_change(award, "reinstated", reason=reason)
    return award


def set_show_name(user, award: BadgeAward, show: bool) -> BadgeAward:
    if award.user_id != user.id:
        raise BadgeError(_("This is not your badge."), 404)
    award.show_name = bool(show)
    db.session.flush()
    return award
