"""Reads for the cohort pages. Each function issues a fixed number of queries."""
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from lms.auth.models import User
from lms.catalog.models import Course
from lms.cohorts.models import Cohort, CohortCourse, CohortInvitation, CohortMember, Organisation
from lms.cohorts.permissions import visible_cohorts
from lms.extensions import db

MEMBERS_PER_PAGE = 50


def _learner_counts():
    return (select(CohortMember.cohort_id, func.count().label("n"))
            .where(CohortMember.role == "learner", CohortMember.removed_at.is_(None))
            .group_by(CohortMember.cohort_id).subquery())


def _course_counts():
    return (select(CohortCourse.cohort_id, func.count().label("n"))
            .group_by(CohortCourse.cohort_id).subquery())


def cohort_rows(user, *, status: str | None = None):
    """Cohorts `user` may see, with organisation, learner and course counts. One query."""
    learners, courses = _learner_counts(), _course_counts()
    stmt = (select(Cohort, Organisation.name.label("organisation"),
                   func.coalesce(learners.c.n, 0).label("learners"),
                   func.coalesce(courses.c.n, 0).label("courses"))
            .outerjoin(Organisation, Organisation.id == Cohort.organisation_id)
            .outerjoin(learners, learners.c.cohort_id == Cohort.id)
            .outerjoin(courses, courses.c.cohort_id == Cohort.id)
            .order_by(Cohort.status == "archived", Cohort.name, Cohort.id))
    if status:
        stmt = stmt.where(Cohort.status == status)
    return db.session.execute(visible_cohorts(stmt, user)).all()


def facilitators_by_cohort(cohort_ids) -> dict[int, list[str]]:
    """Facilitator names per cohort, for lists of cohorts. One query."""
    rows = db.session.execute(
        select(CohortMember.cohort_id, User.name).join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id.in_(list(cohort_ids)), CohortMember.role == "facilitator",
               CohortMember.removed_at.is_(None)).order_by(User.name)).all()
    names: dict[int, list[str]] = {}
    for cohort_id, name in rows:
        names.setdefault(cohort_id, []).append(name)
    return names


def organisations():
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def assignable_courses():
    return list(db.session.scalars(select(Course).where(Course.archived.is_(False))
                                   .order_by(Course.position, Course.title)))


def assigned_courses(cohort: Cohort):
    """(CohortCourse, Course) pairs of the cohort, in catalogue order. One query."""
    return db.session.execute(
        select(CohortCourse, Course).join(Course, Course.id == CohortCourse.course_id)
        .where(CohortCourse.cohort_id == cohort.id).order_by(Course.position, Course.title)).all()


def facilitators(cohort: Cohort):
    return list(db.session.scalars(
        select(User).join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.role == "facilitator",
               CohortMember.removed_at.is_(None)).order_by(User.name)))


def move_targets(user, cohort: Cohort, limit: int | None = None):
    """Other cohorts the user manages that still take learners."""
    stmt = (select(Cohort).where(Cohort.id != cohort.id, Cohort.status != "archived")
            .order_by(Cohort.name, Cohort.id).limit(limit))
    return list(db.session.scalars(visible_cohorts(stmt, user)))


MEMBER_STATES = ("active", "removed", "all", "invited")
CHUNK = 1000  # ids per IN (...): well under both engines' limits on bound parameters


@dataclass
class MemberPage:
    rows: list
    total: int
    page: int
    pages: int
    counts: dict


def _matching(stmt, search: str, *columns):
    needle = (search or "").strip().lower()
    if not needle:
        return stmt
    return stmt.where(or_(*(func.lower(column).contains(needle, autoescape=True) for column in columns)))


def chunked(ids) -> list[list[int]]:
    ids = list(dict.fromkeys(ids))
    return [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]


