"""The public verify page: by short code (/verify/<code>), by pasted address or uploaded baked
image (/verify), with a box that checks an e-mail address against the hashed recipient."""
from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from lms.badges.codes import display, normalise
from lms.badges.display import evidence_text
from lms.badges.forms import EmailMatchForm, VerifyForm
from lms.badges.verification import Outcome, email_matches, from_code, from_image, from_text
from lms.badges.views import bp
from lms.core.htmx import is_htmx
from lms.core.security import allows_upload, public


def render_outcome(outcome: Outcome, status: int | None = None, *, form=None, email_form=None, match=None,
                   typed: str | None = None):
    """The verify page for an outcome: the record when found, else the problem and the code box."""
    if status is None:
        status = 200 if outcome.found else 404
    context = {"outcome": outcome, "form": form or VerifyForm(formdata=None), "match": match, "typed": typed,
               "email_form": email_form or EmailMatchForm(formdata=None),
               "issuer": current_app.config["ISSUER_NAME"]}
    if outcome.found:
        award = outcome.row.award
        context.update(status=award.status(), award=award, badge_class=outcome.row.badge_class,
                       recipient=outcome.row.user.name if award.show_name else None,
                       code=display(award.short_code), narrative=evidence_text(award.evidence or {}))
    template = "badges/_verify_result.html" if is_htmx() and outcome.found else "badges/verify.html"
    response = current_app.make_response((render_template(template, **context), status))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/verify", methods=["GET", "POST"])
@public
@allows_upload
def verify_form():
    if request.method == "GET" and "q" in request.args:
        typed = request.args["q"][:500]
        return _found_or_problem(from_text(typed), typed)
    form = VerifyForm()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return current_app.make_response((render_template("badges/verify.html", form=form), status))
    if form.image.data:
        outcome = from_image(form.image.data.read())
        return render_outcome(outcome, 200 if outcome.found else 400, form=form)
    return _found_or_problem(from_text(form.text.data), form=form)


def _found_or_problem(outcome: Outcome, typed: str | None = None, form=None):
    if outcome.found:
        return redirect(url_for("badges.verify", code=display(outcome.row.award.short_code)))
    return render_outcome(outcome, 404, typed=typed, form=form)


@bp.route("/verify/<code>", methods=["GET", "POST"])
@public
def verify(code):
    outcome = from_code(code)
    if not outcome.found:
        return render_outcome(outcome, 404, typed=code)
    canonical = display(normalise(code))
    if request.method == "GET" and code != canonical:
        return redirect(url_for("badges.verify", code=canonical), 301)
    email_form, match = EmailMatchForm(), None
    if request.method == "POST":
        if not email_form.validate_on_submit():
            return render_outcome(outcome, 400, email_form=email_form)
        match = email_matches(outcome.row.award, email_form.email.data)
    return render_outcome(outcome, email_form=email_form, match=match)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """Uploads beyond the site-wide request limit: the verify form again, with the reason."""
    if request.endpoint != "badges.verify_form":
        from lms.core.errors import handle_http_error

        return handle_http_error(error)
    form = VerifyForm(formdata=None)
    form.image.errors = [_("That file is larger than 1 MB. Upload the badge image itself (PNG or SVG, "
                           "at most 1 MB).")]
    return current_app.make_response((render_template("badges/verify.html", form=form), 413))
