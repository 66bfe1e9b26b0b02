"""``minikoa::public`` behind gunicorn: real files, ranges and traversal attempts over HTTP."""

from __future__ import annotations

import http.client
import json
import os
import textwrap

import requests

from tests.conftest import ROOT
from tests.middlewares.test_public import BIG, ROBOTS, SECRET, make_project


def test_over_gunicorn(serve, tmp_path):
    make_project(tmp_path)
    (tmp_path / "pubapp.py").write_text(textwrap.dedent(f"""
        from minikoa import App
        from minikoa.middlewares.public import middleware

        app = App(root={str(tmp_path)!r})
        app.use(middleware({{}}, app))
        app.get("/api/ping")(lambda ctx: {{"pong": True}})
    """))
    server = serve("pubapp:app", env={"PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"})
    res = requests.get(server.url + "/robots.txt", timeout=5)
    assert res.status_code == 200 and res.content == ROBOTS
    assert res.headers["Content-Length"] == str(len(ROBOTS))
    assert res.headers["Cache-Control"] == "max-age=60"
    assert requests.get(server.url + "/api/ping", timeout=5).json() == {"pong": True}

    big = requests.get(server.url + "/big.bin", timeout=5)
    assert big.content == BIG and big.headers["Content-Length"] == str(len(BIG))
    part = requests.get(server.url + "/big.bin", headers={"Range": "bytes=1000-1999"}, timeout=5)
    assert part.status_code == 206 and part.content == BIG[1000:2000]
    assert part.headers["Content-Length"] == "1000"
    again = requests.get(server.url + "/robots.txt", headers={"If-None-Match": res.headers["ETag"]}, timeout=5)
    assert again.status_code == 304 and again.content == b""

    for raw in ("/../secret.txt", "/%2e%2e/secret.txt", "/linkdir/secret.txt", "/.env", "/..%2fsecret.txt"):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.request("GET", raw)
        reply = conn.getresponse()
        body = reply.read()
        conn.close()
        assert reply.status == 404, raw
        assert SECRET not in body and json.loads(body)["error"]["name"] == "NotFoundError"