def member_rows(cohort: Cohort, *, state: str = "active", search: str = ""):
    """A select of the cohort's learner rows in `state` (active, removed, all) matching `search`."""
    stmt = (select(CohortMember.joined_at, CohortMember.removed_at, User.id, User.name, User.email,
                   User.password_hash.is_not(None).label("has_password"), User.last_login_at,
                   Organisation.name.label("organisation"))
            .join(User, User.id == CohortMember.user_id)
            .outerjoin(Organisation, Organisation.id == User.organisation_id)
            .where(CohortMember.cohort_id == cohort.id, CohortMember.role == "learner"))
    if state == "active":
        stmt = stmt.where(CohortMember.removed_at.is_(None))
    elif state == "removed":
        stmt = stmt.where(CohortMember.removed_at.is_not(None))
    return _matching(stmt, search, User.name, User.email).order_by(func.lower(User.name), User.id)


def invitation_rows(cohort: Cohort, *, search: str = ""):
    """A select of the cohort's pending and declined invitations matching `search`. The name is
    the one the facilitator wrote, never the account's (nor is the account's name searched)."""
    stmt = (select(CohortInvitation.id, CohortInvitation.user_id, CohortInvitation.name, User.email,
                   CohortInvitation.invited_at, CohortInvitation.sent_at, CohortInvitation.response,
                   CohortInvitation.responded_at)
            .join(User, User.id == CohortInvitation.user_id)
            .where(CohortInvitation.cohort_id == cohort.id,
                   or_(CohortInvitation.response.is_(None), CohortInvitation.response == "declined")))
    return (_matching(stmt, search, CohortInvitation.name, User.email)
            .order_by(func.lower(CohortInvitation.name), CohortInvitation.id))


def member_counts(cohort: Cohort) -> dict:
    """Learners in the cohort, removed, and invited (pending or declined). Two queries."""
    counts = dict(db.session.execute(
        select(CohortMember.removed_at.is_(None), func.count()).where(
            CohortMember.cohort_id == cohort.id, CohortMember.role == "learner")
        .group_by(CohortMember.removed_at.is_(None))).all())
    invited = db.session.scalar(select(func.count()).select_from(invitation_rows(cohort).subquery()))
    return {"active": counts.get(True, 0), "removed": counts.get(False, 0), "invited": invited or 0}


def members_page(cohort: Cohort, *, state: str = "active", search: str = "", page: int = 1,
                 per_page: int = MEMBERS_PER_PAGE) -> MemberPage:
    """One page of the cohort's learners (or of its invitations), with search. Four queries
    whatever the cohort size."""
    counts = member_counts(cohort)
    stmt = invitation_rows(cohort, search=search) if state == "invited" else \
        member_rows(cohort, state=state, search=search)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return MemberPage(rows=rows, total=total, page=page, pages=pages, counts=counts)


def learner_selection(cohort: Cohort, *, search: str = "", ids=None) -> list[int]:
    """Ids of the cohort's active learners that match `search`: all of them, or only those among
    `ids` (ids of anyone else are dropped). One query, or one per thousand ids."""
    stmt = (select(CohortMember.user_id).join(User, User.id == CohortMember.user_id)
            .where(CohortMember.cohort_id == cohort.id, CohortMember.role == "learner",
                   CohortMember.removed_at.is_(None)))
    stmt = _matching(stmt, search, User.name, User.email).order_by(func.lower(User.name), User.id)
    if ids is None:
        return list(db.session.scalars(stmt))
    return [user_id for chunk in chunked(ids)
            for user_id in db.session.scalars(stmt.where(CohortMember.user_id.in_(chunk)))]


def invitation_selection(cohort: Cohort, *, search: str = "", ids=None) -> list[CohortInvitation]:
    """The cohort's pending and declined invitations that match `search`: all, or only those among
    `ids` (invitation ids; any other cohort's are dropped). One query, or one per thousand ids."""
    stmt = (select(CohortInvitation).join(User, User.id == CohortInvitation.user_id)
            .where(CohortInvitation.cohort_id == cohort.id,
                   or_(CohortInvitation.response.is_(None), CohortInvitation.response == "declined")))
    stmt = _matching(stmt, search, CohortInvitation.name, User.email).order_by(
        func.lower(CohortInvitation.name), CohortInvitation.id)
    if ids is None:
        return list(db.session.scalars(stmt))
    return [row for chunk in chunked(ids) for row in db.session.scalars(stmt.where(CohortInvitation.id.in_(chunk)))]
