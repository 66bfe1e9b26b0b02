"""examples/hello.py, in-process and served by gunicorn over real HTTP."""

from __future__ import annotations

import requests

from examples.hello import app


def test_hello_in_process():
    client = app.test_client()
    assert client.get("/").json == {"message": "Hello from minikoa"}
    assert client.get("/hello/ada").json == {"hello": "ada"}
    assert client.post("/echo", json={"x": [1, 2]}).json == {"echo": {"x": [1, 2]}}


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
