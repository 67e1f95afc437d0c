from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from lms.auth.passwords import MAX_LENGTH, password_problem

LANGUAGE_CHOICES = [("en", "English"), ("fr", "Français"), ("es", "Español")]


class PolicyPassword:
    """Applies the password policy (lms/auth/passwords.py). The name and e-mail address it
    checks against come from the form's own fields, else from the form's `account`."""

    def __call__(self, form, field):
        account = getattr(form, "account", None)
        email = form.email.data if hasattr(form, "email") else getattr(account, "email", "")
        name = form.name.data if hasattr(form, "name") else getattr(account, "name", "")
        problem = password_problem(field.data or "", email=email or "", name=name or "")
        if problem:
            raise ValidationError(problem)


class AccountForm(FlaskForm):
    """A form about an existing account: `account=` names it (for the password policy)."""

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account


def _email_field():
    return EmailField(_l("E-mail address"), validators=[
        DataRequired(), Email(check_deliverability=False), Length(max=254)])


class RegisterForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(), PolicyPassword()],
                             description=_l("At least 12 characters. Several unrelated words work well."))
    locale = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES, default="en")
    organisation_text = StringField(_l("Organisation (optional)"), validators=[Length(max=200)])


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    # Its hint, with the configured limits, is in the template.
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotForm(FlaskForm):
    email = _email_field()


class ResetForm(AccountForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), PolicyPassword()])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


def _timezone_choices():
    from lms.core.i18n import COMMON_TIMEZONES

    return [("", _l("Automatic (from my organisation's country, else UTC)"))] + \
        [(zone, zone.replace("_", " ")) for zone in COMMON_TIMEZONES]


def _known_zone(field) -> None:
    from lms.core.i18n import COMMON_TIMEZONES

    if field.data and field.data not in COMMON_TIMEZONES:
        raise ValidationError(_l("Not a valid choice."))


class ProfileForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    organisation_text = StringField(_l("Organisation (optional)"), validators=[Length(max=200)])
    locale = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES)
    timezone = SelectField(_l("Time zone"), choices=_timezone_choices, validate_choice=False,
                           validators=[lambda form, field: _known_zone(field)],
                           description=_l("Dates and times are shown in this time zone."))


class ChangePasswordForm(AccountForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), PolicyPassword()])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class EmailChangeForm(FlaskForm):
    email = _email_field()
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
                            description=_l("So that nobody else at this computer can take over your account."))


class DeleteAccountForm(FlaskForm):
    # A password field, so that a password typed here is never shown on screen.
    confirm = PasswordField(_l("Your e-mail address or your password"),
                            validators=[DataRequired(), Length(max=254)])
