"""Reminders: a facilitator e-mails chosen learners of a cohort and we record each one sent.

A learner reminded in the last 24 hours is skipped (a double click must not mail twice). A
message that cannot be delivered is reported and not recorded, so the record only ever lists
reminders that left. Flushes, never commits.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from sqlalchemy import select

from lms.catalog.queries import course_text
from lms.cohorts.models import Reminder
from lms.core import audit
from lms.core.mail import queue_mail
from lms.extensions import db

QUIET_PERIOD = timedelta(hours=24)


@dataclass
class ReminderOutcome:
    sent: list = field(default_factory=list)
    skipped: list = field(default_factory=list)     # reminded less than 24 hours ago


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
        body = render_template("dashboards/reminder_mail.txt", learner=learner, cohort=cohort, course=course,
                               course_title=title,
                               due_on=due_on, facilitator=facilitator, reasons=reasons,
                               link=current_app.config["BASE_URL"] + url_for("catalog.course", slug=course.slug))
    return subject, body


def send_reminders(cohort, learners: list, *, course, due_on, reasons: dict[int, list[str]], user,
                   now: datetime) -> ReminderOutcome:
    """E-mail each learner (a User) once; `reasons` maps a user id to risk codes (queries.RISKS)."""
    outcome = ReminderOutcome()
    quiet = recently_reminded(cohort, [x.id for x in learners], now)
    for learner in learners:
        if learner.id in quiet or not learner.active:  # a deleted or deactivated account gets no mail
            outcome.skipped.append(learner)
            continue
        codes = reasons.get(learner.id, [])
        subject, body = _message(learner, cohort=cohort, course=course, due_on=due_on, facilitator=user,
                                 reasons=codes)
        queue_mail(learner.email, subject, body, kind="reminder", language=learner.locale or "en")
        db.session.add(Reminder(cohort_id=cohort.id, user_id=learner.id, sent_by_id=user.id, sent_at=now,
                                reason=",".join(codes)[:200]))
        outcome.sent.append(learner)
    audit.record(user, "cohort.remind", cohort, course_id=course.id,
                 sent=[x.id for x in outcome.sent], skipped=[x.id for x in outcome.skipped])
    db.session.flush()
    return outcome
