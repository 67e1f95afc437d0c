"""The at-risk page: a short work list, the most urgent first, with the reason and the next action.

Every current learner has a status (statuses.py) and so has every pending invitation. The list
counts each status, keeps those the facilitator asked for (by default the ones that need
attention), sorts them by urgency and cuts one page. Only the page's rows get their reason in
words, which for "stuck" needs the item the learner stopped at: one more query, for that page.
A fixed number of queries whatever the cohort size: the invitations, the latest reminders, and
the completed lessons of the page's learners.
"""
import math
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, select

from lms.auth.models import User
from lms.cohorts import consent
from lms.cohorts.models import CohortInvitation, CohortMember
from lms.core.i18n import date as format_date
from lms.core.i18n import percent, translated
from lms.dashboards.queries import Context, LearnerRow, Structure
from lms.dashboards.risks import last_reminders
from lms.dashboards.services import QUIET_PERIOD
from lms.dashboards.statuses import RISKS, STATUSES, Rules, invitation_status, urgency
from lms.extensions import db
from lms.learning.models import LessonProgress

PER_PAGE = 50
FILTERS = ("attention", "all") + STATUSES      # "attention": every status in RISKS


@dataclass
class Entry:
    """One row: a learner (kind "learner", id = user id) or an invitation (id = invitation id)."""

    kind: str
    id: int
    name: str
    email: str
    status: str
    risks: list[str] = field(default_factory=list)
    learner: LearnerRow | None = None
    invited_at: datetime | None = None
    sent_at: datetime | None = None
    reminded_at: datetime | None = None     # the latest reminder, or the latest invitation mail
    quiet: bool = False                     # reminded in the last 24 hours: not sent again
    reason: str = ""                        # in words, for the page's rows
    key: tuple = ()

    @property
    def others(self) -> list[str]:
        """The risks that hold besides the status (a stuck learner who is also overdue)."""
        return [code for code in self.risks if code != self.status]

    @property
    def is_invitation(self) -> bool:
        return self.kind == "invitation"


@dataclass
class WorkList:
    counts: dict[str, int]
    attention: int
    shown: str               # the filter
    total: int               # rows matching the filter
    page: int
    pages: int
    entries: list[Entry]


def pending_invitations(cohort) -> list[tuple]:
    """(invitation, e-mail) of the cohort's pending invitations."""
    return db.session.execute(consent.pending(cohort.id).add_columns(User.email)
                              .join(User, User.id == CohortInvitation.user_id)).tuples().all()


def entries(ctx: Context, learners: list[LearnerRow], rules: Rules) -> list[Entry]:
    """Every learner and invitation with their status, the most urgent first (not yet worded)."""
    reminded = last_reminders(ctx.cohort)
    quiet_since = rules.now - QUIET_PERIOD
    rows = []
    for x in learners:
        at = reminded.get(x.id)
        rows.append(Entry("learner", x.id, x.name, x.email, x.status, x.risks, x, reminded_at=at,
                          quiet=at is not None and at > quiet_since,
                          key=urgency(x.status, progress=x.progress, expected=x.expected,
                                      last_active=x.last_active, since=x.joined_at)))
    for invitation, email in pending_invitations(ctx.cohort):
        status = invitation_status(invitation, rules)
        sent = invitation.sent_at or invitation.invited_at
        rows.append(Entry("invitation", invitation.id, invitation.name, email, status,
                          [status] if status in RISKS else [], invited_at=invitation.invited_at,
                          sent_at=invitation.sent_at, reminded_at=sent,
                          quiet=sent is not None and sent > quiet_since, key=urgency(status, since=sent)))
    rows.sort(key=lambda e: (e.key, e.name.casefold(), e.kind, e.id))
    return rows


def build(ctx: Context, learners: list[LearnerRow], rules: Rules, *, shown: str = "attention",
          page: int = 1) -> WorkList:
    rows = entries(ctx, learners, rules)
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    shown = shown if shown in FILTERS else "attention"
    if shown == "attention":
        rows = [r for r in rows if r.status in RISKS]
    elif shown != "all":
        rows = [r for r in rows if r.status == shown]
    pages = max(1, math.ceil(len(rows) / PER_PAGE))
    page = min(max(1, page), pages)
    chosen = rows[(page - 1) * PER_PAGE: page * PER_PAGE]
    word(chosen, ctx, rules)
    return WorkList(counts, sum(counts[code] for code in RISKS), shown, len(rows), page, pages, chosen)


# ---- where a learner is, and the reason in words ------------------------------------------

