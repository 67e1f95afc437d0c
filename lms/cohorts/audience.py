"""Who a cohort message goes to: the filters a facilitator chooses from, and the learners each picks.

The filters read the dashboards' own per-learner rows (lms.dashboards.queries.learner_rows with
the marks of lms.dashboards.risks, module states as the matrix computes them), so the learners a
facilitator sees listed are the learners a message reaches: "at risk" is the at-risk work list,
"not started" the status of that name (learners still in their grace period are "just joined").
Recipients are the cohort's current learners whose account is not deactivated: never people
invited who have not joined (they are not members), never removed learners. A fixed number of
queries whatever the cohort size.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.auth.models import User
from lms.cohorts import consent
from lms.cohorts.models import CohortMember, Organisation
from lms.core.i18n import translated
from lms.dashboards import matrix, risks
from lms.dashboards.queries import Assigned, Structure, assigned_courses, learner_rows, structures
from lms.extensions import db

KINDS = {
    "everyone": _l("Everyone in the cohort"),
    "at_risk": _l("Learners at risk in a course"),
    "not_started": _l("Learners who have not started a course"),
    "organisation": _l("Learners from one organisation"),
    "module": _l("Learners by where they are in a module"),
}
MODULE_STATES = {
    "not_reached": _l("have not reached the module"),
    "in_progress": _l("are working on the module"),
    "completed": _l("have completed the module"),
    "passed_quiz": _l("have passed the module's quiz"),
}
COURSE_KINDS = ("at_risk", "not_started", "module")


@dataclass(frozen=True, slots=True)
class Recipient:
    id: int
    name: str
    email: str
    locale: str
    organisation_id: int | None

    @property
    def first_name(self) -> str:
        parts = self.name.split()
        return parts[0] if parts else self.name


@dataclass
class Options:
    """What the audience chooser offers for one cohort."""

    assigned: list[Assigned]
    structures: dict[int, Structure]
    organisations: list[tuple[int, str]]

    def course(self, course_id: int | None) -> Assigned | None:
        return next((a for a in self.assigned if a.course.id == course_id), None)

    def module(self, module_id: int | None):
        """(Assigned, ModuleInfo) of one of the cohort's modules, or None."""
        for a in self.assigned:
            found = next((m for m in self.structures[a.course.id].modules if m.id == module_id), None)
            if found is not None:
                return a, found
        return None

    def organisation(self, organisation_id: int | None) -> str | None:
        return next((name for oid, name in self.organisations if oid == organisation_id), None)


def options(cohort) -> Options:
    """Four queries: the assigned courses, their structure, the learners' organisations."""
    assigned = assigned_courses(cohort)
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name).distinct()
        .join(User, User.organisation_id == Organisation.id)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.role == "learner",
               CohortMember.removed_at.is_(None))
        .order_by(Organisation.name)).tuples().all()
    return Options(assigned, structures([a.course for a in assigned]), [(oid, name) for oid, name in organisations])


@dataclass
class Audience:
    kind: str = "everyone"
    course_id: int | None = None
    module_id: int | None = None
    state: str | None = None
    organisation_id: int | None = None

    def problem(self, choices: Options) -> tuple[str, str] | None:
        """(field, message) when the filter is incomplete or names something the cohort lacks."""
        if self.kind not in KINDS:
            return "audience", _("Choose who receives the message.")
        if self.kind == "organisation" and choices.organisation(self.organisation_id) is None:
            return "organisation_id", _("Choose an organisation.")
        if self.kind in ("at_risk", "not_started") and choices.course(self.course_id) is None:
            return "course_id", _("Choose a course.")
        if self.kind == "module":
            found = choices.module(self.module_id)
            if found is None:
                return "module_id", _("Choose a module.")
            if self.state not in MODULE_STATES:
                return "module_state", _("Choose where the learners are in the module.")
            if self.state == "passed_quiz" and found[1].quiz_id is None:
                return "module_state", _("This module has no quiz.")
        return None

    def spec(self, choices: Options) -> dict:
        """The filter as stored with the message, with the names it showed (for the list)."""
        spec = {"kind": self.kind}
        if self.kind == "organisation":
            spec.update(organisation_id=self.organisation_id, organisation=choices.organisation(self.organisation_id))
        elif self.kind in ("at_risk", "not_started"):
            spec.update(course_id=self.course_id, course=translated(choices.course(self.course_id).course))
        elif self.kind == "module":
            assigned, module = choices.module(self.module_id)
            spec.update(course_id=assigned.course.id, course=translated(assigned.course), module_id=module.id,
                        module=translated(module), state=self.state)
        return spec


