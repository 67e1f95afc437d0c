"""Reads for the audit log page and its CSV: the events a filter selects, newest first, with the
names of who acted, whose data it was and what the target is, each joined once (a fixed number
of queries whatever the number of events)."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from lms.auth.models import User
from lms.badges.models import BadgeAward, BadgeClass
from lms.catalog.models import Quiz
from lms.cohorts.models import Cohort, Organisation
from lms.core.models import AuditEvent
from lms.extensions import db

EVENTS_PER_PAGE = 50
Actor, Subject, TargetUser = aliased(User, name="actor"), aliased(User, name="subject"), aliased(User, name="target")


@dataclass
class AuditFilters:
    who: str = ""             # the actor's name or e-mail contains this
    whose: str = ""           # the subject's name or e-mail contains this
    what: str = ""            # the action, exactly
    since: datetime | None = None   # inclusive, UTC
    before: datetime | None = None  # exclusive, UTC


@dataclass
class AuditPage:
    rows: list
    total: int
    page: int
    pages: int


def actions() -> list[str]:
    """The actions present in the log, for the "what" filter."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def _person(alias, text: str):
    needle = text.strip().lower()
    return or_(func.lower(alias.name).contains(needle, autoescape=True),
               func.lower(alias.email).contains(needle, autoescape=True))


def _filtered(stmt, filters: AuditFilters):
    stmt = stmt.outerjoin(Actor, Actor.id == AuditEvent.actor_id).outerjoin(Subject, Subject.id == AuditEvent.subject_id)
    if filters.who.strip():
        stmt = stmt.where(_person(Actor, filters.who))
    if filters.whose.strip():
        stmt = stmt.where(_person(Subject, filters.whose))
    if filters.what:
        stmt = stmt.where(AuditEvent.action == filters.what)
    if filters.since is not None:
        stmt = stmt.where(AuditEvent.at >= filters.since)
    if filters.before is not None:
        stmt = stmt.where(AuditEvent.at < filters.before)
    return stmt


def _targeted(kind: str, column):
    return and_(AuditEvent.target_type == kind, column == AuditEvent.target_id)


def _rows(filters: AuditFilters):
    stmt = select(AuditEvent, Actor.name.label("actor_name"), Actor.email.label("actor_email"),
                  Subject.name.label("subject_name"), Subject.email.label("subject_email"),
                  Cohort.name.label("cohort_name"), TargetUser.name.label("target_name"),
                  TargetUser.email.label("target_email"), BadgeAward.short_code.label("badge_code"),
                  BadgeClass.name.label("badge_name"), Organisation.name.label("organisation_name"),
                  Quiz.title.label("quiz_title")).select_from(AuditEvent)
    return (_filtered(stmt, filters)
            .outerjoin(Cohort, _targeted("cohort", Cohort.id))
            .outerjoin(TargetUser, _targeted("user", TargetUser.id))
            .outerjoin(BadgeAward, _targeted("badge_award", BadgeAward.id))
            .outerjoin(BadgeClass, BadgeClass.id == BadgeAward.badge_class_id)
            .outerjoin(Organisation, _targeted("organisation", Organisation.id))
            .outerjoin(Quiz, _targeted("quiz", Quiz.id))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))


def events_page(filters: AuditFilters, *, page: int = 1, per_page: int | None = None) -> AuditPage:
    """One page of events. Two queries."""
    per_page = per_page or EVENTS_PER_PAGE
    total = db.session.scalar(_filtered(select(func.count(AuditEvent.id)).select_from(AuditEvent), filters))
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    rows = db.session.execute(_rows(filters).limit(per_page).offset((page - 1) * per_page)).all()
    return AuditPage(rows=rows, total=total, page=page, pages=pages)


def all_events(filters: AuditFilters):
    """Every event the filters select, streamed from one query (the CSV)."""
    return db.session.execute(_rows(filters).execution_options(yield_per=1000))
