"""The back office in Chromium on a 360 px phone, without JavaScript (plain forms, CSRF on): a
role change goes through its confirmation page, and an organisation is merged into another."""
import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.cohorts import services
from lms.cohorts.models import Organisation
from lms.core.db import utcnow
from lms.extensions import db
from tests.browser.test_cohorts import log_in

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 740}


@pytest.fixture
def narrow_page(browser):
    context = browser.new_context(viewport=NARROW, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


def organisation(name, kind="other", country=None) -> Organisation:
    found = Organisation(name=name, kind=kind, country=country)
    db.session.add(found)
    db.session.commit()
    return found


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_a_role_change_is_confirmed_on_a_phone(narrow_page, live_server, make):
    page, base = narrow_page, live_server.url
    senegal = organisation("Commission nationale des droits de l'homme du Sénégal", "nhri", "SN")
    learner = make.user(name="Awa Ndiaye-Diop de la Fontaine", email="awa.ndiaye.diop@example.org",
                        organisation_id=senegal.id)
    cohort = services.create_cohort(user=make.user(role="facilitator"), now=utcnow(),
                                    name="Dakar — session de printemps 2026")
    services.assign_course(cohort, make.course(), user=None, now=utcnow())
    services.add_learners(cohort, [learner.id], now=utcnow())
    db.session.commit()
    admin = make.user(role="admin", email="admin.browser@example.org")
    learner_id = learner.id
    db.session.rollback()
    log_in(page, base, admin.email, make.PASSWORD)
    page.goto(base + "/admin/users")
    page.get_by_role("link", name="Awa Ndiaye-Diop de la Fontaine").click()
    assert page.url.endswith(f"/admin/users/{learner_id}") and fits(page)
    page.get_by_label("Role", exact=True).select_option(label="Facilitator")
    page.get_by_role("button", name="Change the role").click()
    assert "A facilitator can create cohorts" in page.content() and fits(page)
    db.session.rollback()
    assert db.session.get(User, learner_id).role == "learner"
    page.get_by_role("button", name="Make Awa Ndiaye-Diop de la Fontaine: Facilitator").click()
    assert page.url.endswith(f"/admin/users/{learner_id}")
    assert "is now: Facilitator" in page.content()
    db.session.rollback()
    assert db.session.get(User, learner_id).role == "facilitator"


def test_an_organisation_is_merged_on_a_phone(narrow_page, live_server, make):
    page, base = narrow_page, live_server.url
    kept = organisation("Ministry of Justice", "sur_ministry", "KE")
    gone = organisation("Ministry of Justice (Kenya)")
    person = make.user(organisation_id=gone.id)
    admin = make.user(role="admin", email="admin.merge@example.org")
    kept_id, gone_id, person_id = kept.id, gone.id, person.id
    db.session.rollback()
    log_in(page, base, admin.email, make.PASSWORD)
    page.goto(base + "/admin/organisations")
    assert fits(page)
    page.get_by_role("link", name="Ministry of Justice (Kenya)").click()
    page.get_by_label("Other organisation", exact=True).select_option(label="Ministry of Justice")
    page.get_by_role("button", name="Merge…").click()
    assert "Moving from Ministry of Justice (Kenya) to Ministry of Justice: 1 person." in page.content()
    assert fits(page)
    page.get_by_role("button", name="Merge the organisations").click()
    assert page.url.endswith(f"/admin/organisations/{kept_id}")
    db.session.rollback()
    assert db.session.get(Organisation, gone_id) is None
    assert db.session.scalar(select(User.organisation_id).where(User.id == person_id)) == kept_id
