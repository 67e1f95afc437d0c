from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from lms.quizzes.overrides import MAX_EXTRA_ATTEMPTS, MAX_EXTRA_MINUTES, MAX_REASON


class RemindForm(FlaskForm):
    """Checkboxes of learners and of pending invitations. The view sets `choices` to the cohort's
    current learners and pending invitations, so an id from anywhere else fails validation and
    nothing is sent."""

    learners = SelectMultipleField(_l("Learners to remind"), coerce=int)
    invitations = SelectMultipleField(_l("Invitations to send again"), coerce=int)
    course = HiddenField()
    days = HiddenField()
    status = HiddenField()
    page = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.learners.data and not self.invitations.data:
            self.learners.errors = [_l("Choose at least one learner to remind.")]
            return False
        return True


class OverrideForm(FlaskForm):
    """Extra attempts and minutes per attempt for one learner at one quiz. Each quiz on the
    drill-down has its own form, told apart by its prefix (override_prefix)."""

    extra_attempts = IntegerField(_l("Extra attempts"), default=0, validators=[
        InputRequired(message=_l("Give a number of extra attempts, 0 for none.")),
        NumberRange(min=0, max=MAX_EXTRA_ATTEMPTS, message=_l(
            "Give a whole number of extra attempts from 0 to %(max)s.", max=MAX_EXTRA_ATTEMPTS))])
    extra_minutes = IntegerField(_l("Extra minutes per attempt"), default=0, validators=[
        InputRequired(message=_l("Give a number of extra minutes, 0 for none.")),
        NumberRange(min=0, max=MAX_EXTRA_MINUTES, message=_l(
            "Give a whole number of extra minutes from 0 to %(max)s.", max=MAX_EXTRA_MINUTES))])
    reason = TextAreaField(_l("Reason"), description=_l("Shown to other facilitators and in the audit log."),
                           validators=[DataRequired(message=_l("Say why this learner gets an exception.")),
                                       Length(max=MAX_REASON, message=_l(
                                           "Keep the reason to %(max)s characters.", max=MAX_REASON))])
    save = SubmitField(_l("Save"))
    clear = SubmitField(_l("Remove the exception"))

    def validate_for(self, settings: dict) -> bool:
        """Validate, then refuse what would change nothing at this quiz."""
        if not self.validate():
            return False
        if self.extra_attempts.data and not settings.get("max_attempts", 0):
            self.extra_attempts.errors.append(_l("This quiz allows unlimited attempts: give 0 extra attempts."))
        if self.extra_minutes.data and not settings.get("time_limit_minutes", 0):
            self.extra_minutes.errors.append(_l("This quiz has no time limit: give 0 extra minutes."))
        return not (self.extra_attempts.errors or self.extra_minutes.errors)


def override_prefix(quiz_id: int) -> str:
    return f"override-{quiz_id}"


def override_forms(rows, failed: OverrideForm | None = None, failed_quiz_id: int | None = None) -> dict:
    """{quiz_id: form} for the drill-down, filled with each current override; the form that
    was just refused keeps what was posted and its errors."""
    forms = {}
    for row in rows:
        if failed is not None and row.quiz.id == failed_quiz_id:
            forms[row.quiz.id] = failed
            continue
        current = row.override
        forms[row.quiz.id] = OverrideForm(
            formdata=None, prefix=override_prefix(row.quiz.id),
            extra_attempts=current.extra_attempts if current else 0,
            extra_minutes=current.extra_minutes if current else 0, reason=current.reason if current else "")
    return forms
