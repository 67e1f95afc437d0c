"""Login throttling that an attacker cannot turn against the account's owner.

Three counters, each in a fixed window of LOGIN_FAILURE_WINDOW seconds:

- per (account, client): LOGIN_LIMIT_ACCOUNT_CLIENT attempts. An attempt takes its place in this
  count *before* its password is checked (an atomic increment that returns the new value), so
  of 40 parallel guesses exactly the first five are checked. A successful login clears it.
- per client: LOGIN_LIMIT_CLIENT failed passwords, whatever the accounts (one address guessing
  many accounts). Only failures count: a room of 200 learners behind one address logs in.
- per account: LOGIN_LIMIT_ACCOUNT failed passwords from every client together, a much higher
  ceiling against guesses spread over many addresses.

The last two are read before the check and incremented after a failure, so parallel requests
may pass them by as many as are in flight at once; the first one is exact.

With REDIS_URL set the counters live in Redis (HINCRBY/INCR with an expiry); otherwise in the
login_counter table, updated with INSERT ... ON CONFLICT DO UPDATE ... RETURNING on SQLite and
PostgreSQL alike. Never in process memory: a throttle per worker is no throttle.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from lms.auth.models import LoginCounter
from lms.extensions import db

ANY = ""  # the account or client column of a counter that is not about one


@dataclass(frozen=True)
class Gate:
    """Whether an attempt may have its password checked. `refused` names the counter that
    stopped it ("account_client", "client" or "account"); `retry_after` is in seconds."""

    refused: str | None = None
    retry_after: int = 0


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("lms_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(url)
        current_app.extensions["lms_redis"] = client
    return client


def _account(email: str) -> str:
    return email.strip().lower()[:254]


def _window() -> int:
    return current_app.config["LOGIN_FAILURE_WINDOW"]


def _limit(name: str) -> int:
    return current_app.config[f"LOGIN_LIMIT_{name.upper()}"]


def _redis_keys(email: str, client: str) -> tuple[str, str, str]:
    # One hash per account (a field per client, and "all"), so a password reset clears every field.
    return f"login-failures:{_account(email)}", f"client:{client}", f"login-failures-client:{client}"


def reserve(email: str, client: str, *, now: datetime) -> Gate:
    """Count this attempt for (account, client) and say whether its password may be checked.
    A refused attempt leaves the other counters as they were."""
    store = _redis()
    if store is not None:
        return _reserve_redis(store, email, client)
    window = timedelta(seconds=_window())
    if (found := _current(ANY, client, now)) and found.count >= _limit("client"):
        return Gate("client", _seconds_left(found, now))
    count = _increment(_account(email), client, now=now, window=window)
    if count > _limit("account_client"):
        return Gate("account_client", _seconds_left(_current(_account(email), client, now), now))
    if (found := _current(_account(email), ANY, now)) and found.count >= _limit("account"):
        _change(_account(email), client, -1)  # not checked, so not counted against this client
        return Gate("account", _seconds_left(found, now))
    return Gate()


def record_failure(email: str, client: str, *, now: datetime) -> None:
    """A checked password was wrong: count it for the client and the account. The attempt is
    already counted for the pair by reserve()."""
    store = _redis()
    if store is not None:
        account_key, _field, client_key = _redis_keys(email, client)
        pipe = store.pipeline()
        pipe.incr(client_key)
        pipe.expire(client_key, _window(), nx=True)
        pipe.hincrby(account_key, "all", 1)
        pipe.expire(account_key, _window(), nx=True)
        pipe.execute()
        return
    window = timedelta(seconds=_window())
    # Always client first, then account: concurrent transactions lock rows in the same order.
    _increment(ANY, client, now=now, window=window)
    _increment(_account(email), ANY, now=now, window=window)
    _purge(now)


def record_success(email: str, client: str) -> None:
    """The password was right: this client starts again from zero for this account."""
    store = _redis()
    if store is not None:
        account_key, field, _client_key = _redis_keys(email, client)
        store.hdel(account_key, field)
        return
    db.session.execute(delete(LoginCounter).where(LoginCounter.account == _account(email),
                                                  LoginCounter.client == client))


def clear_failures(email: str) -> None:
    """Forget every count about this account (its password was reset, or it was deleted)."""
    store = _redis()
    if store is not None:
        store.delete(_redis_keys(email, "")[0])
        return
    db.session.execute(delete(LoginCounter).where(LoginCounter.account == _account(email)))


def counts_for(email: str, *, now: datetime) -> list[dict]:
    """The counts about this account still in their window, for the person's data export:
    {"client": address, or "" for all clients together, "count": n, "until": end of window}."""
    store = _redis()
    if store is not None:
        key = _redis_keys(email, "")[0]
        fields, ttl = store.hgetall(key), store.ttl(key)
        until = now + timedelta(seconds=max(ttl, 0))
        return [{"client": "" if name == b"all" else name.decode().removeprefix("client:"),
                 "count": int(value), "until": until}
                for name, value in sorted(fields.items()) if int(value) > 0]
    rows = db.session.scalars(select(LoginCounter).where(
        LoginCounter.account == _account(email), LoginCounter.expires_at > now,
        LoginCounter.count > 0).order_by(LoginCounter.client))
    return [{"client": row.client, "count": row.count, "until": row.expires_at} for row in rows]


def _reserve_redis(store, email: str, client: str) -> Gate:
    account_key, field, client_key = _redis_keys(email, client)
    pipe = store.pipeline()
    pipe.get(client_key)
    pipe.ttl(client_key)
    failures_from_client, client_ttl = pipe.execute()
    if int(failures_from_client or 0) >= _limit("client"):
        return Gate("client", max(client_ttl, 1))
    pipe = store.pipeline()  # MULTI/EXEC: the increment and the expiry happen together
    pipe.hincrby(account_key, field, 1)
    pipe.expire(account_key, _window(), nx=True)
    pipe.hget(account_key, "all")
    pipe.ttl(account_key)
    count, _ok, failures_of_account, account_ttl = pipe.execute()
    if count > _limit("account_client"):
        return Gate("account_client", max(account_ttl, 1))
    if int(failures_of_account or 0) >= _limit("account"):
        store.hincrby(account_key, field, -1)
        return Gate("account", max(account_ttl, 1))
    return Gate()


def dialect_insert():
    """The insert() of this database's dialect, which has on_conflict_do_update/_do_nothing."""
    return (postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite).insert


