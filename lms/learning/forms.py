"""Forms of the learner pages. Action buttons (enrol, leave, complete) are plain forms whose
CSRF token CSRFProtect checks; the catalogue filter is a GET form without a token."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

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
