"""Learner routes: enrol, leave, read a lesson, mark it complete or not done, continue, My learning."""
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lms.catalog import queries as catalog_queries
from lms.catalog.permissions import can_view_course
from lms.cohorts import message_queries
from lms.core.db import reads_first, utcnow, write_transaction
from lms.core.errors import abort_with
from lms.core.htmx import is_htmx
from lms.extensions import db
from lms.learning import content, permissions, queries, services
from lms.learning.forms import CompleteForm

bp = Blueprint("learning", __name__)


@bp.app_template_global("learning_item_url")
def item_url(course, item) -> str | None:
    """Where a syllabus item opens: a lesson page, or the quiz page once the quiz engine exists."""
    if item is None:
        return None
    if item.is_lesson:
        return url_for("learning.lesson", slug=course.slug, lesson_slug=item.slug)
    if "quizzes.quiz" in current_app.view_functions:
        return url_for("quizzes.quiz", course_slug=course.slug, quiz_slug=item.slug)
    return None


def _course_or_404(slug):
    found = catalog_queries.course_with_enrollment(slug, current_user) or abort(404)
    if not can_view_course(current_user, *found):
        abort(404)
    return found


def _ensure_reader(course, enrollment) -> None:
    """403 for cohort-only courses; an open course sends the learner to its enrol prompt."""
    if permissions.can_read_lessons(current_user, course, enrollment):
        return
    if course.enrolment != "open":
        abort_with(403, _("This course is taught through cohorts. Ask your facilitator to add you."))
    flash(_("Enrol in this course to read its lessons."), "info")
    target = url_for("catalog.course", slug=course.slug)
    # htmx would follow a redirect and swap the whole course page into a fragment.
    abort(Response(status=204, headers={"HX-Redirect": target}) if is_htmx() else redirect(target, 303))


def _readable_lesson(slug, lesson_slug):
    ctx = queries.load_lesson(current_user, slug, lesson_slug) or abort(404)
    if not can_view_course(current_user, ctx.course, ctx.enrollment):
        abort(404)
    _ensure_reader(ctx.course, ctx.enrollment)
    state = queries.course_state(current_user, ctx.course, enrollment=ctx.enrollment)
    item = state.lesson(ctx.lesson.id) or abort(404)  # its module was retired
    return ctx, state, item


@bp.post("/courses/<slug>/enrol")
def enrol(slug):
    course, _enrollment = _course_or_404(slug)
    if course.archived:
        abort_with(409, _("This course has been retired and takes no new learners."))
    if not permissions.can_self_enrol(current_user, course):
        abort_with(403, _("This course is taught through cohorts. Ask your facilitator to add you."))
    services.enrol(current_user, course, now=utcnow())
    db.session.commit()
    flash(_("You are enrolled. Start whenever you are ready."), "success")
    return redirect(url_for("catalog.course", slug=slug), 303)


@bp.post("/courses/<slug>/leave")
def leave(slug):
    course, enrollment = _course_or_404(slug)
    if not permissions.is_active(enrollment):
        abort_with(409, _("You are not enrolled in this course."))
    if not permissions.can_leave(enrollment):
        abort_with(403, _("Your cohort assigned this course. Ask your facilitator if you need to leave it."))
    services.leave(current_user, course, now=utcnow())
    db.session.commit()
    flash(_("You left the course. Your progress is kept: enrol again to pick up where you left off."), "info")
    return redirect(url_for("catalog.course", slug=slug), 303)


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@reads_first  # the page is read and rendered without the write lock; the view is recorded after
def lesson(slug, lesson_slug):
    ctx, state, item = _readable_lesson(slug, lesson_slug)
    if item.locked:
        flash(item.reason, "warning")
        return redirect(url_for("catalog.course", slug=slug), 303)
    # A copy fetched for offline reading (static/js/offline.js) is not a view of the lesson.
    recording = permissions.records_progress(ctx.enrollment) and not request.headers.get("X-Offline-Copy")
    now = utcnow()
    if recording:
        history = services.ViewHistory(ctx.progress.last_viewed_at if ctx.progress else None,
                                       ctx.learner_last_view_at)
        item.mark_viewed(now)
    html = render_template("learning/lesson.html", **_lesson_page(ctx, state, item))
    if recording:
        # One short write transaction, so lesson readers never queue behind each other.
        with write_transaction(fresh=False):
            services.record_view(current_user, ctx.lesson, now=now, history=history)
    else:
        db.session.commit()
    return html


