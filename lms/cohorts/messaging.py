"""Sending a facilitator's message to the learners an audience filter picked.

One CohortMessage, one recipient row and one outbox mail per learner, in the caller's
transaction: the message exists, is listed and is delivered exactly when the view commits. Each
learner gets the version in their language when the facilitator wrote one, else the original.
"""
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from sqlalchemy import insert, select

from lms.cohorts.models import CohortMessage, CohortMessageRecipient
from lms.core import audit
from lms.core.mail import queue_mails
from lms.extensions import db

SUBJECT_MAX, BODY_MAX = 200, 10_000


class AlreadySent(Exception):
    """The same compose form was posted again: `message` is the one it already sent."""

    def __init__(self, message: CohortMessage):
        super().__init__(message.id)
        self.message = message


def version_for(message, locale: str | None) -> tuple[str, str, str]:
    """(language, subject, body) a reader of `locale` gets: their language's version, else the original."""
    found = (message.translations or {}).get(locale) if locale != message.language else None
    if found and found.get("subject") and found.get("body"):
        return locale, found["subject"], found["body"]
    return message.language, message.subject, message.body


def sent_with_key(key: str) -> CohortMessage | None:
    return db.session.scalar(select(CohortMessage).where(CohortMessage.send_key == key))


def _mails(message, cohort, recipients, *, user) -> list[tuple[str, str, str, str]]:
    """One mail per recipient; composed once per language, since nothing in it is personal."""
    link = current_app.config["BASE_URL"] + url_for("cohorts.inbox_message", message_id=message.id)
    composed: dict[str, tuple[str, str, str]] = {}
    mails = []
    for person in recipients:
        if person.locale not in composed:
            language, subject, body = version_for(message, person.locale)
            with force_locale(person.locale):
                text = render_template("cohorts/message_mail.txt", body=body, cohort=cohort, sender=user, link=link)
            composed[person.locale] = (language, subject, text)
        language, subject, text = composed[person.locale]
        mails.append((person.email, subject, text, language))
    return mails


def send_message(cohort, selection, *, user, now, subject: str, body: str, language: str,
                 translations: dict, audience: dict, key: str) -> CohortMessage:
    """Record the message and queue its mails (flushes; the caller commits). Raises AlreadySent
    when a message with this form's `key` exists; the unique key also stops two posts racing."""
    existing = sent_with_key(key)
    if existing is not None:
        raise AlreadySent(existing)
    recipients = selection.recipients
    message = CohortMessage(cohort_id=cohort.id, sent_by_id=user.id, sent_at=now, subject=subject, body=body,
                            language=language, translations=translations, audience=audience,
                            recipient_count=len(recipients), send_key=key)
    db.session.add(message)
    db.session.flush()
    if recipients:
        db.session.execute(insert(CohortMessageRecipient), [
            {"message_id": message.id, "user_id": person.id, "language": version_for(message, person.locale)[0]}
            for person in recipients])
        queue_mails(_mails(message, cohort, recipients, user=user), kind="cohort_message")
    audit.record(user, "cohort.message_sent", message, cohort_id=cohort.id, recipients=len(recipients),
                 audience=audience.get("kind"))
    return message
