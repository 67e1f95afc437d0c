"""The account and registration forms change only the fields they show. A posted role, admin
flag, organisation, address or session field is ignored, whatever name it is posted under."""
import pytest
from sqlalchemy import func, inspect, select

from lms.auth.models import User
from lms.cohorts.models import CohortMember, Organisation
from lms.extensions import db
from tests.factories import PASSWORD

# Columns the profile form may change; everything else about the account must stay as it was.
PROFILE_FIELDS = {"name", "organisation_text", "locale", "timezone"}


def _forged(prefix: str, other_org: Organisation) -> dict:
    """Fields a forged form adds, under the form's prefix and without it."""
    values = {"role": "admin", "is_admin": "1", "is_active": "1", "admin": "y",
              "organisation_id": str(other_org.id), "organisation": str(other_org.id),
              "email": "taken-over@example.org", "password_hash": "plain", "password": "x" * 20,
              "session_epoch": "0", "active": "0", "deleted_at": "2020-01-01", "id": "1",
              "created_at": "2020-01-01", "last_login_at": "2020-01-01"}
    return values | {f"{prefix}{key}": value for key, value in values.items()}


def _columns(user: User) -> dict:
    db.session.rollback()
    row = db.session.get(User, user.id, populate_existing=True)
    return {attr.key: getattr(row, attr.key) for attr in inspect(User).column_attrs}


@pytest.fixture
def orgs(make):
    home = Organisation(name="Ministry of Justice of Kenya", kind="sur_ministry", country="KE")
    other = Organisation(name="National Human Rights Commission", kind="nhri", country="FR")
    db.session.add_all([home, other])
    db.session.commit()
    return home, other


def test_the_account_form_ignores_a_posted_role_organisation_and_address(client, make, login, orgs):
    home, other = orgs
    user = make.user(organisation_id=home.id, organisation_text="Justice", locale="en")
    login(user)
    before = _columns(user)
    posted = {"profile-name": "Amina Otieno", "profile-locale": "fr",
              "profile-timezone": "Africa/Nairobi", "profile-organisation_text": "Ministry of Justice",
              **_forged("profile-", other)}
    response = client.post("/account", data=posted)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    after = _columns(user)
    assert {k: v for k, v in after.items() if k not in PROFILE_FIELDS} == \
        {k: v for k, v in before.items() if k not in PROFILE_FIELDS}
    assert (after["name"], after["locale"], after["timezone"], after["organisation_text"]) == \
        ("Amina Otieno", "fr", "Africa/Nairobi", "Ministry of Justice")
    # What the person would notice: still a learner, still logged in, no admin pages.
    assert client.get("/account").status_code == 200
    assert client.get("/admin").status_code == 403
    assert client.get("/admin/users").status_code == 403


def test_a_refused_profile_post_changes_nothing_either(client, make, login, orgs):
    _home, other = orgs
    user = make.user()
    login(user)
    before = _columns(user)
    response = client.post("/account", data={"profile-name": "", "profile-locale": "en",
                                              **_forged("profile-", other)})
    assert response.status_code == 400
    assert _columns(user) == before


def test_the_other_account_forms_ignore_a_posted_role(client, make, login, orgs, smtp_server):
    _home, other = orgs
    user = make.user()
    login(user)
    client.post("/account/email", data={"email-email": "new@example.org", "email-current": PASSWORD,
                                        **_forged("email-", other)})
    client.post("/account/password", data={"pw-current": "wrong password here", "pw-password": "x",
                                           "pw-confirm": "x", **_forged("pw-", other)})
    after = _columns(user)
    assert (after["role"], after["organisation_id"], after["active"]) == ("learner", None, True)


def test_registration_ignores_a_posted_role_and_organisation(client, orgs):
    _home, other = orgs
    response = client.post("/register", data={
        **_forged("", other), "name": "Kofi Mensah", "email": "kofi.mensah@example.org",
        "password": "plum orbit kettle sandstone", "locale": "en", "organisation_text": "CSO"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.email == "kofi.mensah@example.org"))
    assert user is not None
    assert (user.role, user.organisation_id, user.active, user.deleted_at) == ("learner", None, True, None)
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0
    assert client.get("/admin").status_code == 403
