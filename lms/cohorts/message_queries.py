"""Reads for cohort messages: a cohort's sent messages and their recipients (facilitators), and
the messages a learner received (My learning, their inbox). A fixed number of queries each."""
import math
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from lms.auth.models import User
from lms.cohorts.models import Cohort, CohortMember, CohortMessage, CohortMessageRecipient
from lms.extensions import db

MESSAGES_PER_PAGE = 50
RECIPIENTS_PER_PAGE = 100
INBOX_PER_PAGE = 20
LATEST = 3          # on My learning


@dataclass
class Page:
    rows: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _page_of(total: int, page: int, per_page: int) -> int:
    return min(max(1, page), max(1, math.ceil(total / per_page)))


# ---- facilitators ---------------------------------------------------------------------------

def sent_messages(cohort, page: int = 1) -> Page:
    """The cohort's messages, newest first, with the sender's name: two queries."""
    total = db.session.scalar(select(func.count(CohortMessage.id)).where(CohortMessage.cohort_id == cohort.id)) or 0
    page = _page_of(total, page, MESSAGES_PER_PAGE)
    rows = db.session.execute(
        select(CohortMessage, User.name).outerjoin(User, User.id == CohortMessage.sent_by_id)
        .where(CohortMessage.cohort_id == cohort.id)
        .order_by(CohortMessage.sent_at.desc(), CohortMessage.id.desc())
        .limit(MESSAGES_PER_PAGE).offset((page - 1) * MESSAGES_PER_PAGE)).tuples().all()
    return Page(rows, total, page, MESSAGES_PER_PAGE)


def cohort_message(cohort, message_id: int) -> tuple[CohortMessage, str | None] | None:
    """One of the cohort's messages with its sender's name (None for another cohort's)."""
    return db.session.execute(
        select(CohortMessage, User.name).outerjoin(User, User.id == CohortMessage.sent_by_id)
        .where(CohortMessage.id == message_id, CohortMessage.cohort_id == cohort.id)).tuples().first()


def recipients(message, page: int = 1) -> Page:
    """Who received `message` as (name, e-mail, language sent), by name: one query, the count
    being the message's own."""
    page = _page_of(message.recipient_count, page, RECIPIENTS_PER_PAGE)
    rows = db.session.execute(
        select(User.name, User.email, CohortMessageRecipient.language)
        .join(CohortMessageRecipient, CohortMessageRecipient.user_id == User.id)
        .where(CohortMessageRecipient.message_id == message.id).order_by(User.name, User.id)
        .limit(RECIPIENTS_PER_PAGE).offset((page - 1) * RECIPIENTS_PER_PAGE)).tuples().all()
    return Page(rows, message.recipient_count, page, RECIPIENTS_PER_PAGE)


# ---- learners -------------------------------------------------------------------------------

@dataclass
class Received:
    message: CohortMessage
    cohort: str
    sender: str | None


def _received(user):
    sender = aliased(User)
    return (select(CohortMessage, Cohort.name, sender.name)
            .join(CohortMessageRecipient, and_(CohortMessageRecipient.message_id == CohortMessage.id,
                                               CohortMessageRecipient.user_id == user.id))
            .join(Cohort, Cohort.id == CohortMessage.cohort_id)
            .outerjoin(sender, sender.id == CohortMessage.sent_by_id))


def latest_received(user, limit: int = LATEST) -> list[Received]:
    """The newest messages `user` received from cohorts they are still a learner of: one query."""
    rows = db.session.execute(
        _received(user)
        .join(CohortMember, and_(CohortMember.cohort_id == CohortMessage.cohort_id, CohortMember.user_id == user.id,
                                 CohortMember.role == "learner", CohortMember.removed_at.is_(None)))
        .order_by(CohortMessage.sent_at.desc(), CohortMessage.id.desc()).limit(limit)).tuples()
    return [Received(*row) for row in rows]


def inbox(user, page: int = 1) -> Page:
    """Every message `user` received, newest first: two queries."""
    total = db.session.scalar(select(func.count(CohortMessageRecipient.id))
                              .where(CohortMessageRecipient.user_id == user.id)) or 0
    page = _page_of(total, page, INBOX_PER_PAGE)
    rows = db.session.execute(
        _received(user).order_by(CohortMessage.sent_at.desc(), CohortMessage.id.desc())
        .limit(INBOX_PER_PAGE).offset((page - 1) * INBOX_PER_PAGE)).tuples()
    return Page([Received(*row) for row in rows], total, page, INBOX_PER_PAGE)


def received_message(user, message_id: int) -> Received | None:
    """A message, only if `user` received it."""
    row = db.session.execute(_received(user).where(CohortMessage.id == message_id)).tuples().first()
    return Received(*row) if row else None
