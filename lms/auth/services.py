"""Account writes. Services flush, never commit; the view or command commits."""
import hashlib
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from lms.auth import throttle
from lms.auth.models import ROLES, User
from lms.auth.passwords import hash_password, password_problem, verify_password
from lms.core.db import utcnow
from lms.extensions import db

RESET_SALT = "password-reset"
INVITE_SALT = "invitation"


class AccountError(Exception):
    """A problem the user should read; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class LoginThrottled(AccountError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(*, email: str, name: str, password: str | None, role: str = "learner",
                locale: str = "en", organisation_text: str | None = None) -> User:
    from flask_babel import gettext as _

    if role not in ROLES:
        raise AccountError(_("Unknown role."), "role")
    if find_user(email) is not None:
        raise AccountError(_("An account with this e-mail address already exists."), "email")
    # The forms check the policy too; this catches every other way in (command line, demo seeding).
    problem = password and password_problem(password, email=email, name=name)
    if problem:
        raise AccountError(problem, "password")
    user = User(email=normalise_email(email), name=name.strip(), role=role, locale=locale,
                organisation_text=(organisation_text or "").strip() or None,
                password_hash=hash_password(password) if password else None)
    db.session.add(user)
    db.session.flush()
    return user


# A dummy hash so that an unknown e-mail costs as much time as a wrong password.
_DUMMY_HASH = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-real-password-for-timing")
    return _DUMMY_HASH


@dataclass
class LoginResult:
    user: User | None
    throttled: bool = False


def authenticate(email: str, password: str, *, now=None) -> LoginResult:
    """Check a login. Failures are recorded; the caller commits either way."""
    now = now or utcnow()
    if throttle.is_throttled(email, now=now):
        return LoginResult(None, throttled=True)
    user = find_user(email)
    if user is None or not user.active:
        verify_password(_dummy_hash(), password)
        throttle.record_failure(email, now=now)
        return LoginResult(None)
    if not verify_password(user.password_hash, password):
        throttle.record_failure(email, now=now)
        return LoginResult(None)
    throttle.clear_failures(email)
    user.last_login_at = now
    return LoginResult(user)


def end_sessions(user: User) -> None:
    """Invalidate every session cookie issued to this user so far."""
    user.session_epoch += 1


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    end_sessions(user)


def update_profile(user: User, *, name: str, locale: str, timezone: str | None = None,
                   organisation_text: str | None = None) -> None:
    user.name = name.strip()
    user.locale = locale
    user.timezone = timezone
    if organisation_text is not None:  # "" clears it; None leaves it as it is
        user.organisation_text = organisation_text.strip() or None


def _serializer(salt: str = RESET_SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(user: User) -> str:
    # Tied to the current password hash, so a token stops working once it has been used.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    return _serializer().dumps({"id": user.id, "fp": _fingerprint(user)})


def make_invite_token(user: User, cohort_id: int | None = None) -> str:
    """Like a reset token, but for an account created by a facilitator: valid for days, and
    naming the cohort so the welcome page can take the learner to its course."""
    return _serializer(INVITE_SALT).dumps({"id": user.id, "fp": _fingerprint(user), "c": cohort_id})


def invitation_from_token(token: str) -> tuple[User, int | None]:
    """(user, cohort id) of an invitation link; AccountError when it is not usable."""
    from flask_babel import gettext as _

    try:
        data = _serializer(INVITE_SALT).loads(token, max_age=current_app.config["INVITATION_MAX_AGE"])
    except SignatureExpired as exc:
        raise AccountError(_("This invitation has expired. Ask your facilitator to send it again, "
                             "or ask for a new link below.")) from exc
    except BadSignature as exc:
        raise AccountError(_("This invitation link is not valid. Check that the whole link was "
                             "copied.")) from exc
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or not user.active:
        raise AccountError(_("This invitation link is not valid. Check that the whole link was copied."))
    if data.get("fp") != _fingerprint(user):
        raise AccountError(_("You have already chosen your password. Log in with it."), field="used")
    return user, data.get("c")


def is_invitation_token(token: str) -> bool:
    try:
        _serializer(INVITE_SALT).loads(token)
    except BadSignature:
        return False
    return True


def user_from_reset_token(token: str) -> User | None:
    """The user a reset or invitation link belongs to; AccountError when it is not usable."""
    from flask_babel import gettext as _

    config = current_app.config
    for salt, max_age in ((RESET_SALT, config["PASSWORD_RESET_MAX_AGE"]),
                          (INVITE_SALT, config["INVITATION_MAX_AGE"])):
        try:
            data = _serializer(salt).loads(token, max_age=max_age)
            break
        except SignatureExpired as exc:
            raise AccountError(_("This link has expired. Ask for a new one.")) from exc
        except BadSignature:
            continue
    else:
        raise AccountError(_("This reset link is not valid. Ask for a new one."))
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        raise AccountError(_("This reset link has already been used or is not valid."))
    return user
