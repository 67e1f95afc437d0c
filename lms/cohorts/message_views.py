"""Cohort messages: a facilitator writes, previews and sends one; the cohort's sent messages and
their recipients; a learner's received messages. Routes on the cohorts blueprint."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from lms.cohorts import audience, message_queries, messaging
from lms.cohorts.message_forms import MessageForm, language_label, new_key
from lms.cohorts.views import bp, managed_cohort, me
from lms.core.db import utcnow
from lms.core.markup import render_plain_text
from lms.extensions import db

bp.add_app_template_filter(render_plain_text, "plain_text")
bp.add_app_template_global(messaging.version_for, "message_version")
bp.add_app_template_global(audience.describe, "describe_audience")
bp.add_app_template_global(language_label, "language_label")


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


def _compose(cohort, form, status=200):
    return render_template("cohorts/message_new.html", cohort=cohort, form=form), status


def _preview(cohort, form, selection, notice=None):
    return render_template("cohorts/message_preview.html", cohort=cohort, form=form, selection=selection,
                           notice=notice, spec=form.audience_value().spec(form.choices))


def _sent(message, first_time=True):
    if first_time:
        flash(ngettext("Your message is on its way to %(num)d learner.",
                       "Your message is on its way to %(num)d learners.", message.recipient_count), "success")
    else:
        flash(_("This message was already sent; it was not sent again."), "info")
    return redirect(url_for("cohorts.message", cohort_id=message.cohort_id, message_id=message.id), 303)


def _send(cohort, form, selection):
    try:
        message = messaging.send_message(
            cohort, selection, user=me(), now=utcnow(), subject=form.subject.data, body=form.body.data,
            language=form.language.data, translations=form.translations(),
            audience=form.audience_value().spec(form.choices), key=form.key.data)
        db.session.commit()
    except messaging.AlreadySent as sent:
        return _sent(sent.message, first_time=False)
    except IntegrityError:  # the same form, posted twice at once: the other post sent it
        db.session.rollback()
        return _sent(messaging.sent_with_key(form.key.data) or abort(409), first_time=False)
    return _sent(message)


@bp.route("/cohorts/<int:cohort_id>/messages/new", methods=["GET", "POST"])
def new_message(cohort_id):
    cohort = managed_cohort(cohort_id)
    form = MessageForm(choices=audience.options(cohort), language=str(get_locale()))
    if request.method == "GET":
        form.key.data = new_key()
        return _compose(cohort, form)
    if not form.validate_on_submit():
        return _compose(cohort, form, 400)
    if request.form.get("edit"):
        return _compose(cohort, form)
    confirmed = request.form.get("confirmed") == "1"
    if (earlier := messaging.sent_with_key(form.key.data)) is not None:
        if confirmed:  # the same form posted again
            return _sent(earlier, first_time=False)
        form.key.data = new_key()  # previewing again after sending: a new message
    selection = audience.select_recipients(cohort, form.audience_value(), form.choices, now=utcnow())
    if not selection.count:
        form.audience.errors.append(_("No learner who can receive messages matches this choice."))
        return _compose(cohort, form, 400)
    if not confirmed:
        return _preview(cohort, form, selection)
    if form.expected.data != str(selection.count):
        return _preview(cohort, form, selection, notice=_("The learners this choice picks changed since the "
                                                          "preview. Check the list again before sending."))
    return _send(cohort, form, selection)


@bp.get("/cohorts/<int:cohort_id>/messages")
def messages(cohort_id):
    cohort = managed_cohort(cohort_id)
    return render_template("cohorts/messages.html", cohort=cohort,
                           listing=message_queries.sent_messages(cohort, _page()))


@bp.get("/cohorts/<int:cohort_id>/messages/<int:message_id>")
def message(cohort_id, message_id):
    cohort = managed_cohort(cohort_id)
    found = message_queries.cohort_message(cohort, message_id) or abort(404)
    return render_template("cohorts/message.html", cohort=cohort, message=found[0], sender=found[1],
                           recipients=message_queries.recipients(found[0], _page()))


@bp.get("/messages")
def inbox():
    return render_template("cohorts/inbox.html", listing=message_queries.inbox(current_user, _page()))


@bp.get("/messages/<int:message_id>")
def inbox_message(message_id):
    found = message_queries.received_message(current_user, message_id) or abort(404)
    lang, subject, body = messaging.version_for(found.message, str(get_locale()))
    return render_template("cohorts/inbox_message.html", received=found, lang=lang, subject=subject, body=body)
