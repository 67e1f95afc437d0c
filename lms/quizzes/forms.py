"""The fixed fields of the quiz forms. Answer fields are per question (name `q<question id>`)
and are read by the question types' parse_form, never trusted for anything but answers."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired, Length, NumberRange

LARGEST = 2**31 - 1  # ids and sequence numbers are database integers


class SaveForm(FlaskForm):
    question_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=LARGEST)])
    sequence = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=LARGEST)])


class SubmitForm(FlaskForm):
    sequence = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=LARGEST)])
    submit_key = HiddenField(validators=[InputRequired(), Length(min=16, max=64)])
    # "1" from the answer form: show the summary first when questions are unanswered.
    check = HiddenField()
    # "1" from the summary page: the answers are already stored; mark those.
    stored = HiddenField()
