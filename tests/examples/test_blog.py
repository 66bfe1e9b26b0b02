"""examples/blog: every piece of the project exercised over HTTP, in-process and on gunicorn."""

from __future__ import annotations

import pytest
import requests

from minikoa import App
from tests.conftest import ROOT

BLOG = ROOT / "examples" / "blog"
PASSWORD = "Blog-pass-1"
#: The blog's JWT secret in tests (without one, development would write one into examples/blog/.tmp).
SECRET = "blog-test-secret-long-enough-for-hs256-signatures"


def sign_up(client, name: str) -> dict[str, str]:
    """Register ``name`` on the blog (in-process), log in, and return the header its writes carry."""
    res = client.post("/api/auth/local/register",
                      json={"username": name, "email": f"{name}@example.test", "password": PASSWORD})
    assert res.status_code == 200, res.json
    res = client.post("/api/auth/local", json={"identifier": name, "password": PASSWORD})
    assert res.status_code == 200, res.json
    return {"Authorization": f"Bearer {res.json['jwt']}"}


def sign_up_over_http(base: str, name: str, timeout: float = 30) -> dict[str, str]:
    """The same against a served blog (``requests``); ``timeout`` is a hang detector."""
    res = requests.post(f"{base}/api/auth/local/register", timeout=timeout,
                        json={"username": name, "email": f"{name}@example.test", "password": PASSWORD})
    assert res.status_code == 200, res.text
    res = requests.post(f"{base}/api/auth/local", json={"identifier": name, "password": PASSWORD}, timeout=timeout)
    assert res.status_code == 200, res.text
    return {"Authorization": f"Bearer {res.json()['jwt']}"}


@pytest.fixture
def blog(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "blog.db"))
    monkeypatch.setenv("JWT_SECRET", SECRET)
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


def test_reads_are_public_and_writes_need_a_logged_in_user(blog):
    err = blog.post("/api/articles", json={"data": {"title": "Draft"}}).json["error"]
    assert err == {"status": 403, "name": "ForbiddenError", "message": "Forbidden", "details": {}}
    garbage = blog.post("/api/articles", json={"data": {"title": "Draft"}}, headers={"Authorization": "Bearer x.y.z"})
    assert garbage.status_code == 401 and garbage.json["error"]["name"] == "UnauthorizedError"
    bob = sign_up(blog, "bob")
    assert blog.get("/api/articles", headers=bob).status_code == 200  # a user reads too (the role has it)
    body = "One two three. " * 80
    res = blog.post("/api/articles", json={"data": {"title": "Mine", "body": body, "author": "ada"}}, headers=bob)
    assert res.status_code == 201
    mine = res.json["data"]
    assert mine["author"] == "bob" and mine["slug"] == "mine"  # the logged-in user, whatever the body says
    assert mine["excerpt"].endswith("…") and len(mine["excerpt"]) <= 140  # the extended service method
    doc = mine["documentId"]
    eve = sign_up(blog, "eve")
    res = blog.put(f"/api/articles/{doc}", json={"data": {"title": "Hijacked"}}, headers=eve)
    assert res.status_code == 403 and res.json["error"]["message"] == "Policy Failed"  # api::article.is-owner
    assert blog.delete(f"/api/articles/{doc}", headers=eve).status_code == 403
    res = blog.put(f"/api/articles/{doc}", json={"data": {"title": "Edited", "author": "eve"}}, headers=bob)
    assert res.status_code == 200 and res.json["data"]["title"] == "Edited" and res.json["data"]["author"] == "bob"
    assert blog.delete(f"/api/articles/{doc}", headers=bob).status_code == 204
    assert blog.put("/api/articles/nope00000000000000000000", json={"data": {}}, headers=bob).status_code == 404


def test_the_seeded_authors_are_users_nobody_can_register_again(blog):
    res = blog.post("/api/auth/local/register",
                    json={"username": "ada", "email": "someone@example.test", "password": PASSWORD})
    assert res.status_code == 400 and res.json["error"]["message"] == "Email or Username are already taken"
    ada_article = blog.get("/api/articles?filters[author][$eq]=ada&fields[0]=title").json["data"][0]
    mallory = sign_up(blog, "mallory")
    res = blog.delete(f"/api/articles/{ada_article['documentId']}", headers=mallory)
    assert res.status_code == 403


def test_a_category_takes_in_only_the_callers_articles(blog):
    bob = sign_up(blog, "bob")
    theirs = blog.get("/api/articles?fields[0]=title").json["data"][0]["documentId"]  # ada's
    mine = blog.post("/api/articles", json={"data": {"title": "Bob's"}}, headers=bob).json["data"]["documentId"]
    res = blog.post("/api/categories", json={"data": {"name": "Mixed", "articles": [mine, theirs]}}, headers=bob)
    assert res.status_code == 403 and res.json["error"]["details"] == {"articles": [theirs]}
    res = blog.post("/api/categories", json={"data": {"name": "Bob's", "articles": [mine]}}, headers=bob)
    assert res.status_code == 201
    assert blog.post("/api/categories", json={"data": {"name": "Anon"}}).status_code == 403


def test_me_and_the_password_routes(blog):
    bob = sign_up(blog, "bob")
    assert blog.get("/api/users/me", headers=bob).json["username"] == "bob"
    res = blog.post("/api/auth/change-password", headers=bob, json={
        "currentPassword": PASSWORD, "password": "New-pass-22", "passwordConfirmation": "New-pass-22"})
    assert res.status_code == 200
    assert blog.get("/api/users/me", headers=bob).status_code == 401  # the old token died with the password
    assert blog.get("/api/users/me", headers={"Authorization": f"Bearer {res.json['jwt']}"}).status_code == 200


def test_validation_comes_back_in_strapis_shape(blog):
    auth = sign_up(blog, "bob")
    res = blog.post("/api/articles", json={"data": {"title": "x" * 121, "views": -1}}, headers=auth)
    assert res.status_code == 400 and res.json["error"]["message"] == "2 errors occurred"
    assert [e["path"] for e in res.json["error"]["details"]["errors"]] == [["title"], ["views"]]
    res = blog.post("/api/articles", json={"data": {"title": "T", "nope": 1}}, headers=auth)
    assert res.json["error"]["message"] == "Invalid key nope"


def test_public_files_and_favicon(blog):
    res = blog.get("/robots.txt")
    assert res.status_code == 200 and b"User-agent" in res.data
    assert blog.get("/favicon.ico").status_code in (200, 404)  # never a 500


