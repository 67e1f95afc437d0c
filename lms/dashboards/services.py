"""Reminders: a facilitator e-mails chosen learners of a cohort and we record each one sent.

A learner reminded in the last 24 hours is skipped (a double click must not mail twice). The
mail goes through the outbox, which retries until it is delivered. A person who is only
invited (not a member yet) is reminded with a fresh invitation (lms.cohorts.consent.resend),
never with a link to a login page, and not again within 24 hours of the last one. A member
whose account has no password yet gets the link to choose one. Flushes, never commits.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from sqlalchemy import insert, select

from lms.catalog.queries import course_text
from lms.cohorts import consent
from lms.cohorts.invitations import set_password_link
from lms.cohorts.models import Reminder
from lms.core import audit
from lms.core.mail import queue_mails
from lms.extensions import db

QUIET_PERIOD = timedelta(hours=24)


@dataclass
class ReminderOutcome:
    sent: list = field(default_factory=list)
    skipped: list = field(default_factory=list)     # reminded (or invited) less than 24 hours ago
    invited: list = field(default_factory=list)     # invitations sent again


def recently_reminded(cohort, user_ids: list[int], now: datetime) -> set[int]:
    if not user_ids:
        return set()
    return set(db.session.scalars(select(Reminder.user_id).where(
        Reminder.cohort_id == cohort.id, Reminder.user_id.in_(user_ids), Reminder.sent_at > now - QUIET_PERIOD)))


def _message(learner, *, cohort, course, due_on, facilitator, reasons) -> tuple[str, str]:
    with force_locale(learner.locale or "en"):
        from flask_babel import gettext as _

        title = course_text(course, learner.locale or "en").title
        subject = _("A reminder about your course “%(title)s”", title=title)
        activate = learner.password_hash is None      # an account that cannot log in yet
        link = set_password_link(learner, cohort) if activate else \
            current_app.config["BASE_URL"] + url_for("catalog.course", slug=course.slug)
        body = render_template("dashboards/reminder_mail.txt", learner=learner, cohort=cohort, course=course,
                               course_title=title, due_on=due_on, facilitator=facilitator, reasons=reasons,
                               link=link, activate=activate)
    return subject, body


def send_reminders(cohort, learners: list, *, course, due_on, reasons: dict[int, list[str]], user,
                   now: datetime, invitations: list = ()) -> ReminderOutcome:
    """E-mail each learner (a User) once; `reasons` maps a user id to risk codes (statuses.RISKS).
    `invitations` (the cohort's pending CohortInvitation rows) are sent again instead."""
    outcome = ReminderOutcome()
    if learners:
        _remind_learners(cohort, learners, outcome, course=course, due_on=due_on, reasons=reasons, user=user,
                         now=now)
    _resend_invitations(cohort, list(invitations), outcome, user=user, now=now)
    db.session.flush()
    return outcome


def _remind_learners(cohort, learners: list, outcome: ReminderOutcome, *, course, due_on, reasons, user,
                     now: datetime) -> None:
    quiet = recently_reminded(cohort, [x.id for x in learners], now)
    mails, rows = [], []
    for learner in learners:
        if learner.id in quiet or not learner.active:  # a deleted or deactivated account gets no mail
            outcome.skipped.append(learner)
            continue
        codes = reasons.get(learner.id, [])
        subject, body = _message(learner, cohort=cohort, course=course, due_on=due_on, facilitator=user,
                                 reasons=codes)
        mails.append((learner.email, subject, body, learner.locale or "en"))
        rows.append({"cohort_id": cohort.id, "user_id": learner.id, "sent_by_id": user.id, "sent_at": now,
                     "reason": ",".join(codes)[:200]})
        outcome.sent.append(learner)
    if rows:  # in bulk: reminding 5,000 learners is two statements, not 10,000
        queue_mails(mails, kind="reminder")
        db.session.execute(insert(Reminder), rows)
    audit.record(user, "cohort.remind", cohort, course_id=course.id,
                 sent=[x.id for x in outcome.sent], skipped=[x.id for x in outcome.skipped])


def _resend_invitations(cohort, invitations: list, outcome: ReminderOutcome, *, user, now: datetime) -> None:
    due = []
    for invitation in invitations:
        last = invitation.sent_at or invitation.invited_at
        (outcome.skipped if last is not None and last > now - QUIET_PERIOD else due).append(invitation)
    if due:
        consent.resend(cohort, due, user=user, now=now)
        outcome.invited.extend(due)
