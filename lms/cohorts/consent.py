"""Consent: a person a facilitator lists (CSV upload) is invited, and joins only by accepting.

Until then they are not a member: no dashboard, drill-down or export of the cohort shows
anything of them but the invitation (the name the facilitator wrote, the e-mail, the dates).
A new account accepts by choosing its password (/welcome); an existing one on the invitation
page or on My learning. New and existing accounts look the same to the facilitator, so an
upload never tells which e-mails have accounts. A pending invitation holds a place in a cohort
with a capacity. Services flush, never commit.
"""
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, insert, select

from lms.cohorts import services
from lms.cohorts.models import Cohort, CohortInvitation, CohortMember
from lms.core import audit
from lms.extensions import db

SALT = "cohort-invitation"
PENDING, ACCEPTED, DECLINED = None, "accepted", "declined"


class InvitationError(Exception):
    pass


# ---- reads ---------------------------------------------------------------------------------

def pending(cohort_id: int):
    """A select of the cohort's pending invitations."""
    return select(CohortInvitation).where(CohortInvitation.cohort_id == cohort_id,
                                          CohortInvitation.response.is_(None))


def invitations(cohort_id: int, state: str = "invited"):
    """A select of the cohort's invitations in `state`: "invited" (pending) or "declined"."""
    if state == "declined":
        return select(CohortInvitation).where(CohortInvitation.cohort_id == cohort_id,
                                              CohortInvitation.response == DECLINED)
    return pending(cohort_id)


def pending_count(cohort_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(pending(cohort_id).subquery())) or 0


def pending_invitation(cohort_id: int, user_id: int) -> CohortInvitation | None:
    return db.session.scalar(pending(cohort_id).where(CohortInvitation.user_id == user_id))


def pending_for_user(user_id: int) -> list[tuple[CohortInvitation, Cohort]]:
    """The invitations a person has not answered yet, with their cohorts (My learning)."""
    return list(db.session.execute(
        select(CohortInvitation, Cohort).join(Cohort, Cohort.id == CohortInvitation.cohort_id)
        .where(CohortInvitation.user_id == user_id, CohortInvitation.response.is_(None),
               Cohort.status != "archived")
        .order_by(CohortInvitation.invited_at.desc())).tuples())


# ---- tokens --------------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(invitation: CohortInvitation) -> str:
    return _serializer().dumps({"i": invitation.id, "u": invitation.user_id})


def from_token(token: str) -> CohortInvitation:
    try:
        data = _serializer().loads(token, max_age=current_app.config["INVITATION_MAX_AGE"])
    except SignatureExpired as exc:
        raise InvitationError(_("This invitation has expired. Ask your facilitator to send it again.")) from exc
    except BadSignature as exc:
        raise InvitationError(_("This invitation link is not valid. Check that the whole link was copied.")) from exc
    invitation = db.session.get(CohortInvitation, data.get("i")) if isinstance(data, dict) else None
    if invitation is None or invitation.user_id != data.get("u"):
        raise InvitationError(_("This invitation was withdrawn by the facilitator."))
    return invitation


# ---- writes --------------------------------------------------------------------------------

def invite_many(cohort: Cohort, people: list[tuple[int, str]], *, user, now: datetime) -> tuple[list[int], int]:
    """Invite (user_id, name as written) pairs. Returns (ids of invitations to send, how many were
    already members or already invited). Active members, pending and declined invitations are left
    as they are (a declined person is not asked again by a second upload); an invitation accepted
    by someone who has left since is opened again. A fixed number of statements."""
    ids = [user_id for user_id, _name in people]
    if not ids:
        return [], 0
    members = set(db.session.scalars(select(CohortMember.user_id).where(
        CohortMember.cohort_id == cohort.id, CohortMember.removed_at.is_(None), CohortMember.user_id.in_(ids))))
    existing = {i.user_id: i for i in db.session.scalars(select(CohortInvitation).where(
        CohortInvitation.cohort_id == cohort.id, CohortInvitation.user_id.in_(ids)))}
    fresh, reopened = [], []
    for user_id, name in people:
        if user_id in members:
            continue
        invitation = existing.get(user_id)
        if invitation is None:
            fresh.append({"cohort_id": cohort.id, "user_id": user_id, "name": name,
                          "invited_by_id": getattr(user, "id", None), "invited_at": now})
        elif invitation.response == ACCEPTED:
            invitation.name, invitation.invited_at, invitation.invited_by_id = name, now, getattr(user, "id", None)
            invitation.response = invitation.responded_at = None
            reopened.append(invitation)
    if fresh:
        db.session.execute(insert(CohortInvitation), fresh)
    db.session.flush()
    new_users = {row["user_id"] for row in fresh}
    sent = [i.id for i in reopened] + list(db.session.scalars(select(CohortInvitation.id).where(
        CohortInvitation.cohort_id == cohort.id, CohortInvitation.user_id.in_(new_users)))) if new_users else \
        [i.id for i in reopened]
    return sent, len(people) - len(sent)


def resend(cohort: Cohort, chosen: list[CohortInvitation], *, user, now: datetime) -> int:
    """Send a fresh link to each pending invitation among `chosen`; returns how many went."""
    from lms.cohorts.invitations import queue_invitation_mails

    due = [i for i in chosen if i.cohort_id == cohort.id and i.response is None]
    sent = queue_invitation_mails(due, cohort, now=now)
    if sent:
        audit.record(user, "cohort.invitations_resent", cohort, count=sent, user_ids=[i.user_id for i in due])
    return sent


def withdraw(cohort: Cohort, invitation: CohortInvitation, *, user, now: datetime) -> None:
    if invitation.cohort_id != cohort.id or invitation.response == ACCEPTED:
        raise services.CohortError(_("There is no such invitation in this cohort."), 404)
    audit.record(user, "cohort.invitation_withdrawn", cohort, subject=invitation.user_id)
    db.session.delete(invitation)
    db.session.flush()


def accept(invitation: CohortInvitation, learner, *, now: datetime) -> CohortMember:
    """The invited person joins: a membership from now, and the cohort's courses."""
    if invitation.user_id != learner.id:
        raise services.CohortError(_("This invitation is for another account. Log out and log in "
                                     "with the account it was sent to."), 403)
    cohort = db.session.get(Cohort, invitation.cohort_id)
    services.lock_cohort(cohort)
    member = services.membership(cohort, learner.id)
    if member is not None and member.removed_at is None:
        if member.role == "facilitator":
            raise services.CohortError(_("You facilitate this cohort, so you cannot join it as a learner."))
    else:
        if invitation.response is not None and invitation.response != DECLINED:
            raise services.CohortError(_("This invitation was already answered."))
        if cohort.status == "archived":
            raise services.CohortError(_("This cohort is archived and no longer takes new learners."))
        member = services.add_invited_learner(cohort, learner, member, now=now)
    invitation.response, invitation.responded_at = ACCEPTED, now
    db.session.flush()
    return member


def decline(invitation: CohortInvitation, *, now: datetime) -> None:
    if invitation.response == ACCEPTED:
        raise services.CohortError(_("You have already joined this cohort. Your facilitator can remove you."))
    invitation.response, invitation.responded_at = DECLINED, now
    db.session.flush()


def accept_pending(learner, cohort_id: int | None, *, now: datetime) -> CohortMember | None:
    """Accept the person's pending invitation to `cohort_id`, if there is one (choosing a password
    on /welcome, or joining by the cohort's link, is accepting)."""
    if cohort_id is None:
        return None
    invitation = pending_invitation(cohort_id, learner.id)
    return accept(invitation, learner, now=now) if invitation is not None else None
