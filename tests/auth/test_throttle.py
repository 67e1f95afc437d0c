"""Login throttling: five attempts per account and device, fifty failures per device address,
a hundred per account; counted atomically in the database (SQLite and PostgreSQL) or Redis."""
import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from lms.auth import services, throttle
from lms.auth.models import LoginCounter
from lms.core.db import utcnow
from lms.extensions import db
from tests.factories import PASSWORD

WRONG = "not the right password"


def _post(client, email, password, ip="127.0.0.1"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


@pytest.fixture
def counted(monkeypatch):
    """How many passwords the login view really checked."""
    calls = []
    lock = threading.Lock()
    real = services.verify_password

    def counting(stored, password):
        with lock:
            calls.append(password)
        return real(stored, password)

    monkeypatch.setattr(services, "verify_password", counting)
    return calls


def _burst(app, email, n=40, ip="127.0.0.1"):
    """n wrong guesses fired at the same moment from one address; their status codes."""
    clients = [app.test_client() for _ in range(n)]
    for c in clients:
        c.get("/login")  # sessions exist before the burst, as in a browser
    barrier = threading.Barrier(n)
    statuses, errors = [], []

    def guess(c):
        try:
            barrier.wait()
            statuses.append(_post(c, email, WRONG, ip).status_code)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=guess, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return sorted(statuses)


def test_forty_parallel_guesses_get_exactly_five_checked(app, make, counted):
    user = make.user()
    assert _burst(app, user.email) == [400] * 5 + [429] * 35
    assert len(counted) == 5
    # The owner, on their own device, is not locked out by the burst.
    assert _post(app.test_client(), user.email, PASSWORD, ip="198.51.100.20").status_code == 302


def test_five_wrong_passwords_lock_this_device_out_but_not_the_owner_elsewhere(client, make):
    user = make.user()
    for _ in range(5):
        assert _post(client, user.email, WRONG).status_code == 400
    blocked = _post(client, user.email, PASSWORD)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "Too many failed attempts for this account from this device" in blocked.get_data(as_text=True)
    owner = app_client(client)
    assert _post(owner, user.email, PASSWORD, ip="198.51.100.20").status_code == 302
    with time_machine.travel(timedelta(minutes=16)):
        assert _post(app_client(client), user.email, PASSWORD).status_code == 302


def app_client(client):
    return client.application.test_client()


def test_a_right_password_clears_this_devices_count(client, make):
    user = make.user()
    for _ in range(4):
        _post(client, user.email, WRONG)
    assert _post(client, user.email, PASSWORD).status_code == 302
    other = app_client(client)
    for _ in range(5):
        assert _post(other, user.email, WRONG).status_code == 400
    assert _post(other, user.email, WRONG).status_code == 429


def test_one_address_guessing_many_accounts_is_stopped_after_fifty_failures(app, client, make):
    app.config["LOGIN_LIMIT_CLIENT"] = 12
    victims = [make.user() for _ in range(4)]
    statuses = [_post(client, victim.email, WRONG, ip="203.0.113.66").status_code
                for victim in victims for _ in range(3)]
    assert statuses == [400] * 12
    refused = _post(client, victims[0].email, PASSWORD, ip="203.0.113.66")
    assert refused.status_code == 429 and "from your network" in refused.get_data(as_text=True)
    # Another address is not concerned, and successes never count: a classroom behind one address.
    assert _post(app_client(client), victims[0].email, PASSWORD, ip="203.0.113.67").status_code == 302
    app.config["LOGIN_LIMIT_CLIENT"] = 3
    for _ in range(5):
        assert _post(app_client(client), victims[1].email, PASSWORD, ip="192.0.2.10").status_code == 302


def test_guesses_from_many_addresses_hit_the_account_ceiling(app, client, make, counted):
    app.config["LOGIN_LIMIT_ACCOUNT"] = 8
    user = make.user()
    for n in range(4):
        for _ in range(2):
            assert _post(client, user.email, WRONG, ip=f"198.51.100.{n}").status_code == 400
    refused = _post(client, user.email, PASSWORD, ip="198.51.100.200")
    assert refused.status_code == 429 and "Too many failed attempts for this account." in refused.get_data(as_text=True)
    assert len(counted) == 8  # the refused attempt was not checked
    # A refused attempt is not held against the address it came from.
    row = db.session.scalar(select(LoginCounter).where(LoginCounter.client == "198.51.100.200"))
    assert row is None or row.count == 0


def test_a_password_reset_lifts_every_lock_on_the_account(app, client, make):
    app.config["LOGIN_LIMIT_ACCOUNT"] = 6
    user = make.user()
    for n in range(3):
        for _ in range(2):
            _post(client, user.email, WRONG, ip=f"198.51.100.{n}")
    assert _post(client, user.email, PASSWORD, ip="198.51.100.9").status_code == 429
    token = services.make_reset_token(user)
    response = client.post(f"/reset/{token}", data={"password": "a fresh passphrase to use",
                                                    "confirm": "a fresh passphrase to use"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginCounter)
                             .where(LoginCounter.account == user.email)) == 0
    assert _post(app_client(client), user.email, "a fresh passphrase to use", ip="198.51.100.0").status_code == 302


def test_a_deactivated_account_says_so_but_only_after_the_right_password(client, make):
    user = make.user(active=False)
    wrong = _post(client, user.email, WRONG)
    assert wrong.status_code == 400 and "deactivated" not in wrong.get_data(as_text=True)
    right = _post(client, user.email, PASSWORD)
    assert right.status_code == 403 and "This account has been deactivated" in right.get_data(as_text=True)
    assert app_client(client).get("/account").status_code == 302


def test_unknown_addresses_are_counted_like_accounts(client, counted):
    for _ in range(5):
        assert _post(client, "nobody@example.org", WRONG).status_code == 400
    assert _post(client, "nobody@example.org", WRONG).status_code == 429
    assert len(counted) == 5


def test_an_ended_window_starts_again_and_old_counters_are_purged(app, make):
    now = utcnow()
    for n in range(3):
        throttle.reserve("someone@example.org", f"192.0.2.{n}", now=now)
        throttle.record_failure("someone@example.org", f"192.0.2.{n}", now=now)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(LoginCounter)) == 7
    later = now + timedelta(minutes=16)
    assert throttle.reserve("someone@example.org", "192.0.2.0", now=later).refused is None
    throttle.record_failure("someone@example.org", "192.0.2.0", now=later)
    db.session.commit()
    rows = {(r.account, r.client): r.count for r in db.session.scalars(select(LoginCounter))}
    assert rows == {("someone@example.org", "192.0.2.0"): 1, ("", "192.0.2.0"): 1, ("someone@example.org", ""): 1}


