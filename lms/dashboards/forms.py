from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField
from wtforms.validators import DataRequired


class RemindForm(FlaskForm):
    """Checkboxes of learners. The view sets `choices` to the cohort's current learners, so an id
    from anywhere else fails validation and nothing is sent."""

    learners = SelectMultipleField(_l("Learners to remind"), coerce=int, validators=[
        DataRequired(message=_l("Choose at least one learner to remind."))])
    course = HiddenField()
    days = HiddenField()
