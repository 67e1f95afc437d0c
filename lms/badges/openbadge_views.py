"""Public Open Badges 2.0 routes: the issuer Profile, BadgeClasses and Assertions at their id
URLs (JSON-LD for machines, a page for people, on the same URL), badge artwork and baked
images. Public by design: an assertion carries only a salted hash of the recipient's e-mail."""
import json

from flask import Response, abort, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _

from lms.badges import artwork, queries
from lms.badges.baking import bake_png, bake_svg
from lms.badges.codes import display
from lms.badges.openbadges import (
    assertion_json,
    assertion_url,
    badge_class_json,
    badge_fields,
    class_languages,
    issuer_json,
    revocation_json,
)
from lms.badges.verification import Outcome
from lms.badges.verify_views import render_outcome
from lms.badges.views import bp
from lms.core.errors import abort_with
from lms.core.security import public

JSONLD = "application/ld+json"


def negotiate() -> str:
    """application/ld+json (the default), application/json when only that is asked, or text/html."""
    return request.accept_mimetypes.best_match([JSONLD, "application/json", "text/html"], default=JSONLD)


def json_response(data: dict, status: int = 200, mimetype: str = JSONLD) -> Response:
    response = Response(json.dumps(data, ensure_ascii=False, indent=2) + "\n", status=status, mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"  # badge validators and backpacks read these
    response.vary.add("Accept")
    return response


def _html(template: str, status: int = 200, **context) -> Response:
    response = Response(render_template(template, **context), status=status, mimetype="text/html")
    response.vary.add("Accept")
    return response


@bp.get("/badges/issuer")
@public
def issuer():
    data, kind = issuer_json(), negotiate()
    if kind == "text/html":
        return _html("badges/issuer.html", data=data)
    return json_response(data, mimetype=kind)


@bp.get("/badges/classes/<slug>")
@public
def badge_class(slug):
    course = queries.course_by_slug(slug)
    lang = request.args.get("lang", "en")
    if course is None or lang not in class_languages(course):
        abort(404)
    data, kind = badge_class_json(course, lang), negotiate()
    if kind == "text/html":
        return _html("badges/badge_class.html", data=data, course=course, lang=lang)
    return json_response(data, mimetype=kind)


def _fields(slug: str, badge_class=None) -> dict:
    course = queries.course_by_slug(slug)
    if course is not None:
        return badge_fields(course)
    if badge_class is None:
        abort(404)
    return {"name": badge_class.name, "colour": badge_class.colour, "emblem": badge_class.emblem}


def _image(data: bytes | str, mimetype: str, filename: str, cache: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = cache
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/badges/classes/<slug>.<any(svg, png):fmt>")
@public
def class_image(slug, fmt):
    fields = _fields(slug)
    body = artwork.svg(fields) if fmt == "svg" else artwork.png(fields)
    mimetype = "image/svg+xml" if fmt == "svg" else "image/png"
    return _image(body, mimetype, f"{slug}.{fmt}", "public, max-age=3600")


def _row(uuid):
    row = queries.award_by_uuid(str(uuid))
    if row is None:
        abort(404)
    return row


def _assertion_data(row, mimetype: str) -> Response:
    if row.award.revoked_at is not None:
        return json_response(revocation_json(row.award), 410, mimetype)
    return json_response(assertion_json(row.award, row.badge_class.slug), 200, mimetype)


@bp.get("/badges/assertions/<uuid:uuid>")
@public
def assertion(uuid):
    row, kind = _row(uuid), negotiate()
    if kind == "text/html":
        response = render_outcome(Outcome(row=row, source="url"), 410 if row.award.revoked_at else 200)
        response.vary.add("Accept")
        return response
    return _assertion_data(row, kind)


@bp.get("/badges/assertions/<uuid:uuid>.json", endpoint="assertion_json")
@public
def assertion_as_json(uuid):
    kind = negotiate()
    return _assertion_data(_row(uuid), "application/json" if kind == "application/json" else JSONLD)


def _baked(uuid):
    row = _row(uuid)
    if row.award.revoked_at is not None:
        abort_with(410, _("This badge was revoked on %(date)s: %(reason)s",
                          date=format_date(row.award.revoked_at, "long"), reason=row.award.revocation_reason))
    fields = _fields(row.badge_class.slug, row.badge_class)
    data = assertion_json(row.award, row.badge_class.slug)
    name = f"{row.badge_class.slug}-{display(row.award.short_code)}"
    return row, fields, json.dumps(data, ensure_ascii=False), name


@bp.get("/badges/assertions/<uuid:uuid>.png")
@public
def baked_png(uuid):
    _row_, fields, data, name = _baked(uuid)
    return _image(bake_png(artwork.png(fields), data), "image/png", f"{name}.png", "no-cache")


@bp.get("/badges/assertions/<uuid:uuid>.svg")
@public
def baked_svg(uuid):
    row, fields, data, name = _baked(uuid)
    baked = bake_svg(artwork.svg(fields), assertion_url(row.award.uuid), data)
    return _image(baked, "image/svg+xml", f"{name}.svg", "no-cache")
