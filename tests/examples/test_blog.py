"""examples/blog: every piece of the project exercised over HTTP, in-process and on gunicorn."""

from __future__ import annotations

import pytest

from minikoa import App
from tests.conftest import ROOT

BLOG = ROOT / "examples" / "blog"
AUTH = {"Authorization": "Bearer dev-token"}


@pytest.fixture
def blog(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "blog.db"))
    monkeypatch.delenv("API_TOKEN", raising=False)
    app = App.load(BLOG)
    yield app.test_client()
    app.destroy()


def test_seeded_and_readable_without_credentials(blog):
    res = blog.get("/api/articles?populate=*")
    assert res.status_code == 200
    data = res.json["data"]
    assert [a["title"] for a in data] == ["Hello minikoa", "Routes and policies", "Middlewares",
                                          "One file, many workers"]
    first = data[0]
    assert first["category"]["name"] == "Python" and first["slug"] == "hello-minikoa"
    assert "editorNotes" not in first  # private
    assert first["readingTime"] == 1  # the extended find action
    assert res.headers["Cache-Control"] == "public, max-age=30"  # api::article.cache-control via the routes config
    assert res.headers["X-Response-Time"].endswith("ms")  # global::timer
    assert res.headers["X-Frame-Options"] == "SAMEORIGIN" and res.headers["X-Powered-By"] == "minikoa"
    assert res.headers["ETag"].startswith('W/"')
    assert blog.get("/api/categories").json["meta"]["pagination"]["total"] == 3


def test_queries_from_the_readme(blog):
    res = blog.get("/api/articles?filters[category][name][$eq]=Python&sort=title:desc&fields[0]=title")
    assert [a["title"] for a in res.json["data"]] == ["Middlewares", "Hello minikoa"]
    res = blog.get("/api/articles?pagination[page]=2&pagination[pageSize]=3&fields[0]=title")
    assert res.json["meta"]["pagination"] == {"page": 2, "pageSize": 3, "pageCount": 2, "total": 4}
    res = blog.get("/api/categories?populate[articles][fields][0]=title&filters[name][$eqi]=sqlite")
    assert res.json["data"][0]["articles"] == [{"id": 4, "documentId": res.json["data"][0]["articles"][0]["documentId"],
                                                "title": "One file, many workers"}]


def test_the_custom_routes(blog):
    doc = blog.get("/api/articles?fields[0]=title").json["data"][0]["documentId"]
    assert blog.get(f"/api/articles/{doc}/reading-time").json == {"data": {"documentId": doc, "minutes": 1}}
    assert blog.get("/api/articles/nope00000000000000000000/reading-time").status_code == 404
    assert blog.get("/ping").json == {"ok": True}  # config.prefix "" keeps it out of /api


def test_writes_need_the_token_and_the_author(blog):
    res = blog.post("/api/articles", json={"data": {"title": "Draft"}})
    assert res.status_code == 403 and res.json["error"]["details"] == {"policy": "is-authenticated"}
    body = "One two three. " * 80
    res = blog.post("/api/articles", json={"data": {"title": "Mine", "body": body}}, headers={**AUTH, "X-User": "bob"})
    assert res.status_code == 201
    mine = res.json["data"]
    assert mine["author"] == "bob" and mine["slug"] == "mine"
    assert mine["excerpt"].endswith("…") and len(mine["excerpt"]) <= 140  # the extended service method
    doc = mine["documentId"]
    res = blog.put(f"/api/articles/{doc}", json={"data": {"title": "Hijacked"}}, headers={**AUTH, "X-User": "eve"})
    assert res.status_code == 403 and res.json["error"]["message"] == "Policy Failed"  # api::article.is-owner
    res = blog.put(f"/api/articles/{doc}", json={"data": {"title": "Edited"}}, headers={**AUTH, "X-User": "bob"})
    assert res.status_code == 200 and res.json["data"]["title"] == "Edited"
    assert blog.delete(f"/api/articles/{doc}", headers={**AUTH, "X-User": "bob"}).status_code == 204
    assert blog.put("/api/articles/nope00000000000000000000", json={"data": {}}, headers=AUTH).status_code == 404


def test_validation_comes_back_in_strapis_shape(blog):
    res = blog.post("/api/articles", json={"data": {"title": "x" * 121, "views": -1}}, headers=AUTH)
    assert res.status_code == 400 and res.json["error"]["message"] == "2 errors occurred"
    assert [e["path"] for e in res.json["error"]["details"]["errors"]] == [["title"], ["views"]]
    res = blog.post("/api/articles", json={"data": {"title": "T", "nope": 1}}, headers=AUTH)
    assert res.json["error"]["message"] == "Invalid key nope"


def test_public_files_and_favicon(blog):
    res = blog.get("/robots.txt")
    assert res.status_code == 200 and b"User-agent" in res.data
    assert blog.get("/favicon.ico").status_code in (200, 404)  # never a 500


