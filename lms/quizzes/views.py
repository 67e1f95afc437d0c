"""Quiz pages: overview, start, the answer form, autosave, submit, result and review."""
import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.core.db import mark_write_transaction, reads_first, utcnow, write_transaction
from lms.core.errors import abort_with, render_error
from lms.core.htmx import is_htmx
from lms.extensions import db
from lms.quizzes import overrides, permissions, queries, rules, services
from lms.quizzes.forms import SaveForm, SubmitForm
from lms.quizzes.models import FINISHED

bp = Blueprint("quizzes", __name__)
# Ids beyond a database integer do not match (a plain 404), rather than reach the database.
ATTEMPT = "/attempts/<int:attempt_id>"
bp.add_app_template_filter(rules.when, "quiz_when")
bp.add_app_template_filter(rules.percent, "quiz_percent")


def _locale() -> str:
    return str(get_locale() or "en")


def _quiz_or_404(course_slug: str, quiz_slug: str):
    return queries.quiz_by_slugs(course_slug, quiz_slug) or abort(404)


def _attempt_or_404(attempt_id: int):
    return queries.attempt_in_context(attempt_id, current_user.id) or abort(404)


def _locked_or_404(attempt_id: int):
    return services.locked_attempt(attempt_id, current_user.id) or abort(404)


@bp.errorhandler(services.QuizError)
def _refused(error: services.QuizError):
    db.session.rollback()
    if is_htmx():
        return render_template("quizzes/_saved.html", error=error.message), error.code
    return render_error(error.code, error.message)


@bp.errorhandler(services.TimeUp)
def _time_up(up: services.TimeUp):
    attempt_id = up.attempt.id
    db.session.commit()  # the attempt was closed at its deadline: keep that
    if request.headers.get("X-Offline-Sync"):  # sent from the offline queue (static/js/offline.js)
        return render_template("quizzes/_saved.html", error=_(
            "These answers arrived after the deadline and its grace period, so they were not marked. "
            "Your attempt was closed with the answers saved before the deadline.")), 409
    flash(_("Time was up, so your attempt was submitted with the answers saved before the deadline."),
          "warning")
    target = url_for(".result", attempt_id=attempt_id)
    if is_htmx():
        return "", 200, {"HX-Redirect": target}
    return redirect(target, 303)


def _close_if_overdue(attempt):
    """GET pages close an overdue attempt lazily (a write, so restart as a write transaction)."""
    if not rules.is_overdue(attempt, utcnow(), services.grace_for(attempt)):
        return None
    attempt_id, user_id = attempt.id, attempt.user_id
    db.session.rollback()
    mark_write_transaction()
    locked = services.locked_attempt(attempt_id, user_id)
    now = utcnow()
    if locked is not None and rules.is_overdue(locked, now, services.grace_for(locked)):
        services.close_attempt(locked, now=now)
        raise services.TimeUp(locked)
    return redirect(url_for(".result", attempt_id=attempt_id))


def _overview(quiz, course, now):
    attempts = queries.attempts_of(current_user.id, quiz.id)
    return queries.overview(quiz, course, attempts, permissions.start_refusal(current_user, quiz), now=now,
                            override=overrides.override_for(current_user.id, quiz.id))


@bp.get("/courses/<course_slug>/quizzes/<quiz_slug>")
def quiz(course_slug: str, quiz_slug: str):
    quiz, course = _quiz_or_404(course_slug, quiz_slug)
    info = _overview(quiz, course, utcnow())
    if info.open_attempt is not None and (response := _close_if_overdue(info.open_attempt)):
        return response
    return render_template("quizzes/quiz.html", info=info, locale=_locale())


@bp.post("/courses/<course_slug>/quizzes/<quiz_slug>/start")
@reads_first  # a room of learners starts together: only the insert holds the write lock
def start(course_slug: str, quiz_slug: str):
    quiz, _course = _quiz_or_404(course_slug, quiz_slug)
    reason = permissions.start_refusal(current_user, quiz)
    if reason:
        abort_with(403, reason)
    shown_in = str(get_locale())  # the questions' language: the learner's, where the quiz has it
    language = shown_in if shown_in in (quiz.translations or {}) else "en"
    time_up = None
    # start_attempt reads the learner's attempts afresh under the lock (none were loaded before);
    # the learner and the quiz loaded above stay as they are.
    with write_transaction(fresh=False):
        try:
            attempt_id = services.start_attempt(current_user, quiz, now=utcnow(), language=language).id
        except services.TimeUp as up:
            time_up = up  # the overdue attempt it closed is committed with this transaction
    if time_up is not None:
        raise time_up
    return redirect(url_for(".attempt", attempt_id=attempt_id), 303)


