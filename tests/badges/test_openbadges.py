"""Open Badges 2.0 JSON-LD: shapes, identity hashing, content negotiation and revocation."""
import hashlib
import json
import re

import pytest

from lms.badges.openbadges import CONTEXT, recipient_identity
from lms.extensions import db
from tests.badges.conftest import revoke

ISO_WITH_ZONE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
JSONLD = {"Accept": "application/ld+json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_identity_matches_the_reference_test_vector():
    assert recipient_identity("alice@example.org", "deadsea") == (
        "sha256$c934fdacc6242be0277a284970416aa9bfa583241fb85094bc96c504ee0abd4e")


def test_assertion_has_every_required_property_with_the_right_types(client, award_for):
    award = award_for(email="alice@example.org")
    response = client.get(f"/badges/assertions/{award.uuid}", headers=JSONLD)
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    data = json.loads(response.data)
    assert data["@context"] == CONTEXT
    assert data["type"] == "Assertion"
    assert data["id"] == f"http://localhost/badges/assertions/{award.uuid}"
    recipient = data["recipient"]
    assert recipient["type"] == "email" and recipient["hashed"] is True
    assert recipient["identity"] == "sha256$" + hashlib.sha256(
        ("alice@example.org" + recipient["salt"]).encode()).hexdigest()
    assert len(recipient["salt"]) >= 16
    assert "alice@example.org" not in response.get_data(as_text=True)
    assert data["verification"] == {"type": "hosted"}
    assert ISO_WITH_ZONE.match(data["issuedOn"]) and data["issuedOn"] == "2025-03-01T09:30:00Z"
    assert data["badge"].startswith("http://localhost/badges/classes/")
    assert data["image"] == f"http://localhost/badges/assertions/{award.uuid}.png"
    evidence = data["evidence"][0]
    assert evidence["id"].startswith("http://localhost/") and evidence["narrative"]
    assert "uid" not in data


def test_each_award_has_its_own_salt(award_for, small_course, make):
    course = small_course()
    first, second = award_for(course=course), award_for(course=course)
    assert first.salt != second.salt and first.recipient_hash != second.recipient_hash


def test_badge_class_and_issuer_link_up(client, award_for):
    award = award_for()
    assertion = client.get(f"/badges/assertions/{award.uuid}", headers=JSONLD).get_json(force=True)
    badge = client.get(assertion["badge"].removeprefix("http://localhost"), headers=JSONLD)
    assert badge.status_code == 200 and badge.mimetype == "application/ld+json"
    badge = badge.get_json(force=True)
    assert badge["@context"] == CONTEXT and badge["type"] == "BadgeClass"
    assert badge["id"] == assertion["badge"]
    for key in ("name", "description", "image", "criteria", "issuer"):
        assert badge[key], key
    assert badge["criteria"]["narrative"] == "Complete the course."
    assert badge["criteria"]["id"].startswith("http://localhost/")
    assert badge["tags"] == ["upr"]
    assert client.get(badge["image"].removeprefix("http://localhost")).mimetype == "image/png"

    issuer = client.get(badge["issuer"].removeprefix("http://localhost"), headers=JSONLD)
    assert issuer.status_code == 200
    issuer = issuer.get_json(force=True)
    assert issuer["@context"] == CONTEXT and issuer["type"] in ("Profile", "Issuer")
    assert issuer["id"] == badge["issuer"] == "http://localhost/badges/issuer"
    assert issuer["name"] == "UPR Academy" and issuer["url"].startswith("http") and "@" in issuer["email"]
    # Hosted verification scope: the assertion lives on the issuer's origin.
    assert assertion["id"].split("/")[2] == issuer["id"].split("/")[2]


def test_badge_class_follows_course_yaml(client, small_course):
    course = small_course()
    course.badge = {"name": "Droits & Examen", "description": "Décrit.", "criteria": "Finish it.",
                    "colour": "#b45309", "emblem": "scales", "tags": ["upr", "nhri"]}
    db.session.commit()
    data = client.get(f"/badges/classes/{course.slug}", headers=JSONLD).get_json(force=True)
    assert data["name"] == "Droits & Examen" and data["description"] == "Décrit."
    assert data["tags"] == ["upr", "nhri"] and "related" not in data


def test_language_editions_are_related(client, small_course):
    course = small_course()
    course.translations = {"fr": {"title": "Cours", "badge_name": "Badge en français",
                                  "badge_description": "Décerné pour avoir terminé le cours."}}
    db.session.commit()
    english = client.get(f"/badges/classes/{course.slug}", headers=JSONLD).get_json(force=True)
    assert english["@language"] == "en"
    french_id = f"http://localhost/badges/classes/{course.slug}?lang=fr"
    assert english["related"] == [{"id": french_id, "@language": "fr"}]
    french = client.get(f"/badges/classes/{course.slug}?lang=fr", headers=JSONLD).get_json(force=True)
    assert french["id"] == french_id and french["@language"] == "fr"
    assert french["name"] == "Badge en français"
    assert french["related"] == [{"id": f"http://localhost/badges/classes/{course.slug}", "@language": "en"}]
    # A language without an edition has no object.
    assert client.get(f"/badges/classes/{course.slug}?lang=es", headers=JSONLD).status_code == 404


@pytest.mark.parametrize("accept, expected", [
    ("application/ld+json", "application/ld+json"),
    ("application/json", "application/json"),
    ("*/*", "application/ld+json"),
    (None, "application/ld+json"),
    ("application/ld+json, application/json;q=0.9", "application/ld+json"),
])
def test_content_negotiation_for_machines(client, award_for, accept, expected):
    award = award_for()
    headers = {"Accept": accept} if accept else {}
    for url in (f"/badges/assertions/{award.uuid}", "/badges/issuer",
                f"/badges/classes/{award.evidence['course_slug']}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert response.mimetype == expected
        assert "Accept" in response.headers["Vary"]
        json.loads(response.data)


def test_browsers_get_a_page_on_the_same_url(client, award_for):
    award = award_for()
    response = client.get(f"/badges/assertions/{award.uuid}", headers=BROWSER)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Valid" in response.get_data(as_text=True)
    badge = client.get("/badges/classes/" + award.evidence["course_slug"], headers=BROWSER)
    assert badge.mimetype == "text/html" and "Complete the course." in badge.get_data(as_text=True)
    assert client.get("/badges/issuer", headers=BROWSER).mimetype == "text/html"


def test_json_suffix_route_always_answers_json(client, award_for):
    award = award_for()
    response = client.get(f"/badges/assertions/{award.uuid}.json", headers=BROWSER)
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert response.get_json(force=True)["id"].endswith(award.uuid)
    plain = client.get(f"/badges/assertions/{award.uuid}.json", headers={"Accept": "application/json"})
    assert plain.mimetype == "application/json"


def test_revoked_assertion_answers_410_with_the_revocation_body(client, award_for):
    award = revoke(award_for(), reason="Plagiarised final assessment")
    response = client.get(f"/badges/assertions/{award.uuid}", headers=JSONLD)
    assert response.status_code == 410
    assert response.mimetype == "application/ld+json"
    assert json.loads(response.data) == {
        "@context": CONTEXT, "id": f"http://localhost/badges/assertions/{award.uuid}",
        "revoked": True, "revocationReason": "Plagiarised final assessment"}
    assert client.get(f"/badges/assertions/{award.uuid}.json").status_code == 410
    page = client.get(f"/badges/assertions/{award.uuid}", headers=BROWSER)
    assert page.status_code == 410 and "Plagiarised final assessment" in page.get_data(as_text=True)


def test_expired_assertion_carries_expires(client, award_for):
    from datetime import UTC, datetime

    award = award_for()
    award.expires_on = datetime(2025, 4, 1, tzinfo=UTC)
    db.session.commit()
    data = client.get(f"/badges/assertions/{award.uuid}", headers=JSONLD).get_json(force=True)
    assert data["expires"] == "2025-04-01T00:00:00Z"


def test_unknown_objects_are_404(client, small_course):
    assert client.get("/badges/assertions/00000000-0000-4000-8000-000000000000", headers=JSONLD).status_code == 404
    assert client.get("/badges/assertions/not-a-uuid").status_code == 404
    assert client.get("/badges/classes/no-such-course", headers=JSONLD).status_code == 404
    assert client.get("/badges/classes/no-such-course.svg").status_code == 404


def test_evidence_records_completion_date_and_final_score(client, app, make, small_course):
    from datetime import UTC, datetime

    from lms.badges import services
    from lms.catalog.models import Quiz
    from lms.learning.models import Enrollment
    from lms.quizzes.models import FINISHED, QuizAttempt

    user, course = make.user(), small_course()
    final = db.session.query(Quiz).filter_by(course_id=course.id, kind="final").one()
    finished = datetime(2025, 2, 28, 16, 0, tzinfo=UTC)
    for number, score in ((1, 55.0), (2, 85.0)):
        db.session.add(QuizAttempt(user_id=user.id, quiz_id=final.id, course_id=course.id, number=number,
                                   state=FINISHED, score=score, passed=score >= 70, finished_at=finished))
    enrollment = Enrollment(user_id=user.id, course_id=course.id, completed_at=finished)
    db.session.add(enrollment)
    db.session.flush()
    award = services.award_on_completion(user, course, now=finished, enrollment=enrollment)
    db.session.commit()
    assert award.evidence["final_score"] == 85.0       # "highest" grading across attempts
    data = client.get(f"/badges/assertions/{award.uuid}", headers=JSONLD).get_json(force=True)
    narrative = data["evidence"][0]["narrative"]
    assert "2025-02-28" in narrative and "85%" in narrative
    assert data["evidence"][0]["name"] == course.title
