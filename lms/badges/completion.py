"""The moment a course completes, and what keeps showing it: the learner's badge, certificate,
share link and LinkedIn link on the result, course and My learning pages, and the e-mail."""
from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms.badges.display import award_links
from lms.badges.models import BadgeAward, BadgeClass
from lms.catalog.models import Course
from lms.catalog.queries import course_text
from lms.core.mail import queue_mail
from lms.extensions import db
from lms.learning.models import Enrollment


def completion_cards(user, courses) -> dict[int, dict]:
    """{course id: card} for the given courses that `user` has completed, in two queries.
    A card has `completed_at`, and `award`, `name`, `links` when the badge was awarded and is
    not revoked."""
    ids = [c.id for c in courses]
    if not ids or not getattr(user, "is_authenticated", False):
        return {}
    done = dict(db.session.execute(select(Enrollment.course_id, Enrollment.completed_at).where(
        Enrollment.user_id == user.id, Enrollment.course_id.in_(ids), Enrollment.completed_at.is_not(None))).all())
    if not done:
        return {}
    awards = {course_id: award for award, course_id in db.session.execute(
        select(BadgeAward, BadgeClass.course_id).join(BadgeClass, BadgeClass.id == BadgeAward.badge_class_id)
        .where(BadgeAward.user_id == user.id, BadgeClass.course_id.in_(list(done)))).all()}
    locale = str(get_locale() or "en")
    cards = {}
    for course in courses:
        if course.id not in done:
            continue
        card = {"completed_at": done[course.id], "course": course}
        award = awards.get(course.id)
        if award is not None and award.status() != "revoked":
            name = course_text(course, locale).badge_name or course.title
            card.update(award=award, name=name, links=award_links(award, name))
        cards[course.id] = card
    return cards


def completion_card(user, course) -> dict | None:
    return completion_cards(user, [course]).get(course.id)


def mail_completion(user, course: Course, award: BadgeAward) -> None:
    """The completion e-mail, in the learner's language, in the outbox with the award."""
    with force_locale(user.locale or "en"):
        name = course_text(course, user.locale or "en").badge_name or course.title
        links = award_links(award, name)
        title = course_text(course, user.locale or "en").title or course.title
        subject = _("Course complete: you earned the %(badge)s badge", badge=name)
        body = render_template("badges/completion_mail.txt", user=user, course_title=title, badge=name,
                               links=links, issuer=current_app.config["ISSUER_NAME"],
                               certificate=links["certificate"], badges_page=links["mine"])
    queue_mail(user.email, subject, body, kind="completion", language=user.locale or "en")
