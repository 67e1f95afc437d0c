"""Forms of the admin pages: organisations, users."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import escape
from wtforms import EmailField, RadioField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional, ValidationError

from lms.auth.models import ROLES
from lms.cohorts.countries import CODES, country_choices, is_country
from lms.cohorts.forms import KIND_LABELS, ROLE_LABELS, no_control_characters
from lms.cohorts.models import ORGANISATION_KINDS


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200), no_control_characters])
    kind = SelectField(_l("Kind"), choices=[(k, KIND_LABELS[k]) for k in ORGANISATION_KINDS], default="other")
    country = SelectField(_l("Country"), validators=[Optional()], validate_choice=False,
                          description=_l("UN Member and Observer States."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("None"))] + country_choices()
        saved = self.country.object_data
        if saved and not is_country(saved):
            # Saved from an older list: shown as it is, so that saving asks for a valid one
            # instead of silently clearing it.
            self.country.choices.insert(1, (saved, _l("%(code)s (not on the list: choose a country)", code=saved)))

    def validate_country(self, field):
        if field.data and field.data not in CODES:  # codes as listed: upper case
            raise ValidationError(_l("Choose one of the UN Member and Observer States, or none."))


class MergeForm(FlaskForm):
    other_id = SelectField(_l("Other organisation"), coerce=int, validate_choice=True)
    keep = RadioField(_l("Which one stays?"), choices=[("this", ""), ("other", "")], default="other")

    def __init__(self, *args, organisation=None, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.other_id.choices = [(o.id, o.name) for o in others]
        # WTForms writes labels as they are: the name is escaped here.
        name = escape(organisation.name)
        self.keep.choices = [("other", _l("The other organisation: %(name)s is deleted", name=name)),
                             ("this", _l("%(name)s: the other one is deleted", name=name))]


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[(r, ROLE_LABELS[r]) for r in ROLES])


class ActiveForm(FlaskForm):
    active = StringField(validators=[AnyOf(["0", "1"])])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class UserForm(FlaskForm):
    name = StringField(_l("Full name"), filters=[_strip],
                       validators=[DataRequired(), Length(max=120), no_control_characters])
    email = EmailField(_l("E-mail address"), filters=[_strip],
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
                       description=_l("Changing it logs the person out everywhere; the old address is told."))
