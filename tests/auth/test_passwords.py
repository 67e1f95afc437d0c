import pytest

from lms.auth.passwords import hash_password, password_problem, personal_words, verify_password
from tests.factories import PASSWORD

PASSPHRASE_ADVICE = "four or more unrelated words"


@pytest.mark.parametrize("password, ok", [
    ("a" * 11, False),
    ("river otter 1", True),
    ("x" * 3 + "long enough phrase", True),
    ("é" * 4 + "ñandú çà va bien", True),
    ("🙂 emoji are fine here", True),
    ("n" + "z" * 127, False),  # too few distinct characters
    ("lantern cobalt thimble " * 5 + "orbit", True),  # 120 characters: only the first 72 are scored
    ("abcdefghij12" * 10 + "abcdefghi", False),  # 129 characters
])
def test_length_rules(app, password, ok):
    assert (password_problem(password) is None) is ok


@pytest.mark.parametrize("password, reason", [
    ("password1234", "commonly used password"),
    ("qwertyuiop12", "commonly used password"),
    ("P@ssw0rd12345", "look-alike"),
    ("drowssap12345", "spelled backwards"),
    ("19901990abcd", "repeats"),
    ("asdfghjkl;lkj", "neighbouring keys"),
])
def test_guessable_passwords_are_refused_with_the_reason_and_a_passphrase_hint(app, password, reason):
    problem = password_problem(password)
    assert problem is not None and problem.startswith("This password would be easy to guess.")
    assert reason in problem and PASSPHRASE_ADVICE in problem


def test_the_message_is_ours_not_the_strength_meters_english(app):
    problem = password_problem("password1234")
    assert "This is a very common password" not in problem  # zxcvbn's own feedback
    assert "Add another word or two" not in problem


def test_common_passwords_are_refused_whatever_the_case(app):
    assert "too common" in password_problem("1q2w3e4r5t6y")
    assert "too common" in password_problem("QWERTY123456")


def test_passwords_built_from_the_persons_own_words_or_the_sites_name_fail(app):
    who = {"email": "nadia.rahman@ministry.example", "name": "Nadia Rahman"}
    for password in ["nadiarahman2024", "Rahman-Nadia-99", "upracademy2026", "Academy-UPR-12",
                     "nadia rahman 1", "ministry nadia!"]:
        problem = password_problem(password, **who)
        assert problem is not None, password
        assert "name" in problem and PASSPHRASE_ADVICE in problem
    # The same shapes without the person's words are fine.
    assert password_problem("heron lantern 2024", **who) is None


def test_personal_words_cover_name_and_address_parts_but_not_the_top_level_domain(app):
    words = personal_words(email="ana.lima+upr@mre.example.gov", name="Ana Lima")
    assert {"ana lima", "ana", "lima", "mre", "upr", "academy"} <= set(words)
    assert "gov" not in words


def test_email_as_password_refused(app):
    assert "e-mail" in password_problem("someone.long@example.org", email="someone.long@example.org")


def test_fixture_and_demo_passwords_pass_the_policy(app):
    assert password_problem(PASSWORD, email="user1@example.org", name="User 1") is None
    demo = app.config["DEMO_PASSWORD"]
    for email, name in [("admin@example.org", "Ada Admin"), ("learner@example.org", "Lena Learner")]:
        assert password_problem(demo, email=email, name=name) is None


def test_no_truncation_every_character_counts(app):
    stored = hash_password("p" * 80 + "A")
    assert stored.startswith("scrypt:")
    assert verify_password(stored, "p" * 80 + "A")
    assert not verify_password(stored, "p" * 80 + "B")


def test_hashes_are_salted(app):
    assert hash_password("same password here") != hash_password("same password here")
