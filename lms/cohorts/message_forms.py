"""The form a facilitator writes a cohort message in: text, versions in other languages, audience."""
import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp, ValidationError

from lms.cohorts.audience import KINDS, MODULE_STATES, Audience, Options
from lms.cohorts.forms import no_control_characters
from lms.cohorts.messaging import BODY_MAX, SUBJECT_MAX
from lms.core.i18n import LANGUAGE_NAMES, translated

LANGUAGES = tuple(LANGUAGE_NAMES)
LANGUAGE_LABELS = {"en": _l("English"), "fr": _l("French"), "es": _l("Spanish")}


def language_label(code: str) -> str:
    """A language's name in the page's language (LANGUAGE_NAMES are the languages' own names)."""
    return str(LANGUAGE_LABELS.get(code, code))


def new_key() -> str:
    return secrets.token_urlsafe(24)


def _text(value):
    """Browsers send line breaks as CR LF: count and store them as one character."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(value, str) else value


def _line(value):
    return value.strip() if isinstance(value, str) else value


def plain_text(form, field):
    if field.data and any(ord(ch) < 32 and ch not in "\n\t" for ch in field.data):
        raise ValidationError(_l("Remove the control characters from the text."))


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _subject(label, *required):
    return StringField(label, filters=[_line], validators=[
        *required, Length(max=SUBJECT_MAX, message=_l("Keep the subject under %(max)d characters.")),
        no_control_characters])


def _body(label, *required):
    return TextAreaField(label, filters=[_text], validators=[
        *required, Length(max=BODY_MAX, message=_l("Keep the message under %(max)d characters.")), plain_text])


class MessageForm(FlaskForm):
    subject = _subject(_l("Subject"), DataRequired(_l("Give the message a subject.")))
    body = _body(_l("Message"), DataRequired(_l("Write the message.")))
    subject_en, body_en = _subject(_l("Subject in English"), Optional()), _body(_l("Message in English"), Optional())
    subject_fr, body_fr = _subject(_l("Subject in French"), Optional()), _body(_l("Message in French"), Optional())
    subject_es, body_es = _subject(_l("Subject in Spanish"), Optional()), _body(_l("Message in Spanish"), Optional())
    audience = RadioField(_l("Send to"), default="everyone")
    # The filters' own choices are checked by Audience.problem, and only for the filter chosen.
    course_id = SelectField(_l("Course (for “at risk” and “not started”)"), coerce=_optional_int, validate_choice=False)
    organisation_id = SelectField(_l("Organisation"), coerce=_optional_int, validate_choice=False)
    module_id = SelectField(_l("Module"), coerce=_optional_int, validate_choice=False)
    module_state = SelectField(_l("Learners who"), choices=list(MODULE_STATES.items()), default="not_reached",
                               validate_choice=False)
    language = HiddenField(validators=[AnyOf(LANGUAGES)])
    key = HiddenField(validators=[DataRequired(_l("This form has expired: open it again.")),
                                  Regexp(r"^[A-Za-z0-9_-]{16,64}$", message=_l("This form has expired: open it again."))])
    expected = HiddenField()     # how many learners the preview named

    def __init__(self, *args, choices: Options, language: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        kinds = ["everyone"]
        if choices.assigned:
            kinds += ["at_risk", "not_started"]
        if choices.organisations:
            kinds.append("organisation")
        if any(choices.structures[a.course.id].modules for a in choices.assigned):
            kinds.append("module")
        self.audience.choices = [(k, KINDS[k]) for k in kinds]
        self.course_id.choices = [(a.course.id, translated(a.course)) for a in choices.assigned]
        self.organisation_id.choices = list(choices.organisations)
        self.module_id.choices = {translated(a.course): [(m.id, translated(m)) for m in choices.structures[a.course.id].modules]
                                  for a in choices.assigned if choices.structures[a.course.id].modules}
        if not self.language.data:   # a new form: written in the facilitator's language
            self.language.data = language if language in LANGUAGES else "en"

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for lang in self.other_languages:
            subject, body = getattr(self, f"subject_{lang}"), getattr(self, f"body_{lang}")
            if bool(subject.data) != bool(body.data) and not (subject.errors or body.errors):
                (body if subject.data else subject).errors.append(
                    _l("Give this version both a subject and a message, or leave both empty."))
                valid = False
        problem = self.audience_value().problem(self.choices) if valid else None
        if problem:
            getattr(self, problem[0]).errors.append(problem[1])
            valid = False
        return valid

    @property
    def other_languages(self) -> list[str]:
        return [lang for lang in LANGUAGES if lang != self.language.data]

    def translations(self) -> dict:
        versions = {}
        for lang in self.other_languages:
            subject, body = getattr(self, f"subject_{lang}").data, getattr(self, f"body_{lang}").data
            if subject and body:
                versions[lang] = {"subject": subject, "body": body}
        return versions

    def audience_value(self) -> Audience:
        return Audience(kind=self.audience.data, course_id=self.course_id.data, module_id=self.module_id.data,
                        state=self.module_state.data, organisation_id=self.organisation_id.data)