@pytest.fixture
def redis_store(app):
    import redis

    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    app.extensions.pop("lms_redis", None)
    store = redis.Redis.from_url(app.config["REDIS_URL"])
    try:
        store.flushdb()
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    yield store
    store.flushdb()
    app.extensions.pop("lms_redis", None)


def test_in_redis_forty_parallel_guesses_get_exactly_five_checked(app, make, counted, redis_store):
    user = make.user()
    assert _burst(app, user.email) == [400] * 5 + [429] * 35
    assert len(counted) == 5
    key = f"login-failures:{user.email}"
    assert int(redis_store.hget(key, "client:127.0.0.1")) == 40 and int(redis_store.hget(key, "all")) == 5
    assert 0 < redis_store.ttl(key) <= 15 * 60
    assert int(redis_store.get("login-failures-client:127.0.0.1")) == 5
    assert db.session.scalar(select(func.count()).select_from(LoginCounter)) == 0
    assert _post(app.test_client(), user.email, PASSWORD).status_code == 429
    assert _post(app.test_client(), user.email, PASSWORD, ip="198.51.100.20").status_code == 302


def test_in_redis_the_account_ceiling_and_a_reset_work_too(app, client, make, redis_store):
    app.config["LOGIN_LIMIT_ACCOUNT"] = 4
    user = make.user()
    for n in range(2):
        for _ in range(2):
            assert _post(client, user.email, WRONG, ip=f"198.51.100.{n}").status_code == 400
    assert _post(client, user.email, PASSWORD, ip="198.51.100.9").status_code == 429
    throttle.clear_failures(user.email)
    assert _post(client, user.email, PASSWORD, ip="198.51.100.9").status_code == 302
