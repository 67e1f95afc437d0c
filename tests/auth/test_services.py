import pytest

from lms.auth import services


def test_create_user_applies_the_password_policy_whoever_calls_it(app):
    with pytest.raises(services.AccountError) as error:
        services.create_user(email="kamau@example.org", name="Wanjiru Kamau", password="WanjiruKamau2025")
    assert error.value.field == "password" and "your name" in str(error.value)
    user = services.create_user(email="kamau@example.org", name="Wanjiru Kamau", password="heron lantern cobalt")
    assert user.id is not None
    # An invited account has no password yet: nothing to check.
    assert services.create_user(email="invited@example.org", name="Invited Person", password=None).password_hash is None


def test_update_profile_leaves_the_organisation_alone_unless_given(app, make):
    user = make.user(organisation_text="Kenya NHRI")
    services.update_profile(user, name="New Name", locale="fr")
    assert user.organisation_text == "Kenya NHRI"
    services.update_profile(user, name="New Name", locale="fr", organisation_text="  ")
    assert user.organisation_text is None
