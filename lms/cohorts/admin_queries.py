"""Reads for the admin pages. One query per figure, whatever the platform size."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select

from lms.auth.models import User
from lms.catalog.models import Course
from lms.cohorts.models import Cohort, Organisation
from lms.core.models import AuditEvent
from lms.extensions import db
from lms.learning.models import Enrollment

USERS_PER_PAGE = 50


def learners_by_country():
    """[(country code or None, learners)], most learners first."""
    return db.session.execute(
        select(Organisation.country, func.count(User.id).label("n"))
        .select_from(User).outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == "learner").group_by(Organisation.country)
        .order_by(func.count(User.id).desc(), Organisation.country)).all()


def learners_by_kind():
    """[(organisation kind or None, learners)], most learners first."""
    return db.session.execute(
        select(Organisation.kind, func.count(User.id).label("n"))
        .select_from(User).outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == "learner").group_by(Organisation.kind)
        .order_by(func.count(User.id).desc(), Organisation.kind)).all()


def completions_per_course():
    """[(Course, enrolled, completed)] for every course, in catalogue order."""
    return db.session.execute(
        select(Course, func.count(Enrollment.id).label("enrolled"),
               func.count(Enrollment.completed_at).label("completed"))
        .outerjoin(Enrollment, Enrollment.course_id == Course.id)
        .group_by(Course.id).order_by(Course.archived, Course.position, Course.title)).all()


def totals() -> dict:
    row = db.session.execute(select(
        func.count(User.id).filter(User.role == "learner"),
        func.count(User.id).filter(User.role == "facilitator"),
        func.count(User.id).filter(User.role == "admin"),
        func.count(User.id).filter(User.active.is_(False)))).one()
    return dict(zip(("learners", "facilitators", "admins", "deactivated"), row, strict=True))


# A CSV upload writes its audit event moments after creating the organisations it names.
CSV_WINDOW = timedelta(minutes=10)


@dataclass
class OrganisationRow:
    organisation: Organisation
    people: int
    cohorts: int
    source: str                      # "admin" | "csv" | "other" (command line, demo data, older data)
    by: str | None = None            # who created it
    cohort: Cohort | None = None     # the cohort whose upload created it


def organisations_with_counts() -> list[OrganisationRow]:
    """Every organisation by name with its people and cohorts, and how it was created. Two
    queries: the rows, then the actors and cohorts of the audit events they point to."""
    people = (select(User.organisation_id, func.count().label("n"))
              .where(User.organisation_id.is_not(None)).group_by(User.organisation_id).subquery())
    cohorts = (select(Cohort.organisation_id, func.count().label("n"))
               .where(Cohort.organisation_id.is_not(None)).group_by(Cohort.organisation_id).subquery())
    created = (select(AuditEvent.id).where(AuditEvent.action == "organisation.created",
                                           AuditEvent.target_type == "organisation",
                                           AuditEvent.target_id == Organisation.id)
               .order_by(AuditEvent.id).limit(1).scalar_subquery())
    uploaded = (select(AuditEvent.id).where(AuditEvent.action == "cohort.roster_imported",
                                            AuditEvent.at >= Organisation.created_at)
                .order_by(AuditEvent.at, AuditEvent.id).limit(1).scalar_subquery())
    rows = db.session.execute(
        select(Organisation, func.coalesce(people.c.n, 0), func.coalesce(cohorts.c.n, 0),
               created.label("created"), uploaded.label("uploaded"))
        .outerjoin(people, people.c.organisation_id == Organisation.id)
        .outerjoin(cohorts, cohorts.c.organisation_id == Organisation.id)
        .order_by(Organisation.name)).all()
    wanted = {event_id for row in rows for event_id in (row.created, row.uploaded) if event_id}
    events = {event.id: (event, name, cohort) for event, name, cohort in db.session.execute(
        select(AuditEvent, User.name, Cohort).outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Cohort, (AuditEvent.target_type == "cohort") & (Cohort.id == AuditEvent.target_id))
        .where(AuditEvent.id.in_(wanted)))} if wanted else {}
    return [_organisation_row(row, events) for row in rows]


def _organisation_row(row, events) -> OrganisationRow:
    organisation, people, cohorts = row[0], row[1], row[2]
    if row.created in events:
        _event, by, _cohort = events[row.created]
        return OrganisationRow(organisation, people, cohorts, "admin", by)
    if row.uploaded in events:
        event, by, cohort = events[row.uploaded]
        created = (event.data or {}).get("organisations")  # the names it created (a count, once)
        if isinstance(created, list):
            named = organisation.name.casefold() in {str(name).casefold() for name in created}
        else:
            named = bool(created) and event.at - organisation.created_at <= CSV_WINDOW
        if named:
            return OrganisationRow(organisation, people, cohorts, "csv", by, cohort)
    return OrganisationRow(organisation, people, cohorts, "other")


@dataclass
class UserPage:
    rows: list
    total: int
    page: int
    pages: int


def users_page(*, search: str = "", role: str = "", page: int = 1, per_page: int = USERS_PER_PAGE) -> UserPage:
    """One page of users with their organisation name. Two queries."""
    stmt = (select(User, Organisation.name.label("organisation"))
            .outerjoin(Organisation, Organisation.id == User.organisation_id))
    if search.strip():
        needle = search.strip().lower()
        stmt = stmt.where(or_(func.lower(User.name).contains(needle, autoescape=True),
                              func.lower(User.email).contains(needle, autoescape=True)))
    if role:
        stmt = stmt.where(User.role == role)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    rows = db.session.execute(stmt.order_by(func.lower(User.name), User.id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return UserPage(rows=rows, total=total, page=page, pages=pages)
