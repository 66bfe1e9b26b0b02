"""The examples served by gunicorn over real HTTP."""

from __future__ import annotations

import requests

from tests.examples.test_blog import SECRET, sign_up_over_http


def test_hello_on_gunicorn(serve):
    server = serve("examples.hello:app", workers=2)
    base = server.url
    res = requests.get(base + "/", timeout=5)
    assert res.status_code == 200
    assert res.headers["Content-Type"] == "application/json; charset=utf-8"
    assert res.json() == {"message": "Hello from minikoa"}

    assert requests.get(base + "/hello/w%C3%B6rld", timeout=5).json() == {"hello": "w\u00f6rld"}
    assert requests.get(base + "/hello/a%2Fb", timeout=5).json() == {"hello": "a/b"}
    assert requests.get(base + "/hello/ada/", timeout=5).json() == {"hello": "ada"}

    res = requests.post(base + "/echo", json={"title": "hi", "n": [1, 2]}, timeout=5)
    assert res.json() == {"echo": {"title": "hi", "n": [1, 2]}}

    # A chunked body (no Content-Length) is read through gunicorn too.
    res = requests.post(base + "/echo", data=iter([b'{"chunked":', b" true}"]),
                        headers={"Content-Type": "application/json"}, timeout=5)
    assert res.json() == {"echo": {"chunked": True}}

    res = requests.post(base + "/echo", data=b'{"oops', headers={"Content-Type": "application/json"}, timeout=5)
    assert res.status_code == 400 and res.json()["error"]["name"] == "SyntaxError"

    res = requests.post(base + "/echo", data=b"x" * (1024 * 1024 + 1),
                        headers={"Content-Type": "application/json"}, timeout=5)
    assert res.status_code == 413

    res = requests.get(base + "/nope", timeout=5)
    assert res.status_code == 404 and res.json()["error"]["name"] == "NotFoundError"

    res = requests.delete(base + "/", timeout=5)
    assert res.status_code == 405 and res.headers["Allow"] == "HEAD, GET"

    res = requests.head(base + "/hello/x", timeout=5)
    assert res.status_code == 200 and res.content == b"" and res.headers["Content-Length"] == "13"

    res = requests.options(base + "/echo", timeout=5)
    assert res.status_code == 204 and res.headers["Allow"] == "POST"

    res = requests.get(base + "/?a=%zz", timeout=5)
    assert res.status_code == 200  # the query is only parsed when a handler asks for it


def test_the_blog_on_gunicorn(serve, tmp_path):
    server = serve('minikoa.wsgi:create_app("examples/blog")', workers=2,
                   env={"DATABASE_FILENAME": str(tmp_path / "served.db"), "JWT_SECRET": SECRET})
    base = server.url
    # Two workers started together seeded the blog once.
    assert requests.get(base + "/api/articles", timeout=5).json()["meta"]["pagination"]["total"] == 4
    # Roles over real HTTP: reads are public, writes need a logged-in user, and a user changes only their own.
    res = requests.post(base + "/api/articles", json={"data": {"title": "Anonymous"}}, timeout=5)
    assert res.status_code == 403 and res.json()["error"]["name"] == "ForbiddenError"
    eve = sign_up_over_http(base, "eve")
    for i in range(6):  # the workers share one SQLite file: what one writes, the other reads
        res = requests.post(base + "/api/articles", json={"data": {"title": f"Post {i}"}}, headers=eve, timeout=5)
        assert res.status_code == 201 and res.json()["data"]["author"] == "eve"
    seeded = requests.get(base + "/api/articles?sort=id&fields[0]=title", timeout=5).json()["data"][0]
    res = requests.put(f"{base}/api/articles/{seeded['documentId']}", json={"data": {"title": "Mine now"}},
                       headers=eve, timeout=5)
    assert res.status_code == 403 and res.json()["error"]["name"] == "PolicyError"
    assert requests.get(base + "/api/users/me", headers=eve, timeout=5).json()["username"] == "eve"
    titles = [a["title"] for a in requests.get(base + "/api/articles?fields[0]=title&sort=id",
                                               timeout=5).json()["data"]]
    assert titles[4:] == [f"Post {i}" for i in range(6)]
    res = requests.options(base + "/api/articles", headers={"Origin": "http://front.test",
                                                            "Access-Control-Request-Method": "POST"}, timeout=5)
    assert res.status_code == 204 and res.headers["Access-Control-Allow-Origin"] == "http://front.test"
    assert requests.get(base + "/robots.txt", timeout=5).status_code == 200
