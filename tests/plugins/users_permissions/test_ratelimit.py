"""The rate limit of /api/auth/*: Strapi's 10 a minute per address and path, its headers and its 429,
configurable, kept in the database and kept small."""

from __future__ import annotations

import math
import time

import pytest

from minikoa.plugins.users_permissions.ratelimit import TABLE, RateLimiter
from minikoa.plugins.users_permissions.settings import RateLimit

from .conftest import PASSWORD, error, register

WRONG = {"identifier": "ada", "password": "wrong-password"}


def test_ten_a_minute_then_strapis_429(client):
    register(client, "ada")
    start = time.time()
    for n in range(1, 11):
        res = client.post("/api/auth/local", json=WRONG)
        assert res.status_code == 400
        assert res.headers["X-RateLimit-Limit"] == "10" and res.headers["X-RateLimit-Remaining"] == str(10 - n)
        reset = int(res.headers["X-RateLimit-Reset"])
        assert math.ceil(start + 60) <= reset <= math.ceil(time.time() + 60)
    res = client.post("/api/auth/local", json={"identifier": "ada", "password": PASSWORD})  # even the right one
    assert error(res, 429) == {"status": 429, "name": "RateLimitError",
                               "message": "Too many requests, please try again later.", "details": {}}
    assert res.headers["X-RateLimit-Remaining"] == "0" and res.headers["X-RateLimit-Reset"] == str(reset)
    assert 1 <= int(res.headers["Retry-After"]) <= 60
    # Another path has its own count; routes outside /auth have none.
    other = client.post("/api/auth/forgot-password", json={"email": "ada@example.test"})
    assert other.status_code == 200 and other.headers["X-RateLimit-Remaining"] == "9"
    assert "X-RateLimit-Limit" not in client.get("/api/users/me").headers


def test_each_address_has_its_own_count_and_a_path_is_one_path_however_written(app):
    first = app.test_client()
    for path in ("/api/auth/local", "/api/auth/local/"):  # one route, one count
        assert first.post(path, json=WRONG).status_code == 400
    assert first.post("/API/Auth/Local", json=WRONG).status_code == 404  # no route: nothing to count
    assert first.post("/api/auth/local", json=WRONG).headers["X-RateLimit-Remaining"] == "7"
    other = first.post("/api/auth/local", json=WRONG, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.headers["X-RateLimit-Remaining"] == "9"


def test_the_limit_is_configurable_with_strapis_keys(make):
    client = make({"ratelimit": {"interval": {"min": 5}, "max": 2}}).test_client()
    start = time.time()
    assert client.post("/api/auth/local", json=WRONG).headers["X-RateLimit-Limit"] == "2"
    res = client.post("/api/auth/local", json=WRONG)
    assert res.status_code == 400 and res.headers["X-RateLimit-Remaining"] == "0"
    assert int(res.headers["X-RateLimit-Reset"]) >= start + 300
    assert error(client.post("/api/auth/local", json=WRONG), 429)["name"] == "RateLimitError"


def test_the_limit_can_be_turned_off(make):
    client = make({"ratelimit": {"enabled": False}}).test_client()
    for _ in range(12):
        res = client.post("/api/auth/local", json=WRONG)
        assert res.status_code == 400 and "X-RateLimit-Limit" not in res.headers


def test_a_window_closes_and_the_closed_ones_are_deleted(app):
    limiter = RateLimiter(lambda: app.db.db, RateLimit(max=3, interval_ms=1000))
    assert limiter.hit("a", now=100.0) == (1, 101.0)
    assert limiter.hit("a", now=100.5) == (2, 101.0)
    assert limiter.hit("b", now=100.6) == (1, 101.6)
    assert limiter.hit("a", now=101.0) == (1, 102.0)  # a new window, which deletes the closed ones
    assert limiter.hit("c", now=200.0) == (1, 201.0)
    keys = [row[0] for row in app.db.db.query(f'SELECT "key" FROM {TABLE.name} ORDER BY "key"')]
    assert keys == ["c"]


@pytest.mark.parametrize("config, message", [
    ({"ratelimit": {"max": 0}}, "ratelimit.max must be a positive whole number"),
    ({"ratelimit": {"interval": {"minutes": 1}}}, "ratelimit.interval is milliseconds or one of"),
    ({"ratelimit": {"interval": -5}}, "ratelimit.interval must be a positive number"),
    ({"ratelimit": {"enabled": "yes"}}, "ratelimit.enabled must be True or False"),
    ({"ratelimit": {"prefixKey": "x"}}, "unknown key ratelimit.prefixKey"),
])
def test_config_mistakes_are_named(make, config, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        make(config)
