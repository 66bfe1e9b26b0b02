"""The same three endpoints written for each peer of the framework benchmark.

* ``GET /json``               -> ``{"hello": "world"}``
* ``GET /users/:id/posts/:pid`` -> ``{"user": id, "post": pid}``
* ``POST /echo``              -> the JSON request body, as JSON

Each app is written the way that framework's documentation shows, with its
default settings: the point is what a user gets, not a tuned special case.
The raw WSGI function is the floor: the same work done by hand, with no
framework at all. Falcon and Flask are imported inside their factories so a
missing package makes that column "n/a" instead of stopping the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .wsgi import WSGIApp

__all__ = ["PEERS", "raw_app", "falcon_app", "flask_app", "minikoa_app", "empty_app"]

_JSON_HEADERS = "application/json"


def raw_app() -> WSGIApp:
    """A bare WSGI function: dispatch on method and path, ``json`` in and out."""
    dumps, loads = json.dumps, json.loads

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ["PATH_INFO"]
        payload: Any = None
        if method == "GET":
            if path == "/json":
                payload = {"hello": "world"}
            else:
                parts = path.split("/")
                if len(parts) == 5 and parts[1] == "users" and parts[3] == "posts" and parts[2] and parts[4]:
                    payload = {"user": parts[2], "post": parts[4]}
        elif method == "POST" and path == "/echo":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            payload = loads(environ["wsgi.input"].read(length))
        if payload is None:
            start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
            return [b"Not Found"]
        data = dumps(payload).encode("utf-8")
        start_response("200 OK", [("Content-Type", _JSON_HEADERS), ("Content-Length", str(len(data)))])
        return [data]

    return app


def falcon_app() -> WSGIApp:
    """Falcon 4: resources with responders, ``resp.media`` and ``req.get_media()``."""
    import falcon

    class JsonResource:
        def on_get(self, req: Any, resp: Any) -> None:
            resp.media = {"hello": "world"}

    class PostResource:
        def on_get(self, req: Any, resp: Any, id: str, pid: str) -> None:
            resp.media = {"user": id, "post": pid}

    class EchoResource:
        def on_post(self, req: Any, resp: Any) -> None:
            resp.media = req.get_media()

    app = falcon.App()
    app.add_route("/json", JsonResource())
    app.add_route("/users/{id}/posts/{pid}", PostResource())
    app.add_route("/echo", EchoResource())
    return app


def flask_app() -> WSGIApp:
    """Flask 3: view functions returning dicts (Flask turns them into ``jsonify``)."""
    from flask import Flask, request

    app = Flask("bench")

    @app.get("/json")
    def hello() -> Any:
        return {"hello": "world"}

    @app.get("/users/<id>/posts/<pid>")
    def post(id: str, pid: str) -> Any:
        return {"user": id, "post": pid}

    @app.post("/echo")
    def echo() -> Any:
        return request.get_json()

    return app


def _pass_through(ctx: Any) -> Any:
    """A global middleware doing nothing on either side of ``yield``."""
    yield


def minikoa_app(middlewares: int = 0) -> WSGIApp:
    """minikoa: handlers return dicts; ``middlewares`` pass-through global layers."""
    from minikoa import App

    app = App()
    for _ in range(middlewares):
        app.use(_pass_through)

    @app.get("/json")
    def hello(ctx: Any) -> Any:
        return {"hello": "world"}

    @app.get("/users/:id/posts/:pid")
    def post(ctx: Any) -> Any:
        return {"user": ctx.params["id"], "post": ctx.params["pid"]}

    @app.post("/echo")
    def echo(ctx: Any) -> Any:
        return ctx.request_body

    app.build()
    return app


def empty_app() -> WSGIApp:
    """A WSGI app doing nothing, to measure what the harness itself costs per request."""
    body = [b"{}"]
    headers = [("Content-Type", _JSON_HEADERS), ("Content-Length", "2")]

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", headers)
        return body

    return app


#: Column name -> app factory, in table order.
PEERS: dict[str, Callable[[], WSGIApp]] = {
    "raw": raw_app,
    "Falcon": falcon_app,
    "Flask": flask_app,
    "minikoa": minikoa_app,
}
