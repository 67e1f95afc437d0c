from sqlalchemy import select

from lms.auth.models import User
from lms.extensions import db


def test_users_create_reads_the_password_from_stdin(runner):
    result = runner.invoke(args=["users", "create", "--email", "Boss@Example.org", "--name", "Boss",
                                 "--role", "admin", "--password-stdin"], input="an admin passphrase\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.role) == ("boss@example.org", "admin")


def test_users_create_refuses_a_weak_password_and_writes_nothing(runner):
    result = runner.invoke(args=["users", "create", "--email", "x@example.org", "--name", "X",
                                 "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "at least 12" in result.output
    assert db.session.scalar(select(User)) is None


def test_users_create_refuses_a_guessable_password(runner):
    result = runner.invoke(args=["users", "create", "--email", "x@example.org", "--name", "X",
                                 "--password-stdin"], input="password1234\n")
    assert result.exit_code != 0 and "easy to guess" in result.output
    assert db.session.scalar(select(User)) is None
