"""The data set the accessibility sweep walks through: the demo seed (the shipped courses, a
cohort with its facilitator, learners with progress, attempts and badges), plus what the demo
leaves out: a quiz override, a pending invitation, a message, a quiz in progress, a second
cohort, and the links that only arrive by mail (reset, welcome, consent, join)."""
from dataclasses import dataclass, field
from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from lms.auth.models import User
from lms.auth.services import find_user, make_reset_token
from lms.badges.models import BadgeAward
from lms.catalog.models import Course, Quiz
from lms.cohorts import audience, messaging
from lms.cohorts import services as cohorts
from lms.cohorts.invitations import invitation_link, set_password_link
from lms.cohorts.models import Cohort, CohortInvitation
from lms.core.db import utcnow
from lms.demo import services as demo
from lms.extensions import db
from lms.quizzes import overrides
from lms.quizzes import services as quizzes
from tests import factories
from tests.browser.a11y_crawl import Action

ROLES = {
    "anonymous": None,
    "learner": "learner@example.org",
    "facilitator": "facilitator@example.org",
    "admin": "admin@example.org",
}


@dataclass
class DataSet:
    password: str
    # Pages no link leads to (they arrive by mail, or are error pages), by role.
    extra_paths: dict[str, list[str]] = field(default_factory=dict)
    # Pages that answer a form, by role.
    actions: dict[str, list[Action]] = field(default_factory=dict)


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def build() -> DataSet:
    """Write the data set (in an app context; commits)."""
    password = factories.PASSWORD
    demo.seed(password)
    db.session.commit()
    now = utcnow()
    learner, facilitator = find_user(ROLES["learner"]), find_user(ROLES["facilitator"])
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "UPR essentials — demo cohort"))
    course = db.session.scalar(select(Course).where(Course.slug == "upr-essentials"))
    quiz_list = db.session.scalars(select(Quiz).where(Quiz.course_id == course.id, Quiz.archived.is_(False))
                                   .order_by(Quiz.kind.desc(), Quiz.id)).all()

    overrides.grant_override(cohort, learner, quiz_list[0], extra_attempts=1, extra_minutes=15,
                             reason="Extra time agreed for a slow connection.", user=facilitator, now=now)
    in_progress = quizzes.start_attempt(learner, quiz_list[1], now=now - timedelta(minutes=5))

    second = cohorts.create_cohort(user=facilitator, now=now, name="Workshop follow-up — autumn",
                                   status="active", starts_on=now.date(), capacity=20)
    cohorts.assign_course(second, course, user=facilitator, now=now)
    newcomer = User(email="nadia@example.org", name="Nadia Newcomer", role="learner", password_hash=None)
    db.session.add(newcomer)
    db.session.flush()
    for person, name in ((learner, "Lena L."), (newcomer, "Nadia Newcomer")):
        db.session.add(CohortInvitation(cohort_id=second.id, user_id=person.id, name=name,
                                        invited_by_id=facilitator.id, invited_at=now - timedelta(days=2),
                                        sent_at=now - timedelta(days=2)))
    db.session.add(CohortInvitation(cohort_id=cohort.id, user_id=newcomer.id, name="Nadia N.",
                                    invited_by_id=facilitator.id, invited_at=now - timedelta(days=1),
                                    sent_at=now - timedelta(days=1)))
    db.session.flush()

    choices = audience.options(cohort)
    selection = audience.select_recipients(cohort, audience.Audience(), choices, now=now)
    messaging.send_message(cohort, selection, user=facilitator, now=now - timedelta(hours=3),
                           subject="Workshop on Tuesday",
                           body="Dear all,\n\nthe workshop starts at 9: https://example.org/plan",
                           language="en", translations={}, audience=audience.Audience().spec(choices),
                           key="a11y-sweep-message")
    db.session.commit()

    invitation = db.session.scalar(select(CohortInvitation).where(
        CohortInvitation.cohort_id == second.id, CohortInvitation.user_id == learner.id))
    award = db.session.scalar(select(BadgeAward).where(BadgeAward.user_id == learner.id,
                                                       BadgeAward.revoked_at.is_(None)))
    assertion = url_for("badges.assertion", uuid=award.uuid)
    # The quiz with finished attempts comes before the one "Continue" leads to (one in progress).
    taken = url_for("quizzes.quiz", course_slug=course.slug, quiz_slug=quiz_list[0].slug)
    mei = find_user("mei@example.org")
    members = url_for("cohorts.members", cohort_id=cohort.id)
    return DataSet(password=password, extra_paths={
        "anonymous": [_path(set_password_link(newcomer, cohort)), url_for("auth.reset",
                      token=make_reset_token(mei)), url_for("cohorts.join", code=cohort.join_code), assertion,
                      "/reset/not-a-token", "/welcome/not-a-token", "/no-such-page"],
        "learner": [taken, url_for("quizzes.attempt", attempt_id=in_progress.id), assertion,
                    _path(invitation_link(invitation)), url_for("cohorts.join", code=second.join_code),
                    url_for("cohorts.join_by_code"), "/account/email/not-a-token", "/no-such-page"],
        "facilitator": [url_for("cohorts.move_member", cohort_id=cohort.id, user_id=mei.id), "/no-such-page"],
        "admin": ["/no-such-page"],
    }, actions={
        "anonymous": [Action("register form with errors", "/register", "main form button[type=submit]",
                             status=400)],
        "learner": [
            Action("join code not found", "/join", "main form button[type=submit]",
                   fill={"input[name=code]": "NOSUCHCODE"}, status=400),
            Action("quiz summary before marking", url_for("quizzes.attempt", attempt_id=in_progress.id),
                   'form[action$="/submit"] button[type=submit]'),
        ],
        "facilitator": [
            Action("confirm removing a learner", members, 'form[action$="/remove"] button[type=submit]'),
            Action("message preview", url_for("cohorts.new_message", cohort_id=cohort.id),
                   "form.message-form button[type=submit]",
                   fill={"input[name=subject]": "Reading for Tuesday", "textarea[name=body]": "Please read module 2."}),
        ],
        "admin": [
            Action("confirm anonymising an account", url_for("cohorts.admin_user", user_id=mei.id),
                   'form[action$="/anonymise"] button[type=submit]'),
            Action("confirm deleting an organisation",
                   url_for("cohorts.admin_organisation", organisation_id=cohort.organisation_id),
                   'form[action$="/delete"] button[type=submit]'),
            Action("confirm revoking a badge", url_for("badges.admin"),
                   'form[action*="/revoke"] button[type=submit]'),
        ],
    })
