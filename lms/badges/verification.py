"""What the verify page checks. Whatever a visitor brings (a typed code, a pasted URL or a
baked image), we trust it only for the assertion's id and re-read the hosted record from the
database; an image whose embedded assertion differs from that record is reported as tampered.
"""
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from lms.badges import baking, queries
from lms.badges.codes import display, normalise
from lms.badges.openbadges import assertion_json, recipient_identity
from lms.badges.queries import AwardRow

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_ASSERTION_PATH = re.compile(rf"^/badges/assertions/({_UUID})(?:\.json|\.png|\.svg|/certificate\.pdf)?/?$", re.I)
_VERIFY_PATH = re.compile(r"^/verify/([^/]+)/?$")
# Properties of an embedded assertion that must equal the issuer's record.
COMPARED = ("id", "type", "recipient", "badge", "issuedOn", "expires", "verification", "evidence")


@dataclass
class Outcome:
    row: AwardRow | None = None
    problem: str | None = None          # why nothing could be verified (shown with the code box)
    tampered: bool = False              # an image whose assertion differs from our record
    source: str = "code"                # code | url | image

    @property
    def found(self) -> bool:
        return self.row is not None


def from_code(text: str) -> Outcome:
    code = normalise(text)
    if code is None:
        return Outcome(problem=_("“%(code)s” is not a verification code. A code has ten letters and "
                                 "digits, like 7KQ2M-X9D4R.", code=(text or "")[:40]))
    row = queries.award_by_code(code)
    if row is None:
        return Outcome(problem=_("No badge has the code %(code)s. Check the code and try again.",
                                 code=display(code)))
    return Outcome(row=row)


def from_url(text: str, source: str = "url") -> Outcome:
    text = (text or "").strip()
    parts = urlsplit(text)
    base = urlsplit(current_app.config["BASE_URL"])
    foreign = _("That address is not a badge issued by %(issuer)s; only its own badges can be "
                "verified here.", issuer=current_app.config["ISSUER_NAME"])
    if parts.scheme and (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return Outcome(problem=foreign, source=source)
    path = parts.path
    if base.path and path.startswith(base.path.rstrip("/") + "/"):
        path = path[len(base.path.rstrip("/")):]
    match = _ASSERTION_PATH.match(path)
    if match:
        row = queries.award_by_uuid(match.group(1).lower())
        if row is None:
            return Outcome(problem=_("No badge has that address."), source=source)
        return Outcome(row=row, source=source)
    match = _VERIFY_PATH.match(path)
    if match:
        outcome = from_code(match.group(1))
        outcome.source = source
        return outcome
    return Outcome(problem=foreign, source=source)


def from_text(text: str) -> Outcome:
    """A typed code or a pasted address."""
    return from_url(text) if "/" in (text or "") else from_code(text)


class ImageProblem(Exception):
    """An upload we cannot read a badge from; the message is for the visitor."""


def _embedded(data: bytes) -> tuple[str | None, str]:
    """(verify URL or None, assertion text) baked into a PNG or SVG."""
    kind = baking.sniff(data)
    if kind is None:
        raise ImageProblem(_("That file is not a PNG or SVG image."))
    try:
        found = baking.extract_png(data) if kind == "png" else baking.extract_svg(data)
    except baking.BakingError as error:
        raise ImageProblem(_("That file is not a readable PNG or SVG image.")) from error
    if found is None:
        raise ImageProblem(_("That image holds no Open Badge."))
    return found if isinstance(found, tuple) else (None, found)


def from_image(data: bytes) -> Outcome:
    try:
        verify, text = _embedded(data)
    except ImageProblem as problem:
        return Outcome(problem=str(problem), source="image")
    text = text.strip()
    embedded = None
    if text.startswith("{"):
        try:
            embedded = json.loads(text)
        except ValueError:
            return Outcome(problem=_("The badge data in that image cannot be read."), source="image")
        if not isinstance(embedded, dict) or not isinstance(embedded.get("id"), str):
            return Outcome(problem=_("The badge data in that image cannot be read."), source="image")
        url = embedded["id"]
    else:
        url = verify or text  # a legacy image that carries only the assertion URL
    outcome = from_url(url, source="image")
    if outcome.found:
        record = assertion_json(outcome.row.award, outcome.row.badge_class.slug)
        if embedded is not None and any(embedded.get(key) != record.get(key) for key in COMPARED):
            outcome.tampered = True
        if verify is not None and verify != record["id"]:
            outcome.tampered = True
    return outcome


def email_matches(award, email: str) -> bool:
    """Whether `email`, hashed with the award's salt, is the recipient identity."""
    return recipient_identity((email or "").strip().lower(), award.salt) == award.recipient_hash
