import pytest

from lms.auth.passwords import hash_password, password_problem, verify_password


@pytest.mark.parametrize("password, ok", [
    ("a" * 11, False),
    ("river otter 1", True),
    ("x" * 3 + "long enough phrase", True),
    ("é" * 4 + "ñandú çà va bien", True),
    ("🙂 emoji are fine here", True),
    ("n" + "z" * 127, False),  # too few distinct characters
    ("ab1 " * 16, True),  # 64 characters
    ("abcdefghij12" * 10 + "abcdefghi", False),  # 129 characters
])
def test_length_rules(app, password, ok):
    assert (password_problem(password) is None) is ok


def test_common_passwords_are_refused_whatever_the_case(app):
    assert password_problem("1q2w3e4r5t6y") is not None
    assert password_problem("QWERTY123456") is not None


def test_email_as_password_refused(app):
    assert "e-mail" in password_problem("someone.long@example.org", email="someone.long@example.org")


def test_no_truncation_every_character_counts(app):
    stored = hash_password("p" * 80 + "A")
    assert stored.startswith("scrypt:")
    assert verify_password(stored, "p" * 80 + "A")
    assert not verify_password(stored, "p" * 80 + "B")


def test_hashes_are_salted(app):
    assert hash_password("same password here") != hash_password("same password here")
