"""Practice mode of a module quiz: one question at a time, marked at once, never graded.

The round is kept in the session (lms/quizzes/practice_state.py); these routes write nothing
to the database. Every form posts and redirects back to the practice page.
"""
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from lms.catalog.models import Course, Question, Quiz
from lms.core.errors import abort_with
from lms.quizzes import overrides, permissions, queries, rules
from lms.quizzes import practice_state as rounds
from lms.quizzes.forms import LARGEST
from lms.quizzes.views import bp

PRACTICE = "/courses/<course_slug>/quizzes/<quiz_slug>/practice"


class StepForm(FlaskForm):
    """The round position the form was shown at: a second tab or the back button must not move
    the round twice or mark an answer to a question already behind it."""

    position = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=LARGEST)])


class AnswerForm(StepForm):
    question_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=LARGEST)])


@dataclass
class Practice:
    quiz: Quiz
    course: Course
    attempts: list
    questions: dict[int, Question]
    round: rounds.Round | None
    settings: dict                # the learner's (with their override): when the answers show


def _locale() -> str:
    return str(get_locale() or "en")


def _shown_in(quiz: Quiz) -> str:
    """The questions' language: the learner's, where the quiz has it (as a graded attempt)."""
    return _locale() if _locale() in (quiz.translations or {}) else "en"


def _practice_or_refuse(course_slug: str, quiz_slug: str) -> Practice:
    quiz, course = queries.quiz_by_slugs(course_slug, quiz_slug) or abort(404)
    if quiz.kind != "module":
        abort(404)  # the final assessment has no practice: it tests the whole course
    reason = permissions.start_refusal(current_user, quiz)
    if reason:
        abort_with(403, reason)
    attempts = queries.attempts_of(current_user.id, quiz.id)
    if rules.open_attempt(attempts) is not None:
        abort_with(409, _("Submit your attempt in progress before you practise: it may have the "
                          "same questions."))
    questions = {q.id: q for q in queries.pool(quiz.id)}
    if not questions:
        abort_with(409, _("This quiz has no questions yet."))
    found = rounds.load(session.get(rounds.KEY), quiz.id, set(questions))
    return Practice(quiz, course, attempts, questions, found, overrides.settings_for(current_user.id, quiz))


def _keep(rnd: rounds.Round) -> rounds.Round:
    session[rounds.KEY] = rnd.dump()  # one round at a time: another quiz's round is replaced
    return rnd


def _back(p: Practice):
    return redirect(url_for(".practice", course_slug=p.course.slug, quiz_slug=p.quiz.slug,
                            _anchor="practice"), 303)


def _posted(course_slug: str, quiz_slug: str, form_class) -> tuple[Practice, FlaskForm]:
    """The practice and its form, or a redirect (raised) to a new round when the session's
    round is gone or no longer fits the quiz."""
    p = _practice_or_refuse(course_slug, quiz_slug)
    form = form_class()
    if not form.validate():
        abort_with(400, _("The practice form was incomplete. Reload the page and try again."))
    if p.round is None:
        _keep(rounds.new_round(p.quiz, list(p.questions.values())))
        flash(_("Your practice round had changed, so a new round has started."), "info")
        abort(_back(p))
    return p, form


@bp.get(PRACTICE)
def practice(course_slug: str, quiz_slug: str):
    p = _practice_or_refuse(course_slug, quiz_slug)
    rnd = p.round or _keep(rounds.new_round(p.quiz, list(p.questions.values())))
    seen = rounds.disclosure(p.settings, p.attempts)
    shown_in = _shown_in(p.quiz)
    step = None if rnd.finished else rounds.step(rnd, p.questions[rnd.question_id], p.quiz, seen, shown_in)
    return render_template("quizzes/practice.html", quiz=p.quiz, course=p.course, round=rnd,
                           step=step, seen=seen, shown_in=shown_in, locale=_locale())


@bp.post(PRACTICE + "/answer")
def practice_answer(course_slug: str, quiz_slug: str):
    p, form = _posted(course_slug, quiz_slug, AnswerForm)
    rnd = p.round
    if (form.position.data == rnd.position and form.question_id.data == rnd.question_id
            and not rnd.checked):
        if not rounds.check(rnd, p.questions[rnd.question_id], request.form):
            flash(_("Answer the question before you check your answer."), "warning")
        _keep(rnd)
    return _back(p)


def _step(course_slug: str, quiz_slug: str, move):
    """Retry or Next: applied once to the round the form was made for (a double post or the
    back button cannot move it twice)."""
    p, form = _posted(course_slug, quiz_slug, StepForm)
    if form.position.data == p.round.position:
        move(p.round)
        _keep(p.round)
    return _back(p)


@bp.post(PRACTICE + "/retry")
def practice_retry(course_slug: str, quiz_slug: str):
    return _step(course_slug, quiz_slug, rounds.retry)


@bp.post(PRACTICE + "/next")
def practice_next(course_slug: str, quiz_slug: str):
    return _step(course_slug, quiz_slug, rounds.advance)


@bp.post(PRACTICE + "/restart")
def practice_restart(course_slug: str, quiz_slug: str):
    p = _practice_or_refuse(course_slug, quiz_slug)
    if not FlaskForm().validate():
        abort_with(400, _("The practice form was incomplete. Reload the page and try again."))
    _keep(rounds.new_round(p.quiz, list(p.questions.values())))
    return _back(p)