@bp.get(ATTEMPT)
def attempt(attempt_id: int):
    attempt, quiz, course = _attempt_or_404(attempt_id)
    if attempt.state == FINISHED:
        return redirect(url_for(".result", attempt_id=attempt.id))
    if response := _close_if_overdue(attempt):
        return response
    return render_template("quizzes/attempt.html", attempt=attempt, quiz=quiz, course=course,
                           questions=queries.attempt_questions(attempt, _locale()), now=utcnow(),
                           submit_key=secrets.token_urlsafe(32), locale=_locale(),
                           grace=services.grace_for(attempt))


@bp.post(ATTEMPT + "/answer")
def save(attempt_id: int):
    form = SaveForm()
    if not form.validate():
        raise services.QuizError(400, _("Your answer could not be saved: the form was incomplete. "
                                        "Reload the page."))
    attempt = _locked_or_404(attempt_id)
    services.save_answer(attempt, question_id=form.question_id.data, sequence=form.sequence.data,
                         form=request.form, now=utcnow())
    db.session.commit()
    if is_htmx():  # a replay of an older page's save leaves that page's sequence as it was
        sequence = attempt.sequence if attempt.sequence == form.sequence.data + 1 else form.sequence.data
        return render_template("quizzes/_saved.html", sequence=sequence, now=utcnow())
    flash(_("Your answer was saved."), "success")
    return redirect(url_for(".attempt", attempt_id=attempt_id, _anchor=f"q{form.question_id.data}"), 303)


@bp.post(ATTEMPT + "/submit")
def submit(attempt_id: int):
    form = SubmitForm()
    if not form.validate():
        raise services.QuizError(400, _("Your answers could not be submitted: the form was "
                                        "incomplete. Reload the page and submit again."))
    attempt, now = _locked_or_404(attempt_id), utcnow()
    # A finished attempt skips the unanswered-questions check: the same form sent again (its
    # response was lost on the way) must reach submit_attempt, which knows it by its key.
    if form.check.data == "1" and attempt.state != FINISHED and not rules.is_overdue(attempt, now):
        missing = services.check_before_submit(attempt, sequence=form.sequence.data, form=request.form, now=now)
        if missing:
            return _summary(attempt, missing)
    services.submit_attempt(attempt, sequence=attempt.sequence if form.check.data == "1" else form.sequence.data,
                            submit_key=form.submit_key.data, form=request.form, now=now,
                            posted=form.stored.data != "1")
    db.session.commit()
    return redirect(url_for(".result", attempt_id=attempt_id), 303)


def _summary(attempt, missing: list):
    """Before marking: which questions are unanswered (the answers sent are saved already)."""
    html = render_template("quizzes/summary.html", attempt=attempt, missing=missing, locale=_locale(),
                           submit_key=secrets.token_urlsafe(32), now=utcnow(), grace=services.grace_for(attempt))
    db.session.commit()
    return html


def _finished_page(attempt_id: int, template: str):
    attempt, quiz, course = _attempt_or_404(attempt_id)
    if attempt.state != FINISHED:
        return _close_if_overdue(attempt) or redirect(url_for(".attempt", attempt_id=attempt.id))
    info = _overview(quiz, course, utcnow())
    marks = rules.feedback_visible(info.settings, info.attempts)
    answers = rules.answers_visible(info.settings, info.attempts)
    items = queries.review_items(attempt, marks=marks, answers=answers, locale=_locale())
    return render_template(template, attempt=attempt, info=info, items=items, marks=marks,
                           answers=answers, locale=_locale())


@bp.get(ATTEMPT + "/result")
def result(attempt_id: int):
    return _finished_page(attempt_id, "quizzes/result.html")


@bp.get(ATTEMPT + "/review")
def review(attempt_id: int):
    return _finished_page(attempt_id, "quizzes/review.html")


from lms.quizzes import practice  # noqa: E402,F401  (routes on bp)