def describe(spec: dict) -> str:
    """A stored audience in words, in the page's language."""
    kind = spec.get("kind")
    if kind == "organisation":
        return _("Learners from %(organisation)s", organisation=spec.get("organisation") or "?")
    if kind == "at_risk":
        return _("Learners at risk in %(course)s", course=spec.get("course") or "?")
    if kind == "not_started":
        return _("Learners who have not started %(course)s", course=spec.get("course") or "?")
    if kind == "module":
        names = {"module": spec.get("module") or "?", "course": spec.get("course") or "?"}
        return {"not_reached": _("Learners who have not reached %(module)s (%(course)s)", **names),
                "in_progress": _("Learners working on %(module)s (%(course)s)", **names),
                "completed": _("Learners who have completed %(module)s (%(course)s)", **names),
                "passed_quiz": _("Learners who have passed the quiz of %(module)s (%(course)s)", **names),
                }.get(spec.get("state"), _("Learners by module"))
    return _("Everyone in the cohort")


@dataclass
class Selection:
    recipients: list[Recipient]
    deactivated: int = 0            # picked by the filter, but their account is deactivated
    invited: int = 0                # pending invitations of the cohort: not members, never recipients

    @property
    def count(self) -> int:
        return len(self.recipients)

    def first_names(self, limit: int = 12) -> list[str]:
        return [r.first_name for r in self.recipients[:limit]]


def _members(cohort) -> list[tuple[Recipient, bool]]:
    """The cohort's current learners, each with whether their account can receive a message."""
    rows = db.session.execute(
        select(User.id, User.name, User.email, User.locale, User.organisation_id, User.active)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.role == "learner",
               CohortMember.removed_at.is_(None))
        .order_by(User.name, User.id)).tuples()
    return [(Recipient(uid, name, email, locale or "en", org), bool(ready))
            for uid, name, email, locale, org, ready in rows]


def _picked_on_course(cohort, audience: Audience, choices: Options, now) -> set[int]:
    if audience.kind == "module":
        assigned, module = choices.module(audience.module_id)
    else:
        assigned, module = choices.course(audience.course_id), None
    structure = choices.structures[assigned.course.id]
    learners = learner_rows(cohort, structure)
    if audience.kind in ("at_risk", "not_started"):
        risks.mark_risks(learners, due_on=assigned.due_on, now=now, cohort=cohort)
        if audience.kind == "at_risk":
            return {x.id for x in learners if x.risks}
        return {x.id for x in learners if x.status == "not_started"}
    if audience.state == "passed_quiz":
        return {x.id for x in learners if (r := x.results.get(module.quiz_id)) is not None and r.passed}
    counts = matrix.module_counts(cohort, structure)
    wanted = {"not_reached": {matrix.NOT_STARTED}, "in_progress": {matrix.IN_PROGRESS, matrix.FAILED_TWICE},
              "completed": {matrix.DONE, matrix.PASSED}}[audience.state]
    picked = set()
    for x in learners:
        done, seen = counts.get((x.id, module.id), (0, 0))
        result = x.results.get(module.quiz_id) if module.quiz_id else None
        if matrix.module_state(done, seen, len(module.lesson_ids), result, module.quiz_id is not None) in wanted:
            picked.add(x.id)
    return picked


def select_recipients(cohort, audience: Audience, choices: Options, *, now) -> Selection:
    """The learners `audience` picks, by name (call `audience.problem(choices)` first)."""
    members = _members(cohort)
    if audience.kind == "organisation":
        members = [(r, ready) for r, ready in members if r.organisation_id == audience.organisation_id]
    elif audience.kind in COURSE_KINDS:
        picked = _picked_on_course(cohort, audience, choices, now)
        members = [(r, ready) for r, ready in members if r.id in picked]
    recipients = [r for r, ready in members if ready]
    return Selection(recipients, sum(1 for _r, ready in members if not ready), consent.pending_count(cohort.id))
