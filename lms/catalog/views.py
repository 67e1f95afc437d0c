"""Catalogue (the home page), course page and glossary: public pages."""
from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_login import current_user

from lms.catalog import permissions, queries
from lms.catalog.media import media_file
from lms.catalog.rules import IMAGE_TYPES
from lms.core.security import public
from lms.learning.forms import CatalogueForm
from lms.learning.permissions import can_leave, can_read_lessons, can_self_enrol
from lms.learning.queries import course_state, current_locale

bp = Blueprint("catalog", __name__)


def catalogue_context() -> tuple[dict, int]:
    """The catalogue and its GET filter form, for core.home. Bad filter values answer 400
    with the form's message and the unfiltered list."""
    form = CatalogueForm(formdata=request.args)
    valid = form.validate()
    filters = {"q": form.q.data or "", "audience": form.audience.data or "",
               "language": form.language.data or ""} if valid else {}
    cards = queries.catalogue(user=current_user, locale=current_locale(), **filters)
    return {"form": form, "cards": cards, "filtered": any(filters.values())}, (200 if valid else 400)


@bp.get("/courses/<slug>")
@public
def course(slug):
    found = queries.course_with_enrollment(slug, current_user) or abort(404)
    course, enrollment = found
    if not permissions.can_view_course(current_user, course, enrollment):
        abort(404)
    state = course_state(current_user, course, enrollment=enrollment)
    return render_template("catalog/course.html", course=course, state=state,
                           text=queries.course_text(course, current_locale()),
                           readable=can_read_lessons(current_user, course, enrollment),
                           can_enrol=can_self_enrol(current_user, course), can_leave=can_leave(enrollment))


@bp.get("/glossary")
@public
def glossary():
    return render_template("catalog/glossary.html", terms=queries.glossary(current_locale()))


# Lesson images: only raster formats (an SVG could carry script), only from inside the
# course's own folder (media_file refuses `..`, absolute paths and escaping symlinks).
MEDIA_TYPES = {ext: f"image/{'jpeg' if ext == '.jpg' else ext[1:]}" for ext in IMAGE_TYPES}


@bp.get("/course-media/<course_slug>/<path:path>")
@public
def media(course_slug, path):
    target = media_file(current_app.config["COURSES_DIR"], course_slug, path)
    if target is None or target.suffix.lower() not in MEDIA_TYPES:
        abort(404)
    return send_file(target, mimetype=MEDIA_TYPES[target.suffix.lower()], max_age=24 * 3600)
