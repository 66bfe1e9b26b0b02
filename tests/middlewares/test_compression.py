"""minikoa::compression: gzip, brotli and deflate as the client's Accept-Encoding allows."""

import gzip
import zlib

import brotli
import pytest

from minikoa import App, ValidationError
from minikoa.middlewares.compression import middleware, negotiate

BIG = {"data": [{"id": i, "title": f"Article number {i}", "body": "lorem ipsum " * 20} for i in range(40)]}
SMALL = {"ok": True}


def make(config=None, **routes):
    app = App()
    app.use("minikoa::compression", config or {})
    app.get("/big")(lambda ctx: BIG)
    app.get("/small")(lambda ctx: SMALL)

    @app.get("/text")
    def text(ctx):
        return "<p>" + "hello world " * 200 + "</p>"

    @app.get("/png")
    def png(ctx):
        ctx.type = "image/png"
        return bytes(range(256)) * 20

    @app.get("/stream")
    def stream(ctx):
        return iter([b"x" * 5000])

    @app.get("/encoded")
    def encoded(ctx):
        ctx.set("Content-Encoding", "gzip")
        ctx.type = "application/json"
        return gzip.compress(b'{"pre": "compressed"}' * 100)

    @app.get("/etag")
    def etag(ctx):
        ctx.set("ETag", '"abc"')
        return BIG

    @app.get("/no-transform")
    def no_transform(ctx):
        ctx.set("Cache-Control", "no-transform")
        return BIG

    @app.get("/empty")
    def empty(ctx):
        ctx.status = 204

    @app.get("/bad")
    def bad(ctx):
        raise ValidationError("x" * 2000)

    for path, handler in routes.items():
        app.get(path)(handler)
    return app.test_client()


def decoded(res):
    coding = res.headers.get("Content-Encoding")
    raw = res.get_data()
    return {"br": brotli.decompress, "gzip": gzip.decompress, "deflate": zlib.decompress,
            None: lambda b: b}[coding](raw)


@pytest.mark.parametrize("accept, coding", [
    ("gzip, deflate, br", "br"),
    ("gzip", "gzip"),
    ("deflate", "deflate"),
    ("br;q=0.5, gzip;q=0.9", "gzip"),
    ("gzip;q=0, *", "br"),
    ("*", "br"),
    ("br;q=0, gzip;q=0, *;q=0.1", "deflate"),
    ("x-gzip", "gzip"),
    ("identity", None),
    ("gzip;q=0, br;q=0, deflate;q=0", None),
    ("compress, zstd", None),
    ("", None),
    ("gzip;q=abc", None),
])
def test_the_client_chooses_with_q_values(accept, coding):
    res = make().get("/big", headers={"Accept-Encoding": accept})
    assert res.status_code == 200
    assert res.headers.get("Content-Encoding") == coding
    assert res.headers["Vary"] == "Accept-Encoding"
    assert res.headers["Content-Type"] == "application/json; charset=utf-8"
    assert int(res.headers["Content-Length"]) == len(res.get_data())
    import json
    assert json.loads(decoded(res)) == BIG
    if coding is not None:
        assert len(res.get_data()) < len(decoded(res)) / 3


def test_no_accept_encoding_means_identity_unless_default_encoding_says_otherwise():
    assert "Content-Encoding" not in make().get("/big").headers
    res = make({"defaultEncoding": "gzip"}).get("/big")
    assert res.headers["Content-Encoding"] == "gzip"


