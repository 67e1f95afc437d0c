"""Account writes. Services flush, never commit; the view or command commits."""
import hashlib
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, select

from lms.auth import throttle
from lms.auth.models import ROLES, RevokedSession, User
from lms.auth.passwords import hash_password, password_problem, verify_password
from lms.extensions import db

RESET_SALT = "password-reset"
INVITE_SALT = "invitation"


class AccountError(Exception):
    """A problem the user should read; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(*, email: str, name: str, password: str | None, role: str = "learner",
                locale: str = "en", organisation_text: str | None = None,
                password_hash: str | None = None) -> User:
    """A new account. Views pass `password_hash` (hashed before their write transaction, the
    form having applied the policy) and password=None; other callers pass the password."""
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
                password_hash=password_hash or (hash_password(password) if password else None))
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


@dataclass(frozen=True)
class PasswordCheck:
    """The account a login names (if any), its stored hash, and whether the password matched."""

    user_id: int | None
    checked_hash: str | None
    correct: bool = False


def login_account(email: str) -> PasswordCheck:
    """The account and hash a login will check: read quickly, checked later without the database."""
    row = db.session.execute(select(User.id, User.password_hash)
                             .where(User.email == normalise_email(email))).first()
    return PasswordCheck(row[0], row[1]) if row is not None else PasswordCheck(None, None)


def check_password(found: PasswordCheck, password: str) -> PasswordCheck:
    """Slow (~100 ms of CPU) and without the database: call it outside any transaction, so it
    holds neither the write lock nor a pooled connection. An unknown address or an account
    without a password costs the same time as a wrong password."""
    matched = verify_password(found.checked_hash or _dummy_hash(), password)
    return PasswordCheck(found.user_id, found.checked_hash, bool(found.checked_hash) and matched)


@dataclass
class LoginResult:
    user: User | None
    refused: str | None = None  # a throttle.Gate's reason, or "deactivated"
    retry_after: int = 0


def finish_login(check: PasswordCheck, email: str, client: str, *, now) -> LoginResult:
    """The short write after check_password(): count the failure, or record the login. A
    deactivated account is told so, but only once the password was right."""
    user = db.session.get(User, check.user_id) if check.user_id is not None else None
    # Compared with the hash that was checked: a password changed meanwhile does not log in.
    if user is None or not check.correct or user.password_hash != check.checked_hash:
        throttle.record_failure(email, client, now=now)
        return LoginResult(None)
    throttle.record_success(email, client)
    if not user.active:
        return LoginResult(None, refused="deactivated")
    user.last_login_at = now
    return LoginResult(user)


def end_sessions(user: User) -> None:
    """Invalidate every session cookie issued to this user so far ("Log out everywhere")."""
    user.session_epoch += 1


def revoke_session(sid: str, *, expires_at, now) -> None:
    """End one session ("Log out" on one device): a copy of its cookie stops working too.
    Revocations past their session's end are forgotten on the way."""
    expired = (select(RevokedSession.sid).where(RevokedSession.expires_at <= now)
               .limit(200).with_for_update(skip_locked=True))
    db.session.execute(delete(RevokedSession).where(RevokedSession.sid.in_(expired.scalar_subquery())))
    # A double click logs out twice: the second insert finds the row and does nothing.
    db.session.execute(throttle.dialect_insert()(RevokedSession).values(sid=sid, expires_at=expires_at)
                       .on_conflict_do_nothing(index_elements=["sid"]))


def set_password(user: User, password: str) -> None:
    set_password_hash(user, hash_password(password))


def set_password_hash(user: User, password_hash: str) -> None:
    """Views hash the new password before their write transaction and store it with this."""
    user.password_hash = password_hash
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
