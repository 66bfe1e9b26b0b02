"""users-permissions over gunicorn: two workers share the /auth rate limit, the users and the
voiding of tokens, because all of it lives in the database."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import write_project

TIMEOUT = 30  # a hang detector, not a speed check
LIMIT = 20
PLUGINS = f"""config = {{'users-permissions': {{'config': {{
    'jwtSecret': 'a-test-secret-that-is-long-enough-for-hs256',
    'ratelimit': {{'interval': {{'min': 10}}, 'max': {LIMIT}}},
}}}}}}
"""
#: A global middleware naming the worker that answered, so the test can see both were used; it holds its
#: worker a moment, so that of two requests sent together each worker takes one.
WORKER = """import os
import time


def middleware(config, app):
    def worker(ctx):
        ctx.set("X-Worker", str(os.getpid()))  # set on the way in: error answers keep it
        time.sleep(0.05)
        yield
    return worker
"""


def in_pairs(times: int, send: Callable[[], requests.Response]) -> list[requests.Response]:
    """``send()`` ``times`` times two at once, so that each of the two workers takes one of a pair."""
    barrier = threading.Barrier(2)

    def one(_):
        barrier.wait(TIMEOUT)
        return send()

    answers: list[requests.Response] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(times):
            answers += list(pool.map(one, range(2)))
    return answers


@pytest.fixture
def server(serve, tmp_path):
    root = write_project(tmp_path / "project", {
        "config/plugins.py": PLUGINS,
        "config/middlewares.py": "config = ['minikoa::errors', 'global::worker', 'minikoa::query', 'minikoa::body']\n",
        "src/middlewares/worker.py": WORKER,
    })
    return serve(f'minikoa.wsgi:create_app("{root}")', workers=2, env={"DATABASE_FILENAME": str(tmp_path / "u.db")})


def test_two_workers_share_one_count(server):
    url = f"{server.url}/api/auth/local"
    answers = in_pairs(LIMIT // 2, lambda: requests.post(
        url, json={"identifier": "nobody", "password": "wrong-password"}, timeout=TIMEOUT))
    assert [a.status_code for a in answers] == [400] * LIMIT
    # One count for both workers: every remaining value once, none granted twice.
    assert sorted(int(a.headers["X-RateLimit-Remaining"]) for a in answers) == list(range(LIMIT))
    assert len({a.headers["X-RateLimit-Reset"] for a in answers}) == 1  # one window
    assert len({a.headers["X-Worker"] for a in answers}) == 2, "both workers answered"
    for _ in range(4):  # whichever worker takes it
        res = requests.post(url, json={"identifier": "nobody", "password": "x"}, timeout=TIMEOUT)
        assert res.status_code == 429 and res.json()["error"]["name"] == "RateLimitError"
        assert res.headers["X-RateLimit-Remaining"] == "0" and int(res.headers["Retry-After"]) >= 1
    # Another path has its own count.
    res = requests.post(f"{server.url}/api/auth/forgot-password", json={"email": "a@example.test"}, timeout=TIMEOUT)
    assert res.status_code == 200 and res.headers["X-RateLimit-Remaining"] == str(LIMIT - 1)


def test_a_password_change_voids_the_token_on_every_worker(server):
    base = server.url
    res = requests.post(f"{base}/api/auth/local/register", timeout=TIMEOUT, json={
        "username": "ada", "email": "ada@example.test", "password": "Secret-pass-1"})
    assert res.status_code == 200
    old = {"Authorization": f"Bearer {res.json()['jwt']}"}
    answers = in_pairs(4, lambda: requests.get(f"{base}/api/users/me", headers=old, timeout=TIMEOUT))
    assert {(a.status_code, a.json()["username"]) for a in answers} == {(200, "ada")}
    assert len({a.headers["X-Worker"] for a in answers}) == 2
    res = requests.post(f"{base}/api/auth/change-password", headers=old, timeout=TIMEOUT, json={
        "currentPassword": "Secret-pass-1", "password": "Another-pass-2", "passwordConfirmation": "Another-pass-2"})
    assert res.status_code == 200
    new = {"Authorization": f"Bearer {res.json()['jwt']}"}
    answers = in_pairs(4, lambda: requests.get(f"{base}/api/users/me", headers=old, timeout=TIMEOUT))
    assert {a.status_code for a in answers} == {401} and len({a.headers["X-Worker"] for a in answers}) == 2
    answers = in_pairs(4, lambda: requests.get(f"{base}/api/users/me", headers=new, timeout=TIMEOUT))
    assert {a.status_code for a in answers} == {200} and len({a.headers["X-Worker"] for a in answers}) == 2
