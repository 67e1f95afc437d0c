"""Per-learner quiz overrides from the learner drill-down: extra attempts and extra time at one
quiz, set or removed by a facilitator of a cohort the learner is in (or an admin)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.models import User
from lms.cohorts.permissions import can_view_learner
from lms.core.db import utcnow
from lms.core.errors import abort_with
from lms.dashboards import queries
from lms.dashboards.forms import OverrideForm, override_forms, override_prefix
from lms.dashboards.learner import cohort_quiz, learner_page
from lms.dashboards.views import _cohort, bp
from lms.extensions import db
from lms.quizzes import overrides

OVERRIDE = "/cohorts/<int:cohort_id>/learners/<int:user_id>/quizzes/<int:quiz_id>/override"


def _learner_of(cohort_id: int, user_id: int):
    cohort = _cohort(cohort_id)
    person = db.session.get(User, user_id)
    if person is None or not can_view_learner(current_user, person, cohort):
        abort(404)
    return cohort, person


def _refused(cohort, person, form: OverrideForm, quiz_id: int):
    """The drill-down again, status 400, with the refused form's errors at its quiz."""
    page = learner_page(cohort, person, queries.assigned_courses(cohort))
    return render_template("dashboards/learner.html", cohort=cohort, person=person, page=page,
                           override_forms=override_forms(page.overrides, form, quiz_id)), 400


@bp.post(OVERRIDE)
def override(cohort_id: int, user_id: int, quiz_id: int):
    cohort, person = _learner_of(cohort_id, user_id)
    quiz = cohort_quiz(cohort, quiz_id) or abort_with(404, _("This cohort has no such quiz."))
    form, now = OverrideForm(prefix=override_prefix(quiz.id)), utcnow()
    row = None
    if form.clear.data:
        overrides.clear_override(cohort, person, quiz, user=current_user, now=now)
    elif not form.validate_for(quiz.settings or {}):
        return _refused(cohort, person, form, quiz.id)
    else:  # 0 and 0 clears it too
        row = overrides.grant_override(cohort, person, quiz, extra_attempts=form.extra_attempts.data,
                                       extra_minutes=form.extra_minutes.data, reason=form.reason.data,
                                       user=current_user, now=now)
    db.session.commit()
    flash(_("The exception for %(name)s at “%(quiz)s” is saved.", name=person.name, quiz=quiz.title) if row else
          _("%(name)s now has the quiz's own attempts and time at “%(quiz)s”.", name=person.name, quiz=quiz.title),
          "success")
    return redirect(url_for(".learner", cohort_id=cohort.id, user_id=person.id, _anchor=f"override-{quiz.id}"), 303)
