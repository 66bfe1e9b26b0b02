"""API tokens over real gunicorn with two workers: a token made through the admin API works on both, and a
revoked or regenerated key stops on both at once. The workers start together without a configured salt, so
they also show that the development salt is made once and shared. Every answer names its worker
(``X-Worker``, a project middleware), so "both" is checked, not assumed."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import requests

TIMEOUT = 10
ADMIN = {"Authorization": "Bearer the-admin-token"}
SCHEMA = {"kind": "collectionType", "collectionName": "articles",
          "info": {"singularName": "article", "pluralName": "articles", "displayName": "Article"},
          "options": {"draftAndPublish": False}, "attributes": {"title": {"type": "string"}}}
CONTROLLER = """\
import time
from minikoa import core_controller

class ArticleController(core_controller("api::article.article")):
    def pid(self, ctx):
        time.sleep(0.1)  # concurrent requests spread over both workers
        return {"strategy": ctx.state.auth.strategy}

controller = ArticleController
"""
WORKER = """\
import os

def middleware(config, app):
    pid = str(os.getpid())

    def worker(ctx):
        ctx.set("X-Worker", pid)
        yield
    return worker
"""
FILES = {
    "config/plugins.py": "config = {'users-permissions': {'config': {'jwtSecret': 'j' * 32}}}\n",
    "config/admin.py": "config = {'token': 'the-admin-token'}\n",
    "config/middlewares.py": "config = ['minikoa::errors', 'global::worker', 'minikoa::query', 'minikoa::body']\n",
    "src/middlewares/worker.py": WORKER,
    "src/api/article/content-types/article/schema.json": json.dumps(SCHEMA),
    "src/api/article/controllers/article.py": CONTROLLER,
    "src/api/article/routes/article.py": ("from minikoa import core_router\n"
                                          "routes = core_router('api::article.article')\n"),
    "src/api/article/routes/pid.py": "routes = [{'method': 'GET', 'path': '/pid', 'handler': 'article.pid'}]\n",
}


def answers(url: str, key: str) -> list[requests.Response]:
    """Rounds of 8 concurrent GETs of ``url`` with ``key``, each on its own connection, until both workers
    have answered (at most 25 rounds)."""
    def one(_: int) -> requests.Response:
        return requests.get(url, headers={"Authorization": f"Bearer {key}"}, timeout=TIMEOUT)

    found: list[requests.Response] = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(25):
            found += pool.map(one, range(8))
            if len({res.headers["X-Worker"] for res in found}) == 2:
                break
    assert len({res.headers["X-Worker"] for res in found}) == 2, "one worker answered everything"
    return found


def test_a_token_made_through_the_admin_api_works_on_every_worker(project, serve):
    root = project(FILES)
    server = serve(f"minikoa.wsgi:create_app({str(root)!r})", workers=2,
                   env={"API_TOKEN_SALT": "", "MINIKOA_ENV": "development", "NODE_ENV": ""})
    made = requests.post(server.url + "/admin/api-tokens", headers=ADMIN, timeout=TIMEOUT,
                         json={"name": "deploy", "type": "custom", "permissions": ["api::article.article.pid"]})
    assert made.status_code == 201, made.text
    token = made.json()["data"]
    key = token["accessKey"]

    served = answers(server.url + "/api/pid", key)  # both workers take the key
    assert {res.status_code for res in served} == {200}
    assert {res.json()["strategy"] for res in served} == {"api-token"}
    assert (root / ".tmp" / "api-token-salt").is_file()
    forbidden = requests.get(server.url + "/api/articles", headers={"Authorization": f"Bearer {key}"},
                             timeout=TIMEOUT)
    assert forbidden.status_code == 403

    listed = requests.get(server.url + "/admin/api-tokens", headers=ADMIN, timeout=TIMEOUT).json()["data"]
    assert [t["name"] for t in listed] == ["deploy"] and listed[0]["lastUsedAt"] is not None
    assert key not in json.dumps(listed)

    again = requests.post(f"{server.url}/admin/api-tokens/{token['id']}/regenerate", headers=ADMIN, timeout=TIMEOUT)
    assert again.status_code == 201
    new = again.json()["data"]["accessKey"]
    old = answers(server.url + "/api/pid", key)
    assert {res.status_code for res in old} == {401}
    assert {res.json()["error"]["message"] for res in old} == {"Missing or invalid credentials"}
    assert {res.status_code for res in answers(server.url + "/api/pid", new)} == {200}

    gone = requests.delete(f"{server.url}/admin/api-tokens/{token['id']}", headers=ADMIN, timeout=TIMEOUT)
    assert gone.status_code == 200 and gone.json()["data"]["name"] == "deploy"
    assert {res.status_code for res in answers(server.url + "/api/pid", new)} == {401}
