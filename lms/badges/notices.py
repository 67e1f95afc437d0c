"""The e-mails that tell a learner their badge was revoked or reinstated, in their language,
with the verify page that now says so. They go into the outbox with the change."""
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.auth.models import User
from lms.badges.codes import display
from lms.badges.models import BadgeAward, BadgeClass
from lms.badges.openbadges import verify_url
from lms.catalog.models import Course
from lms.catalog.queries import course_text
from lms.core.mail import queue_mail
from lms.extensions import db


def _badge_name(award: BadgeAward, locale: str) -> str:
    badge_class = db.session.get(BadgeClass, award.badge_class_id)
    course = db.session.get(Course, badge_class.course_id)
    name = course_text(course, locale).badge_name if course is not None else ""
    return name or badge_class.name


def mail_badge_change(award: BadgeAward, kind: str, *, reason: str) -> None:
    """kind: "revoked" or "reinstated"."""
    user = db.session.get(User, award.user_id)
    locale = user.locale or "en"
    with force_locale(locale):
        name = _badge_name(award, locale)
        if kind == "revoked":
            subject = _("Your %(badge)s badge was revoked", badge=name)
        else:
            subject = _("Your %(badge)s badge is valid again", badge=name)
        body = render_template(f"badges/{kind}_mail.txt", user=user, badge=name, reason=reason,
                               code=display(award.short_code), verify=verify_url(award.short_code),
                               issuer=current_app.config["ISSUER_NAME"])
    queue_mail(user.email, subject, body, kind=f"badge_{kind}", language=locale)
