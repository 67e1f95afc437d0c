"""The admin's audit log: who changed whose data, what and when, with filters and a CSV export.
Routes on the core blueprint (lms/core/views.py)."""
import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Response, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from lms.core import audit_queries
from lms.core.audit_labels import action_label, details, target_link, user_url
from lms.core.db import utcnow
from lms.core.errors import abort_with
from lms.core.i18n import select_timezone
from lms.core.security import require_role
from lms.core.views import bp


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a search (GET): it changes nothing

    who = StringField(_l("Who (name or e-mail)"), validators=[Optional(), Length(max=100)])
    whose = StringField(_l("Whose data (name or e-mail)"), validators=[Optional(), Length(max=100)])
    what = SelectField(_l("What"), choices=[], default="")
    since = DateField(_l("From date"), validators=[Optional()])
    until = DateField(_l("To date"), validators=[Optional()])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))


def _utc(day, *, next_day: bool = False) -> datetime | None:
    """Midnight starting `day` (or the day after) in the admin's time zone, in UTC."""
    if day is None:
        return None
    try:
        zone = ZoneInfo(select_timezone())
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return datetime.combine(day + timedelta(days=1 if next_day else 0), time.min, zone).astimezone(UTC)


def read_filters() -> tuple[AuditFilterForm, audit_queries.AuditFilters | None]:
    """The form from the query string and the filters it gives (None when it has errors)."""
    form = AuditFilterForm(request.args)
    form.what.choices = [("", _("Any action"))] + sorted(
        ((action, action_label(action)) for action in audit_queries.actions()), key=lambda choice: choice[1].lower())
    if not form.validate():
        return form, None
    return form, audit_queries.AuditFilters(who=form.who.data or "", whose=form.whose.data or "",
                                            what=form.what.data or "", since=_utc(form.since.data),
                                            before=_utc(form.until.data, next_day=True))


def _query_args() -> dict:
    return {name: request.args.get(name) or None for name in ("who", "whose", "what", "since", "until")}


@bp.get("/admin/audit")
@require_role("admin")
def admin_audit():
    form, filters = read_filters()
    page = request.args.get("page", "1")
    events = audit_queries.events_page(filters, page=int(page) if page.isdigit() and len(page) < 7 else 1) \
        if filters is not None else None
    return render_template("admin/audit.html", form=form, events=events, args=_query_args(),
                           action_label=action_label, details=details, target_link=target_link,
                           user_url=user_url), 200 if filters is not None else 400


@bp.get("/admin/audit.csv")
@require_role("admin")
def admin_audit_csv():
    from lms.dashboards.exports import csv_stream

    form, filters = read_filters()
    if filters is None:
        abort_with(400, " ".join(str(error) for errors in form.errors.values() for error in errors))
    name = f"audit-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(stream_with_context(csv_stream(_csv_rows(filters))), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _csv_rows(filters):
    yield [_("When (UTC)"), _("Who"), _("Who (e-mail)"), _("What"), _("Action"), _("Target"), _("Whose data"),
           _("Whose data (e-mail)"), _("Details")]
    for row in audit_queries.all_events(filters):
        event = row.AuditEvent
        yield [event.at.astimezone(UTC) if event.at.tzinfo else event.at, row.actor_name or _("System"),
               row.actor_email, action_label(event.action), event.action, target_link(row)[0], row.subject_name,
               row.subject_email, json.dumps(event.data or {}, ensure_ascii=False, sort_keys=True)]
