"""examples/blog: each piece of the project exercised over HTTP, in-process and on gunicorn."""

from __future__ import annotations

import pytest
import requests

from minikoa import App

from .conftest import ROOT

BLOG = ROOT / "examples" / "blog"
AUTH = {"Authorization": "Bearer dev-token"}


@pytest.fixture
def blog(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "blog.db"))
    monkeypatch.delenv("API_TOKEN", raising=False)
    app = App.load(BLOG)
    yield app.test_client()
    app.destroy()


def test_seeded_articles_and_the_route_middleware(blog):
    res = blog.get("/api/articles")
    assert res.status_code == 200
    assert [a["title"] for a in res.json["data"]][:3] == ["Hello minikoa", "Routes and policies", "Middlewares"]
    assert res.headers["Cache-Control"] == "public, max-age=30"  # api::article.cache-control, routes config
    assert res.headers["X-Response-Time"].endswith("ms")  # global::timer
    assert "X-Frame-Options" in res.headers and res.headers["X-Powered-By"] == "minikoa"  # built-ins
    assert blog.get("/api/articles/1").json["data"]["author"] == "ada"
    assert "Cache-Control" not in blog.get("/api/articles/1").headers


def test_the_custom_routes(blog):
    assert blog.get("/api/articles/1/reading-time").json == {"data": {"id": 1, "minutes": 1}}
    assert blog.get("/api/articles/99/reading-time").status_code == 404
    assert blog.get("/ping").json == {"ok": True}  # config.prefix "" keeps it out of /api


def test_the_global_policy_guards_writes(blog):
    res = blog.post("/api/articles", json={"data": {"title": "Draft"}})
    assert res.status_code == 403 and res.json["error"]["details"] == {"policy": "is-authenticated"}
    res = blog.post("/api/articles", json={"data": {"title": "Mine", "body": "one two"}},
                    headers={**AUTH, "X-User": "bob"})
    assert res.status_code == 201 and res.json["data"]["author"] == "bob"


def test_the_api_policy_lets_only_the_author_edit(blog):
    res = blog.put("/api/articles/1", json={"data": {"title": "Hijacked"}}, headers={**AUTH, "X-User": "bob"})
    assert res.status_code == 403 and res.json["error"]["message"] == "Policy Failed"
    res = blog.put("/api/articles/1", json={"data": {"title": "Edited"}}, headers={**AUTH, "X-User": "ada"})
    assert res.status_code == 200 and res.json["data"]["title"] == "Edited"
    assert blog.put("/api/articles/99", json={"data": {}}, headers=AUTH).status_code == 404


def test_the_controller_validates(blog):
    res = blog.post("/api/articles", json={"title": "unwrapped"}, headers=AUTH)
    assert res.json["error"]["message"] == 'Missing "data" payload in the request body'
    res = blog.post("/api/articles", json={"data": {"title": "x" * 81, "nope": 1}}, headers=AUTH)
    assert res.status_code == 400 and res.json["error"]["message"] == "2 errors occurred"
    assert [e["path"] for e in res.json["error"]["details"]["errors"]] == [["nope"], ["title"]]


def test_public_files_and_favicon(blog):
    res = blog.get("/robots.txt")
    assert res.status_code == 200 and b"User-agent" in res.data
    res.close()  # a file body: the WSGI server closes it, here the test does
    assert blog.get("/favicon.ico").status_code in (200, 404)  # never a 500


def test_the_blog_on_gunicorn(serve, tmp_path):
    server = serve('minikoa.wsgi:create_app("examples/blog")', workers=2,
                   env={"DATABASE_FILENAME": str(tmp_path / "served.db")})
    base = server.url
    assert len(requests.get(base + "/api/articles", timeout=5).json()["data"]) == 3
    # Two workers share one SQLite file: what one writes, the other reads.
    for i in range(6):
        res = requests.post(base + "/api/articles", json={"data": {"title": f"Post {i}"}},
                            headers={**AUTH, "X-User": "eve"}, timeout=5)
        assert res.status_code == 201
    titles = [a["title"] for a in requests.get(base + "/api/articles", timeout=5).json()["data"]]
    assert titles[3:] == [f"Post {i}" for i in range(6)]
    res = requests.options(base + "/api/articles", headers={"Origin": "http://front.test",
                                                            "Access-Control-Request-Method": "POST"}, timeout=5)
    assert res.status_code == 204 and res.headers["Access-Control-Allow-Origin"] == "http://front.test"
    assert requests.get(base + "/robots.txt", timeout=5).status_code == 200
