"""examples/hello.py, in-process and served by gunicorn over real HTTP."""

from __future__ import annotations

from examples.hello import app


def test_hello_in_process():
    client = app.test_client()
    assert client.get("/").json == {"message": "Hello from minikoa"}
    assert client.get("/hello/ada").json == {"hello": "ada"}
    assert client.post("/echo", json={"x": [1, 2]}).json == {"echo": {"x": [1, 2]}}