def test_threshold_and_identity_refused():
    client = make()
    small = client.get("/small", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers and small.json == SMALL
    assert small.headers["Vary"] == "Accept-Encoding"  # the type is compressible: caches must keep forms apart
    # identity refused: compress even under the threshold
    forced = client.get("/small", headers={"Accept-Encoding": "gzip, identity;q=0"})
    assert forced.headers["Content-Encoding"] == "gzip" and gzip.decompress(forced.get_data()) == b'{"ok":true}'
    forced = client.get("/small", headers={"Accept-Encoding": "gzip, *;q=0"})
    assert forced.headers["Content-Encoding"] == "gzip"
    # a lower threshold, given as the bytes package writes sizes
    assert make({"threshold": "10b"}).get("/small", headers={"Accept-Encoding": "br"}).headers[
        "Content-Encoding"] == "br"
    assert "Content-Encoding" not in make({"threshold": 100_000}).get(
        "/big", headers={"Accept-Encoding": "br"}).headers


def test_text_is_compressed_with_its_type():
    res = make().get("/text", headers={"Accept-Encoding": "br"})
    assert res.headers["Content-Encoding"] == "br"
    assert res.headers["Content-Type"] == "text/html; charset=utf-8"
    assert decoded(res).startswith(b"<p>hello world")


@pytest.mark.parametrize("path", ["/png", "/stream", "/encoded", "/no-transform", "/empty", "/bad"])
def test_left_alone(path):
    res = make().get(path, headers={"Accept-Encoding": "gzip, br"})
    if path == "/encoded":  # already gzip: passed through once, not twice
        assert res.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(res.get_data()).startswith(b'{"pre"')
    else:
        assert "Content-Encoding" not in res.headers
    if path in ("/png", "/stream"):
        assert "Accept-Encoding" not in res.headers.get("Vary", "")
    if path == "/bad":
        assert res.status_code == 400 and res.json["error"]["name"] == "ValidationError"


def test_head_is_left_alone():
    res = make().head("/big", headers={"Accept-Encoding": "gzip"})
    assert res.status_code == 200 and "Content-Encoding" not in res.headers and res.get_data() == b""


def test_strong_etag_made_weak_and_vary_kept():
    res = make().get("/etag", headers={"Accept-Encoding": "gzip"})
    assert res.headers["ETag"] == 'W/"abc"'
    app = App()
    app.use("minikoa::cors")
    app.use("minikoa::compression")
    app.get("/big")(lambda ctx: BIG)
    res = app.test_client().get("/big", headers={"Accept-Encoding": "gzip", "Origin": "https://a.example"})
    assert res.headers["Vary"] == "Origin, Accept-Encoding"


def test_turning_codings_off_and_effort():
    client = make({"br": False})
    assert client.get("/big", headers={"Accept-Encoding": "br, gzip"}).headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in client.get("/big", headers={"Accept-Encoding": "br"}).headers
    fast = make({"br": {"quality": 0}}).get("/big", headers={"Accept-Encoding": "br"})
    best = make({"br": {"quality": 11}}).get("/big", headers={"Accept-Encoding": "br"})
    assert len(best.get_data()) < len(fast.get_data())
    assert decoded(fast) == decoded(best)
    level = make({"gzip": {"level": 1}}).get("/big", headers={"Accept-Encoding": "gzip"})
    assert level.headers["Content-Encoding"] == "gzip"
    app = App()
    assert middleware({"br": False, "gzip": False, "deflate": False}, app) is None  # nothing to do: no layer


def test_filter_option():
    res = make({"filter": lambda ctype: ctype.startswith("image/")}).get("/png", headers={"Accept-Encoding": "gzip"})
    assert res.headers["Content-Encoding"] == "gzip" and res.headers["Content-Type"] == "image/png"
    assert gzip.decompress(res.get_data()) == bytes(range(256)) * 20


def test_the_route_body_as_finish_would_send_it_is_what_is_compressed():
    import json
    client = make(**{"/api/articles": lambda ctx: {"data": [{"title": "é"}] * 100}})
    res = client.get("/api/articles", headers={"Accept-Encoding": "gzip"})
    assert json.loads(gzip.decompress(res.get_data())) == {"data": [{"title": "é"}] * 100}


@pytest.mark.parametrize("config, message", [
    ({"treshold": 10}, r"minikoa::compression: unknown option\(s\) treshold; did you mean 'threshold'\?"),
    ({"threshold": "big"}, r"threshold must be a size"),
    ({"br": "yes"}, r"option 'br' must be False, True or a dict"),
    ({"br": {"level": 3}}, r"option 'br' has no setting 'level'"),
    ({"gzip": {"level": 12}}, r"gzip\.level must be a whole number from 0 to 9"),
    ({"gzip": {"levle": 2}}, r"did you mean 'level'\?"),
    ({"filter": "text"}, r"'filter' must be a function"),
])
def test_bad_options_fail_at_start(config, message):
    with pytest.raises(ValueError, match=message):
        middleware(config, App())


def test_negotiate():
    assert negotiate("gzip;q=1.0, br;q=1.0", ("br", "gzip")) == ("br", True)
    assert negotiate("identity;q=0", ("br", "gzip")) == (None, False)
    assert negotiate("GZIP;Q=0.5", ("br", "gzip")) == ("gzip", True)
    assert negotiate("gzip;q=2", ("gzip",)) == ("gzip", True)  # clamped to 1
    assert negotiate("gzip;q=nan", ("gzip",)) == (None, True)
