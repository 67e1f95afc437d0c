"""The admin's view of the mail outbox: what waits, what failed and why, and a retry."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from lms.core import outbox
from lms.core.db import utcnow
from lms.core.models import OutboxMessage
from lms.core.security import require_role
from lms.core.views import bp
from lms.extensions import db

SHOWN = 100


@bp.get("/admin/mail")
@require_role("admin")
def admin_mail():
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.state != "sent")
                              .order_by(OutboxMessage.state, OutboxMessage.id.desc()).limit(SHOWN)).all()
    return render_template("admin/mail.html", counts=outbox.counts(), rows=rows, form=FlaskForm())


@bp.post("/admin/mail/<int:message_id>/retry")
@require_role("admin")
def admin_mail_retry(message_id):
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not outbox.retry(message_id, now=utcnow()):
        abort(404)
    db.session.commit()
    flash(_("The message will be sent again in a moment."), "success")
    return redirect(url_for("core.admin_mail"), 303)
