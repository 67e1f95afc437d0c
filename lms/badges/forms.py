from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, ValidationError

MAX_IMAGE_BYTES = 1024 * 1024


class VerifyForm(FlaskForm):
    """A pasted assertion address (or code), or an uploaded baked image."""

    text = StringField(_l("Verification code or badge address"), validators=[Length(max=500)],
                       description=_l("For example 7KQ2M-X9D4R, or the address of a badge."))
    image = FileField(_l("Or upload a badge image (PNG or SVG, at most 1 MB)"), validators=[
        FileSize(max_size=MAX_IMAGE_BYTES, message=_l("That file is larger than 1 MB. Upload the badge "
                                                      "image itself (PNG or SVG, at most 1 MB)."))])

    def validate_text(self, field):
        if not (field.data or "").strip() and not self.image.data:
            raise ValidationError(_l("Type a code, paste a badge address or choose an image."))


class EmailMatchForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)],
                       description=_l("We hash it with this badge's salt and compare; it is not stored."))


class AwardForm(FlaskForm):
    email = EmailField(_l("Learner's e-mail address"), validators=[
        DataRequired(), Email(check_deliverability=False), Length(max=254)])
    course = SelectField(_l("Course badge"), validators=[DataRequired()], choices=[])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)],
                           description=_l("Kept in the audit log, for example: completed the course offline."))


class RevokeForm(FlaskForm):
    """The confirmation step of a revocation, reached from the awards list."""

    reason = TextAreaField(_l("Reason for the revocation"), validators=[
        DataRequired(_l("Give a reason for the revocation.")), Length(max=1000)],
        description=_l("Shown publicly on the verify page and in the assertion, and sent to the learner."))


class ReinstateForm(FlaskForm):
    reason = TextAreaField(_l("Reason for reinstating"), validators=[
        DataRequired(_l("Give a reason for reinstating the badge.")), Length(max=1000)],
        description=_l("Kept in the audit log and sent to the learner."))


class PrivacyForm(FlaskForm):
    show_name = HiddenField(validators=[DataRequired()])
