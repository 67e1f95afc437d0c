from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from lms.cohorts.models import COHORT_STATUSES
from lms.core.i18n import translated

KIND_LABELS = {
    "sur_ministry": _l("Government ministry of a State under Review"),
    "nhri": _l("National human rights institution"),
    "cso": _l("Civil society organisation"),
    "rs_mission": _l("Recommending State mission"),
    "un_agency": _l("UN agency"),
    "other": _l("Other"),
}
STATUS_LABELS = {"planned": _l("Planned"), "active": _l("Active"), "archived": _l("Archived")}
ROLE_LABELS = {"learner": _l("Learner"), "facilitator": _l("Facilitator"), "admin": _l("Administrator")}


def no_control_characters(form, field):
    if field.data and any(ord(ch) < 32 for ch in field.data):
        raise ValidationError(_l("Use a single line without control characters."))


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class ActionForm(FlaskForm):
    """A button that posts (remove, resend, join): only the CSRF token."""


class CohortForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200), no_control_characters])
    organisation_id = SelectField(_l("Organisation"), coerce=_optional_int, validate_choice=True)
    status = SelectField(_l("Status"), choices=[(s, STATUS_LABELS[s]) for s in COHORT_STATUSES],
                         default="active")
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    capacity = IntegerField(_l("Capacity (learners)"), validators=[Optional(), NumberRange(min=1, max=100000)],
                            description=_l("Leave empty for no limit."))
    grace_days = IntegerField(_l("Grace period after joining (days)"), default=7,
                              validators=[Optional(), NumberRange(min=1, max=365)],
                              description=_l("A learner who has not begun this many days after joining "
                                             "counts as “not started”; before that, as “just joined”."))
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [(None, _l("None"))] + [(o.id, o.name) for o in organisations]

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date is before the start date."))


class AssignCourseForm(FlaskForm):
    course_id = SelectField(_l("Course"), coerce=int)
    due_on = DateField(_l("Due on (optional)"), validators=[Optional()])

    def __init__(self, *args, courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.course_id.choices = [(c.id, translated(c)) for c in courses]


class FacilitatorForm(FlaskForm):
    email = EmailField(_l("E-mail address of the facilitator"), validators=[
        DataRequired(), Email(check_deliverability=False), Length(max=254)])


class JoinCodeForm(FlaskForm):
    action = StringField(validators=[AnyOf(["rotate", "enable", "disable"])])


class MoveForm(FlaskForm):
    target_id = SelectField(_l("Move to"), coerce=int, validate_choice=False)


LEARNER_ACTIONS = {"remind": _l("Send a reminder"), "move": _l("Move to another cohort"),
                   "remove": _l("Remove from the cohort"), "csv": _l("Export (CSV)"), "xlsx": _l("Export (Excel)")}
INVITATION_ACTIONS = {"send": _l("Send the invitation again"), "withdraw": _l("Withdraw the invitation")}


class BulkForm(FlaskForm):
    """An action on the rows ticked on the members page (the view reads the ticked `ids`), or on
    every row its search matches (`all_matching`)."""

    action = SelectField(_l("Action"))
    all_matching = BooleanField()
    q = StringField(validators=[Length(max=100)])
    target_id = SelectField(_l("Move to"), coerce=_optional_int, validate_choice=False)
    course = SelectField(_l("Course"), coerce=_optional_int, validate_choice=False)
    count = IntegerField(validators=[Optional()])

    def __init__(self, *args, actions=LEARNER_ACTIONS, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = list(actions.items())


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))],
                     description=_l("Columns: name, email, organisation (optional), language "
                                    "(en, fr or es; optional). The first line names the columns."))
    only_good_rows = BooleanField(_l("If some rows have problems, import only the good rows"))


class CodeForm(FlaskForm):
    code = StringField(_l("Cohort code"), validators=[DataRequired(), Length(max=40)])