def _increment(account: str, client: str, *, now: datetime, window: timedelta) -> int:
    """Add one to a counter and return its new value, in one statement. A counter whose window
    has ended starts again at 1 with a new window."""
    table = LoginCounter.__table__
    until = literal(now + window, table.c.expires_at.type)
    ended = table.c.expires_at <= literal(now, table.c.expires_at.type)
    stmt = dialect_insert()(table).values(account=account, client=client, count=1, expires_at=now + window)
    stmt = stmt.on_conflict_do_update(
        index_elements=["account", "client"],
        set_={"count": case((ended, 1), else_=table.c.count + 1),
              "expires_at": case((ended, until), else_=table.c.expires_at)},
    ).returning(table.c.count)
    return db.session.execute(stmt).scalar_one()


def _change(account: str, client: str, by: int) -> None:
    db.session.execute(update(LoginCounter).where(
        LoginCounter.account == account, LoginCounter.client == client).values(count=LoginCounter.count + by))


def _current(account: str, client: str, now: datetime) -> LoginCounter | None:
    # populate_existing: the counter may have changed in an UPDATE since it was last loaded.
    return db.session.scalar(select(LoginCounter).where(
        LoginCounter.account == account, LoginCounter.client == client, LoginCounter.expires_at > now)
        .execution_options(populate_existing=True))


def _seconds_left(counter: LoginCounter | None, now: datetime) -> int:
    if counter is None:
        return 1
    return max(int((counter.expires_at - now).total_seconds()) + 1, 1)


def _purge(now: datetime) -> None:
    """Drop counters whose window has ended (they hold addresses and e-mail addresses). Rows
    another transaction holds are skipped, never waited for, so two purges cannot deadlock."""
    expired = (select(LoginCounter.id).where(LoginCounter.expires_at <= now)
               .limit(200).with_for_update(skip_locked=True))
    db.session.execute(delete(LoginCounter).where(LoginCounter.id.in_(expired.scalar_subquery())))
