"""Open Badges 2.0 objects (issuer Profile, BadgeClass, Assertion) as JSON-LD dicts.

Every `id` is a URL under config["BASE_URL"] where that object is served (hosted
verification). Builders are pure: they read the rows they are given and the configuration.
"""
import hashlib
import re
from datetime import UTC, datetime

from flask import current_app
from werkzeug.routing import BuildError

from lms.core.i18n import percent

CONTEXT = "https://w3id.org/openbadges/v2"
EMBLEMS = ("globe", "scales", "people", "document", "chart", "shield")
DEFAULT_COLOUR = "#1d4ed8"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def recipient_identity(email: str, salt: str) -> str:
    """The hashed IdentityObject value: "sha256$" + hex(sha256(email + salt))."""
    return "sha256$" + hashlib.sha256((email + salt).encode("utf-8")).hexdigest()


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with the "Z" designator, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def external_url(endpoint: str, **values) -> str:
    """BASE_URL + the path of endpoint; works in requests, CLI commands and listeners alike."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def course_url(slug: str) -> str:
    try:
        return external_url("catalog.course", slug=slug)
    except BuildError:
        return current_app.config["BASE_URL"] + f"/courses/{slug}"


def issuer_url() -> str:
    return external_url("badges.issuer")


def class_url(slug: str, lang: str | None = None) -> str:
    return external_url("badges.badge_class", slug=slug, **({"lang": lang} if lang else {}))


def assertion_url(uuid: str) -> str:
    return external_url("badges.assertion", uuid=uuid)


def verify_url(code: str) -> str:
    from lms.badges.codes import display

    return external_url("badges.verify", code=display(code))


def badge_fields(course, lang: str = "en") -> dict:
    """The BadgeClass columns for a course, from course.yaml's `badge:` (safe defaults)."""
    badge = course.badge or {}
    translated = (course.translations or {}).get(lang, {}) if lang != "en" else {}
    colour = str(badge.get("colour") or "")
    emblem = str(badge.get("emblem") or "")
    tags = badge.get("tags") or []
    return {
        "name": str(translated.get("badge_name") or badge.get("name") or course.title)[:200],
        "description": str(translated.get("badge_description") or badge.get("description")
                           or course.summary or course.title),
        "criteria": str(translated.get("badge_criteria") or badge.get("criteria") or ""),
        "colour": colour if _COLOUR.match(colour) else DEFAULT_COLOUR,
        "emblem": emblem if emblem in EMBLEMS else "globe",
        "tags": [str(tag) for tag in tags if str(tag).strip()] if isinstance(tags, list) else [],
    }


def class_languages(course) -> list[str]:
    """Languages with an edition of this badge: English plus translated ones."""
    translations = course.translations or {}
    return ["en"] + [lang for lang in ("fr", "es") if (translations.get(lang) or {}).get("badge_name")]


def issuer_json() -> dict:
    config = current_app.config
    return {
        "@context": CONTEXT,
        "type": "Profile",
        "id": issuer_url(),
        "name": config["ISSUER_NAME"],
        "url": config["BASE_URL"] + "/",
        "email": config["ISSUER_EMAIL"],
        "description": "Self-paced courses for everyone who takes part in the UN Universal Periodic Review.",
        "image": config["BASE_URL"] + "/static/favicon.svg",
    }


def badge_class_json(course, lang: str = "en") -> dict:
    languages = class_languages(course)
    lang = lang if lang in languages else "en"
    fields = badge_fields(course, lang)
    narrative = fields["criteria"] or f"Complete the course {course.title}."
    data = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": class_url(course.slug, None if lang == "en" else lang),
        "@language": lang,
        "name": fields["name"],
        "description": fields["description"],
        "image": external_url("badges.class_image", slug=course.slug, fmt="png"),
        "criteria": {"id": course_url(course.slug), "narrative": narrative},
        "issuer": issuer_url(),
        "tags": fields["tags"],
    }
    related = [{"id": class_url(course.slug, None if other == "en" else other), "@language": other}
               for other in languages if other != lang]
    if related:
        data["related"] = related
    return data


def evidence_narrative(evidence: dict) -> str:
    parts = []
    if evidence.get("completed_at"):
        parts.append(f"Completed the course \"{evidence.get('course_title', '')}\" on "
                     f"{evidence['completed_at'][:10]}.")
    if evidence.get("final_score") is not None:
        parts.append(f"Final assessment score: {percent(evidence['final_score'], locale='en')}.")
    if evidence.get("manual"):
        parts.append("Awarded by UPR Academy staff.")
    return " ".join(parts) or f"Course: {evidence.get('course_title', '')}."


def assertion_json(award, badge_slug: str) -> dict:
    evidence = award.evidence or {}
    data = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(award.uuid),
        "recipient": {"type": "email", "hashed": True, "salt": award.salt, "identity": award.recipient_hash},
        "badge": class_url(badge_slug),
        "verification": {"type": "hosted"},
        "issuedOn": iso(award.issued_on),
        "image": external_url("badges.baked_png", uuid=award.uuid),
        "evidence": [{
            "id": course_url(evidence.get("course_slug", badge_slug)),
            "name": evidence.get("course_title", ""),
            "genre": "Course completion",
            "narrative": evidence_narrative(evidence),
        }],
    }
    if award.expires_on is not None:
        data["expires"] = iso(award.expires_on)
    return data


def revocation_json(award) -> dict:
    return {
        "@context": CONTEXT,
        "id": assertion_url(award.uuid),
        "revoked": True,
        "revocationReason": award.revocation_reason or "",
    }
