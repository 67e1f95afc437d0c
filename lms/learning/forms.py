"""Forms of the learner pages. Action buttons (enrol, leave, complete) are plain forms whose
CSRF token CSRFProtect checks; the catalogue filter is a GET form without a token."""
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp, ValidationError

AUDIENCES = [
    ("sur", _l("State officials")),
    ("rs", _l("Recommending States")),
    ("cso", _l("Civil society")),
    ("nhri", _l("NHRIs")),
    ("un", _l("UN agencies")),
    ("all", _l("Everyone")),
]
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CatalogueForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Search courses"), filters=[_strip],
                    validators=[Optional(), Length(max=100, message=_l("Use at most 100 characters."))])
    audience = SelectField(_l("For"), choices=[("", _l("Any audience")), *AUDIENCES], default="",
                           validate_choice=True)
    language = SelectField(_l("Language"), choices=[("", _l("Any language")), *LANGUAGES], default="",
                           validate_choice=True)


class CompleteForm(FlaskForm):
    """Mark as complete. Both fields are optional and come from a completion made offline and
    sent later (static/js/offline.js): its idempotency key and when the learner did it."""

    key = StringField(validators=[Optional(), Length(min=16, max=64), Regexp(r"^[A-Za-z0-9_-]+$")])
    done_at = StringField(validators=[Optional(), Length(max=40)])

    def validate_done_at(self, field):
        if self.done_time() is None:
            raise ValidationError(_l("Give the time as an ISO 8601 date and time."))

    def done_time(self) -> datetime | None:
        """The time given, in UTC (a time without a zone is read as UTC); None if absent or invalid."""
        if not self.done_at.data:
            return None
        try:
            value = datetime.fromisoformat(self.done_at.data.strip())
        except ValueError:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