def _lesson_page(ctx, state, item, **extra) -> dict:
    locale = queries.current_locale()
    previous, following = state.neighbours(item, include_quizzes="quizzes.quiz" in current_app.view_functions)
    text, glossary = content.lesson_page_text(ctx.lesson.id, locale)
    return {"course": ctx.course, "lesson": ctx.lesson, "state": state, "item": item,
            "module": state.module_of(item), "content": text,
            "text": catalog_queries.course_text(ctx.course, locale), "previous": previous,
            "following": following, "preview": not permissions.records_progress(ctx.enrollment),
            "glossary": glossary, **extra}


@bp.post("/courses/<slug>/lessons/<lesson_slug>/complete")
def complete(slug, lesson_slug):
    ctx, state, item = _readable_lesson(slug, lesson_slug)
    if not permissions.records_progress(ctx.enrollment):
        return _refused(ctx, state, item, _("You are previewing this course; previews do not record progress."))
    form = CompleteForm()
    if not form.validate():
        abort_with(400, _("This completion could not be recorded: the form was incomplete. Reload the page."))
    was_finished = ctx.enrollment.completed_at is not None
    try:
        services.complete_lesson(current_user, ctx.lesson, now=utcnow(), done_at=form.done_time(),
                                 key=form.key.data or None)
    except services.Locked as locked:
        return _refused(ctx, state, item, locked.reason)
    finished = not was_finished and ctx.enrollment.completed_at is not None
    if not is_htmx():
        db.session.commit()
        flash(_("Lesson marked as complete."), "success")
        # The course page opens with the badge, the certificate and the share links.
        target = url_for("catalog.course", slug=slug) if finished else \
            url_for("learning.lesson", slug=slug, lesson_slug=lesson_slug)
        return redirect(target, 303)
    state = queries.course_state(current_user, ctx.course, enrollment=ctx.enrollment)
    item = state.lesson(ctx.lesson.id)
    html = render_template("learning/_status.html", **_status(ctx, state, item, finished=finished))
    db.session.commit()
    return html


@bp.post("/courses/<slug>/lessons/<lesson_slug>/not-done")
def uncomplete(slug, lesson_slug):
    ctx, state, item = _readable_lesson(slug, lesson_slug)
    if not permissions.records_progress(ctx.enrollment):
        return _refused(ctx, state, item, _("You are previewing this course; previews do not record progress."))
    try:
        services.uncomplete_lesson(current_user, ctx.lesson, now=utcnow())
    except services.Locked as locked:
        return _refused(ctx, state, item, locked.reason)
    if not is_htmx():
        db.session.commit()
        flash(_("Lesson marked as not done."), "info")
        return redirect(url_for("learning.lesson", slug=slug, lesson_slug=lesson_slug), 303)
    state = queries.course_state(current_user, ctx.course, enrollment=ctx.enrollment)
    html = render_template("learning/_status.html", **_status(ctx, state, state.lesson(ctx.lesson.id)))
    db.session.commit()
    return html


def _status(ctx, state, item, **extra) -> dict:
    previous, following = state.neighbours(item, include_quizzes="quizzes.quiz" in current_app.view_functions)
    return {"course": ctx.course, "lesson": ctx.lesson, "state": state, "item": item, "previous": previous,
            "following": following, "preview": not permissions.records_progress(ctx.enrollment),
            "outline_oob": True, **extra}  # the fragment also refreshes the outline's marks


def _refused(ctx, state, item, reason):
    """409 with the reason: the status fragment for htmx (learning.js lets it swap), else a page."""
    db.session.rollback()
    if is_htmx():
        return render_template("learning/_status.html", **_status(ctx, state, item, error=reason)), 409
    abort_with(409, reason)


@bp.get("/courses/<slug>/continue")
def continue_course(slug):
    course, enrollment = _course_or_404(slug)
    _ensure_reader(course, enrollment)
    state = queries.course_state(current_user, course, enrollment=enrollment)
    target = item_url(course, state.next_item)
    return redirect(target or url_for("catalog.course", slug=slug), 303)


@bp.get("/learning")
def my_learning():
    return render_template("learning/my_learning.html", rows=queries.my_learning(current_user),
                           badges=queries.recent_badges(current_user),
                           facilitator_messages=message_queries.latest_received(current_user))
