"""Outgoing mail through a transactional outbox.

`queue_mail` writes the message into the outbox in the caller's transaction: it exists exactly
when the change that caused it commits. `flask mail work` (lms/core/outbox.py) delivers it, over
SMTP when MAIL_SERVER is set, otherwise as an .eml file under MAIL_DIR with a line in the log
whose links have their tokens masked (a reset or invitation link is a password).
"""
import logging
import re
import smtplib
import uuid
from email.header import Header
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formatdate, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import insert

from lms.core.db import utcnow
from lms.core.models import OutboxMessage
from lms.extensions import db

log = logging.getLogger("lms.mail")

# A path segment this long made of token characters is a secret (signed reset, invitation and
# confirmation tokens are far longer); shown in the log as its first characters and an ellipsis.
_WIRE = compat32.clone(linesep="\r\n")  # SMTP wants CRLF; sendmail() does not fix bytes
_TOKEN = re.compile(r"(?<=/)([A-Za-z0-9_\-.]{6})[A-Za-z0-9_\-.]{18,}")


def _row(to: str, subject: str, body: str, kind: str, language: str = "en") -> dict:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    now = utcnow()
    return {"message_id": f"<{uuid.uuid4().hex}@{host}>", "to_address": to, "subject": subject, "body": body,
            "kind": kind, "language": language, "state": "pending", "created_at": now, "send_after": now,
            "attempts": 0}


def queue_mail(to: str, subject: str, body: str, *, kind: str = "mail", language: str = "en") -> OutboxMessage:
    """Put a message in the outbox, committed (or rolled back) with the caller's transaction.
    `language` is the one it is written in (the admin's outbox page marks it)."""
    message = OutboxMessage(**_row(to, subject, body, kind, language))
    db.session.add(message)
    return message


def queue_mails(messages: list[tuple[str, str, str, str]], *, kind: str = "mail") -> int:
    """Many (to, subject, body, language) in one statement, however many (a CSV upload)."""
    if messages:
        db.session.execute(insert(OutboxMessage), [_row(to, subject, body, kind, language)
                                                   for to, subject, body, language in messages])
    return len(messages)


def mask_tokens(text: str) -> str:
    return _TOKEN.sub(r"\1…", text)


def build(row: OutboxMessage) -> bytes:
    """The message as sent. The compat32 classes, not EmailMessage: the same result for plain
    text, several times faster, which a worker sending thousands notices."""
    config = current_app.config
    message = MIMEText(row.body, "plain", "utf-8")
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = row.to_address
    message["Subject"] = Header(row.subject, "utf-8", header_name="Subject")
    message["Message-ID"] = row.message_id  # the same on every retry: a duplicate can be dropped
    message["Date"] = formatdate(localtime=False)
    return message.as_bytes(policy=_WIRE)


class Transport:
    """One delivery session: a single SMTP connection for a batch, or files in MAIL_DIR."""

    def __init__(self):
        self.smtp = None
        self.sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]

    def __enter__(self):
        config = current_app.config
        if config.get("MAIL_SERVER"):
            self.smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
            if config.get("MAIL_USE_TLS"):
                self.smtp.starttls()
            if config.get("MAIL_USERNAME"):
                self.smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        return self

    def send(self, row: OutboxMessage) -> None:
        message = build(row)
        if self.smtp is not None:
            self.smtp.sendmail(self.sender, [row.to_address], message)
            return
        folder = Path(current_app.config["MAIL_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{row.created_at:%Y%m%d-%H%M%S}-{row.id}.eml"
        (folder / name).write_bytes(message)
        log.info("mail (no MAIL_SERVER set) written to %s\nTo: %s\nSubject: %s\n\n%s",
                 folder / name, row.to_address, row.subject, mask_tokens(row.body))

    def __exit__(self, *exc):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
        return False