def course_items(structure: Structure) -> list[tuple[str, int]]:
    """("lesson" | "quiz", id) in course order: each module's lessons then its quiz, then the final."""
    items = []
    for module in structure.modules:
        items += [("lesson", lid) for lid in module.lesson_ids]
        if module.quiz_id is not None:
            items.append(("quiz", module.quiz_id))
    if structure.final_id is not None:
        items.append(("quiz", structure.final_id))
    return items


def completed_lessons(cohort, structure: Structure, user_ids: list[int]) -> dict[int, set[int]]:
    """{user_id: lesson ids completed since joining the cohort}, for a page of learners."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(LessonProgress.user_id, LessonProgress.lesson_id)
        .join(CohortMember, and_(CohortMember.user_id == LessonProgress.user_id, CohortMember.cohort_id == cohort.id))
        .where(LessonProgress.course_id == structure.course.id, LessonProgress.user_id.in_(user_ids),
               LessonProgress.completed_at.is_not(None), LessonProgress.completed_at >= CohortMember.joined_at))
    done: dict[int, set[int]] = {}
    for user_id, lesson_id in rows:
        done.setdefault(user_id, set()).add(lesson_id)
    return done


def item_title(structure: Structure, kind: str, item_id: int) -> str:
    return structure.lessons[item_id].title if kind == "lesson" else translated(structure.quizzes[item_id])


def current_item(learner: LearnerRow, order: list[tuple[str, int]], done: set[int]) -> tuple[str, int] | None:
    """The first lesson not completed or quiz not passed, in course order."""
    for kind, item_id in order:
        finished = item_id in done if kind == "lesson" else getattr(learner.results.get(item_id), "passed", False)
        if not finished:
            return kind, item_id
    return None


def word(rows: list[Entry], ctx: Context, rules: Rules) -> None:
    structure = ctx.structure
    order = course_items(structure)
    # for every learner on the page, stuck or not: the same queries whatever the page holds
    done = completed_lessons(ctx.cohort, structure, [r.id for r in rows if r.kind == "learner"])
    for row in rows:
        row.reason = _reason(row, structure, order, done.get(row.id, set()), rules)


def _days(since: datetime | None, now: datetime) -> int:
    return max((now - since).days, 0) if since else 0


def _reason(row: Entry, structure: Structure, order, done: set[int], rules: Rules) -> str:
    x, now = row.learner, rules.now
    if row.is_invitation:
        if row.sent_at and row.sent_at.date() != row.invited_at.date():
            return _("Invited on %(date)s, invitation last sent on %(sent)s; not accepted yet.",
                     date=format_date(row.invited_at, "medium"), sent=format_date(row.sent_at, "medium"))
        return _("Invited on %(date)s; not accepted yet.", date=format_date(row.invited_at, "medium"))
    if row.status == "failed_twice":
        quiz_id = next((qid for kind, qid in order if kind == "quiz" and qid in x.failed_twice), x.failed_twice[0])
        return ngettext("Failed “%(quiz)s” %(num)d times and has not passed it.",
                        "Failed “%(quiz)s” %(num)d times and has not passed it.",
                        x.results[quiz_id].failed_attempts, quiz=item_title(structure, "quiz", quiz_id))
    if row.status == "stuck":
        days = _days(x.last_active, now)
        item = current_item(x, order, done)
        if item is None:
            return ngettext("No activity for %(num)d day.", "No activity for %(num)d days.", days)
        return ngettext("Stuck on “%(item)s”: no activity for %(num)d day.",
                        "Stuck on “%(item)s”: no activity for %(num)d days.", days,
                        item=item_title(structure, *item))
    if row.status in ("not_started", "just_joined"):
        days = _days(x.joined_at, now)
        if row.status == "just_joined":
            return ngettext("Joined %(num)d day ago.", "Joined %(num)d days ago.", days)
        return ngettext("Joined %(num)d day ago and has not begun.", "Joined %(num)d days ago and has not begun.",
                        days)
    if row.status == "overdue":
        return _("Due on %(date)s; %(progress)s done.", date=format_date(rules.due_on, "medium"),
                 progress=percent(x.progress, 0))
    if row.status == "behind":
        return _("%(progress)s done; %(expected)s needed by now to finish by %(date)s.",
                 progress=percent(x.progress, 0), expected=percent(x.expected, 0),
                 date=format_date(rules.due_on, "medium"))
    if row.status == "done":
        return _("Completed on %(date)s.", date=format_date(x.completed_at, "medium"))
    return _("%(progress)s done.", progress=percent(x.progress, 0))

