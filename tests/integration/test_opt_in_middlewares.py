"""minikoa::ip and minikoa::compression behind gunicorn: the real peer address, real HTTP clients."""

from __future__ import annotations

import gzip
import os
import textwrap

import brotli
import requests

from tests.conftest import ROOT

APP = """
    from minikoa import App

    app = App(config={{"server": {{"proxy": {proxy!r}}}}})
    app.use("minikoa::errors")
    app.use("strapi::ip", {config!r})
    app.use("strapi::compression")
    app.get("/api/items")(lambda ctx: {{"data": [{{"id": i, "title": "item %d" % i}} for i in range(200)]}})
"""


def start(serve, tmp_path, name, config, proxy=None):
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(APP.format(config=config, proxy=proxy)))
    return serve(f"{name}:app", env={"PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"})


def test_ip_lists_see_gunicorns_peer_address(serve, tmp_path):
    denied = start(serve, tmp_path, "denied", {"denylist": ["127.0.0.1"]})
    res = requests.get(denied.url + "/api/items", timeout=5)
    assert res.status_code == 403 and res.json()["error"]["name"] == "ForbiddenError"
    # Without a trusted proxy, a forged X-Forwarded-For changes nothing.
    forged = requests.get(denied.url + "/api/items", headers={"X-Forwarded-For": "203.0.113.5"}, timeout=5)
    assert forged.status_code == 403

    allowed = start(serve, tmp_path, "allowed", {"allowlist": ["127.0.0.0/8"], "denylist": ["203.0.113.0/24"]})
    assert requests.get(allowed.url + "/api/items", timeout=5).status_code == 200
    assert requests.get(allowed.url + "/api/items", headers={"X-Forwarded-For": "203.0.113.5"},
                        timeout=5).status_code == 200

    proxied = start(serve, tmp_path, "proxied", {"denylist": ["203.0.113.0/24"]},
                    proxy={"koa": True, "maxIpsCount": 1})
    assert requests.get(proxied.url + "/api/items", headers={"X-Forwarded-For": "203.0.113.5"},
                        timeout=5).status_code == 403
    assert requests.get(proxied.url + "/api/items", headers={"X-Forwarded-For": "203.0.113.5, 10.1.1.1"},
                        timeout=5).status_code == 200


def test_compression_over_http(serve, tmp_path):
    server = start(serve, tmp_path, "compressed", {"denylist": ["203.0.113.0/24"]})
    for coding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        res = requests.get(server.url + "/api/items", headers={"Accept-Encoding": coding}, timeout=5, stream=True)
        raw = res.raw.read(decode_content=False)
        assert res.headers["Content-Encoding"] == coding and res.headers["Vary"] == "Accept-Encoding"
        assert int(res.headers["Content-Length"]) == len(raw)
        assert decode(raw).startswith(b'{"data":[{"id":0,"title":"item 0"}')
    plain = requests.get(server.url + "/api/items", headers={"Accept-Encoding": "identity"}, timeout=5)
    assert "Content-Encoding" not in plain.headers and len(plain.json()["data"]) == 200
