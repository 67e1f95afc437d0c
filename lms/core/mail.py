"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise the message goes to the log."""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("lms.mail")


def send_mail(to: str, subject: str, body: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not config.get("MAIL_SERVER"):
        # Decoded, so a developer can read it and click its links (the wire form wraps them).
        log.info("mail (no MAIL_SERVER set, not sent)\nTo: %s\nSubject: %s\n\n%s", to, subject, body)
        return message
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
    return message


def send_after_commit(session: Session, to: str, subject: str, body: str) -> None:
    """Send once the transaction that caused the mail commits; forget it on rollback. A mail
    that fails is logged: it never undoes what was committed."""
    session.info.setdefault("mail_after_commit", []).append((to, subject, body))


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    for to, subject, body in session.info.pop("mail_after_commit", []):
        try:
            send_mail(to, subject, body)
        except (smtplib.SMTPException, OSError):
            log.exception("mail to %s not sent", to)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop("mail_after_commit", None)
