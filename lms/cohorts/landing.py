"""Where a new member arrives. Invitations and join links both end here, so a new learner never
lands on the catalogue wondering where their course is."""
from flask import flash, session, url_for
from flask_babel import gettext as _

from lms.cohorts import queries
from lms.cohorts.models import Cohort


def landing_url(cohort: Cohort | None) -> str:
    """The cohort's course when it assigns one, else My learning, where all of them are."""
    courses = queries.assigned_courses(cohort) if cohort is not None else []
    if len(courses) == 1:
        return url_for("catalog.course", slug=courses[0][1].slug)
    return url_for("learning.my_learning")


def greet_newcomer(user) -> None:
    session["first_visit"] = True  # the home page says "Welcome", not "Welcome back"
    flash(_("Welcome to UPR Academy, %(name)s.", name=user.name), "success")
