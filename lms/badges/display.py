"""What pages show about an award: links, share targets and the LinkedIn add-to-profile URL."""
from datetime import datetime
from urllib.parse import urlencode

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from lms.badges.codes import display
from lms.badges.openbadges import assertion_url, external_url, verify_url
from lms.core.i18n import percent

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def linkedin_url(award, badge_name: str) -> str:
    """LinkedIn's documented add-certification link, prefilled from the award."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": badge_name,
        "organizationName": current_app.config["ISSUER_NAME"],
        "issueYear": award.issued_on.year,
        "issueMonth": award.issued_on.month,
        "certUrl": verify_url(award.short_code),
        "certId": display(award.short_code),
    }
    if award.expires_on is not None:
        params.update(expirationYear=award.expires_on.year, expirationMonth=award.expires_on.month)
    return f"{LINKEDIN_ADD}?{urlencode(params)}"


def award_links(award, badge_name: str) -> dict:
    return {
        "code": display(award.short_code),
        "verify": verify_url(award.short_code),
        "assertion": assertion_url(award.uuid),
        "png": external_url("badges.baked_png", uuid=award.uuid),
        "svg": external_url("badges.baked_svg", uuid=award.uuid),
        "linkedin": linkedin_url(award, badge_name),
        "certificate": external_url("badges.certificate", uuid=award.uuid),
        "mine": external_url("badges.mine"),
    }


def evidence_text(evidence: dict) -> str:
    """The evidence of an award in the reader's language (the JSON-LD keeps English)."""
    parts = []
    if evidence.get("completed_at"):
        completed = datetime.fromisoformat(evidence["completed_at"].replace("Z", "+00:00"))
        parts.append(_("Completed the course “%(course)s” on %(date)s.", course=evidence.get("course_title", ""),
                       date=format_date(completed, "long")))
    if evidence.get("final_score") is not None:
        parts.append(_("Final assessment score: %(score)s.", score=percent(evidence["final_score"])))
    if evidence.get("manual"):
        parts.append(_("Awarded by %(issuer)s staff.", issuer=current_app.config["ISSUER_NAME"]))
    return " ".join(parts) or _("Course: %(course)s.", course=evidence.get("course_title", ""))
