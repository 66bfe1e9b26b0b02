"""minikoa::public: static files, conditional and range requests, and path attacks."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.http import http_date
from werkzeug.test import EnvironBuilder

from minikoa import App, NotFoundError
from minikoa.middlewares.public import middleware

ROOT = Path(__file__).resolve().parents[2]
ROBOTS = b"User-agent: *\nDisallow:\n"
SECRET = b"TOP-SECRET-CONTENT"
BIG = bytes(range(256)) * 4096  # 1 MiB


def make_project(root: Path) -> Path:
    public = root / "public"
    (public / "css").mkdir(parents=True)
    (public / "sub").mkdir()
    (public / "docs").mkdir()
    (public / ".git").mkdir()
    (public / "robots.txt").write_bytes(ROBOTS)
    (public / "index.html").write_text("<h1>home</h1>")
    (public / "sub" / "index.html").write_text("<p>sub</p>")
    (public / "docs" / "readme.md").write_text("# docs")
    (public / "css" / "site.css").write_text("body{}")
    (public / "data.json").write_text('{"a":1}')
    (public / "logo.svg").write_text("<svg/>")
    (public / "blob.unknownext").write_bytes(b"??")
    (public / "big.bin").write_bytes(BIG)
    (public / "empty.txt").write_bytes(b"")
    (public / ".env").write_text("DB_PASSWORD=hunter2")
    (public / ".git" / "config").write_text("[core]")
    (public / "space name.txt").write_text("spaced")
    (public / "café.txt").write_text("utf8 name")
    (root / "secret.txt").write_bytes(SECRET)
    (root / "outside").mkdir()
    (root / "outside" / "secret.txt").write_bytes(SECRET)
    os.symlink(root / "secret.txt", public / "link.txt")
    os.symlink(root / "outside", public / "linkdir")
    os.symlink(public / "robots.txt", public / "inlink.txt")
    return root


def make_app(root: Path | None, options: dict | None = None, routes: bool = True) -> App:
    app = App(root=root)
    mw = middleware(options or {}, app)
    assert mw is not None
    app.use(mw)
    if routes:
        app.get("/api/ping")(lambda ctx: {"pong": True})
        app.post("/api/ping")(lambda ctx: {"posted": True})

        @app.get("/api/items/:id")
        def item(ctx):
            raise NotFoundError("no such item")
    return app


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


@pytest.fixture
def client(project: Path):
    return make_app(project).test_client()


def fetch(client, path: str, method: str = "GET", **headers: str):
    """Request ``path`` exactly as given (a raw target, not a URL the client would parse)."""
    raw = {"RAW_URI": path, "REQUEST_URI": path,
           "PATH_INFO": unquote_to_bytes(path).decode("latin-1")}
    return client.open("/", method=method, headers=headers, buffered=True, environ_overrides=raw)


# -- serving ---------------------------------------------------------------


def test_serves_a_file_with_the_default_headers(client, project):
    res = fetch(client, "/robots.txt")
    st_ = (project / "public" / "robots.txt").stat()
    assert res.status_code == 200 and res.data == ROBOTS
    assert res.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert res.headers["Content-Length"] == str(len(ROBOTS))
    assert res.headers["Cache-Control"] == "max-age=60"
    assert res.headers["Accept-Ranges"] == "bytes"
    assert res.headers["Last-Modified"] == http_date(int(st_.st_mtime))
    assert res.headers["ETag"] == f'"{st_.st_size:x}-{st_.st_mtime_ns:x}"'


@pytest.mark.parametrize("path, ctype", [
    ("/css/site.css", "text/css; charset=utf-8"), ("/data.json", "application/json; charset=utf-8"),
    ("/logo.svg", "image/svg+xml; charset=utf-8"), ("/index.html", "text/html; charset=utf-8"),
    ("/blob.unknownext", "application/octet-stream"), ("/big.bin", "application/octet-stream"),
])
def test_content_types(client, path, ctype):
    assert fetch(client, path).headers["Content-Type"] == ctype


def test_encoded_names_and_empty_files(client):
    assert fetch(client, "/space%20name.txt").data == b"spaced"
    assert fetch(client, "/caf%C3%A9.txt").data == b"utf8 name"
    res = fetch(client, "/empty.txt")
    assert res.status_code == 200 and res.data == b"" and res.headers["Content-Length"] == "0"


def test_head_sends_headers_only(client):
    res = fetch(client, "/big.bin", "HEAD")
    assert res.status_code == 200 and res.data == b""
    assert res.headers["Content-Length"] == str(len(BIG))


def test_large_files_are_streamed_not_buffered(project):
    app = make_app(project)
    for headers in ({}, {"HTTP_RANGE": "bytes=100-200099"}):
        environ = EnvironBuilder(path="/big.bin").get_environ()
        environ.update(headers)
        seen: list = []
        body = app(environ, lambda status, hdrs, exc=None, seen=seen: seen.append((status, dict(hdrs))))
        assert not isinstance(body, (list, tuple, bytes))  # an iterator over the open file
        chunks = list(body)
        body.close()
        assert max(len(c) for c in chunks) <= 8192
        expected = BIG if not headers else BIG[100:200100]
        assert b"".join(chunks) == expected
        assert seen[0][1]["Content-Length"] == str(len(expected))


def test_index_files(client):
    assert fetch(client, "/").data == b"<h1>home</h1>"
    assert fetch(client, "/sub/").data == b"<p>sub</p>"
    assert fetch(client, "/sub").data == b"<p>sub</p>"
    assert fetch(client, "/docs").status_code == 404  # a folder without index
    assert fetch(client, "/docs/").status_code == 404
    assert fetch(client, "/robots.txt/").status_code == 404  # a file is not a folder


def test_index_option(project):
    (project / "public" / "docs" / "home.htm").write_text("docs home")
    client = make_app(project, {"index": "home.htm"}).test_client()
    assert fetch(client, "/docs/").data == b"docs home"
    assert fetch(client, "/").status_code == 404
    client = make_app(project, {"index": False}).test_client()
    assert fetch(client, "/").status_code == 404 and fetch(client, "/sub/").status_code == 404
    assert fetch(client, "/index.html").status_code == 200


def test_max_age_and_dir_options(project):
    (project / "static").mkdir()
    (project / "static" / "a.txt").write_text("A")
    client = make_app(project, {"dir": "static", "maxAge": 3_600_000}).test_client()
    res = fetch(client, "/a.txt")
    assert res.data == b"A" and res.headers["Cache-Control"] == "max-age=3600"
    assert fetch(client, "/robots.txt").status_code == 404
    absolute = make_app(None, {"dir": str(project / "static"), "maxAge": 0}).test_client()
    assert fetch(absolute, "/a.txt").headers["Cache-Control"] == "max-age=0"


def test_no_folder_means_no_layer(tmp_path):
    assert middleware({}, App()) is None
    assert middleware({}, App(root=tmp_path)) is None  # no public/ folder


@pytest.mark.parametrize("options, option", [
    ({"root": "x"}, "root"), ({"dir": ""}, "dir"), ({"dir": 5}, "dir"), ({"maxAge": -1}, "maxAge"),
    ({"maxAge": "1m"}, "maxAge"), ({"defer": "yes"}, "defer"), ({"hidden": 1}, "hidden"),
    ({"index": "a/b.html"}, "index"), ({"index": ".."}, "index"), ({"index": 3}, "index"),
])
def test_invalid_options_fail_at_startup(project, options, option):
    with pytest.raises(ValueError, match=f"minikoa::public.*{option}"):
        middleware(options, App(root=project))


# -- routing ---------------------------------------------------------------


def test_routes_win_when_deferred(project):
    app = make_app(project)
    app.get("/robots.txt")(lambda ctx: {"from": "route"})
    client = app.test_client()
    assert fetch(client, "/robots.txt").json == {"from": "route"}
    assert fetch(client, "/api/ping").json == {"pong": True}


def test_a_route_answering_404_is_not_replaced_by_a_file(project):
    (project / "public" / "api" / "items").mkdir(parents=True)
    (project / "public" / "api" / "items" / "1").write_text("file")
    res = fetch(make_app(project).test_client(), "/api/items/1")
    assert res.status_code == 404 and res.json["error"]["message"] == "no such item"


def test_other_methods_pass_through(client):
    assert fetch(client, "/robots.txt", "POST").status_code == 404
    assert fetch(client, "/robots.txt", "DELETE").status_code == 404
    assert fetch(client, "/api/ping", "POST").json == {"posted": True}


def test_not_deferred_serves_before_routing(project):
    app = make_app(project, {"defer": False})
    app.get("/robots.txt")(lambda ctx: {"from": "route"})
    client = app.test_client()
    assert fetch(client, "/robots.txt").data == ROBOTS
    assert fetch(client, "/api/ping").json == {"pong": True}
    assert fetch(client, "/missing.txt").json["error"]["name"] == "NotFoundError"
    assert fetch(client, "/robots.txt", "POST").status_code == 405  # the GET route's path
    assert fetch(client, "/css/site.css", "POST").status_code == 404


# -- conditional requests ----------------------------------------------------


def test_if_none_match_and_if_modified_since(client):
    first = fetch(client, "/robots.txt")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'W/{etag}, "x"'},
                    {"If-Modified-Since": modified}, {"If-None-Match": "*"}):
        res = fetch(client, "/robots.txt", **headers)
        assert res.status_code == 304 and res.data == b""
        assert res.headers["ETag"] == etag and "Content-Type" not in res.headers
    assert fetch(client, "/robots.txt", If_Modified_Since="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200
    # If-None-Match decides when both are sent.
    both = fetch(client, "/robots.txt", If_None_Match='"stale"', If_Modified_Since=modified)
    assert both.status_code == 200
    assert fetch(client, "/robots.txt", If_Modified_Since="garbage").status_code == 200


# -- ranges ------------------------------------------------------------------


@pytest.mark.parametrize("header, start, stop", [
    ("bytes=0-4", 0, 5), ("bytes=5-", 5, len(ROBOTS)), ("bytes=-3", len(ROBOTS) - 3, len(ROBOTS)),
    ("bytes=2-99999", 2, len(ROBOTS)), ("bytes=-99999", 0, len(ROBOTS)), ("bytes=3-3", 3, 4),
])
def test_single_ranges(client, header, start, stop):
    res = fetch(client, "/robots.txt", Range=header)
    assert res.status_code == 206 and res.data == ROBOTS[start:stop]
    assert res.headers["Content-Range"] == f"bytes {start}-{stop - 1}/{len(ROBOTS)}"
    assert res.headers["Content-Length"] == str(stop - start)
    assert res.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert res.headers["ETag"] and res.headers["Accept-Ranges"] == "bytes"


def test_range_on_head(client):
    res = fetch(client, "/big.bin", "HEAD", Range="bytes=10-19")
    assert res.status_code == 206 and res.data == b""
    assert res.headers["Content-Length"] == "10" and res.headers["Content-Range"] == f"bytes 10-19/{len(BIG)}"


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=24-30"])
def test_unsatisfiable_range_is_416(client, header):
    res = fetch(client, "/robots.txt", Range=header)
    assert res.status_code == 416
    assert res.headers["Content-Range"] == f"bytes */{len(ROBOTS)}"
    assert res.json["error"]["status"] == 416
    assert fetch(client, "/empty.txt", Range="bytes=0-0").status_code == 416


@pytest.mark.parametrize("header", ["bytes=0-1,4-5", "items=0-1", "bytes=5-1", "bytes=x-y", "bytes", "0-4"])
def test_multiple_or_malformed_ranges_get_the_whole_file(client, header):
    res = fetch(client, "/robots.txt", Range=header)
    assert res.status_code == 200 and res.data == ROBOTS


def test_if_range(client):
    first = fetch(client, "/robots.txt")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert fetch(client, "/robots.txt", Range="bytes=0-1", If_Range=etag).status_code == 206
    assert fetch(client, "/robots.txt", Range="bytes=0-1", If_Range=modified).status_code == 206
    for stale in ('"old"', f"W/{etag}", "Mon, 01 Jan 2001 00:00:00 GMT"):
        res = fetch(client, "/robots.txt", Range="bytes=0-1", If_Range=stale)
        assert res.status_code == 200 and res.data == ROBOTS


def test_range_on_a_large_file(client):
    res = fetch(client, "/big.bin", Range="bytes=300000-700000")
    assert res.status_code == 206 and res.data == BIG[300000:700001]


# -- security ------------------------------------------------------------------


ATTACKS = [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt",
    "/sub/../../secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/sub%2f..%2f..%2fsecret.txt",
    "/%2f..%2fsecret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt", "/sub\\..\\..\\secret.txt",
    "/robots.txt%00", "/robots.txt%00.png", "/%00", "/link.txt", "/linkdir/secret.txt", "/linkdir/",
    "/.env", "/%2eenv", "/.git/config", "/.git/", "/./robots.txt", "/etc/passwd", "/%2fetc%2fpasswd",
]


@pytest.mark.parametrize("path", ATTACKS)
def test_path_attacks_are_404(client, path):
    res = fetch(client, path)
    assert res.status_code == 404, path
    assert SECRET not in res.data and b"hunter2" not in res.data and b"[core]" not in res.data
    assert res.json["error"]["name"] == "NotFoundError"


def test_absolute_paths_stay_inside(client, project):
    for path in (str(project / "secret.txt"), "/" + str(project / "secret.txt")):
        assert fetch(client, path).status_code == 404


def test_invalid_utf8_is_a_client_error(client):
    res = fetch(client, "/%ff%fe.txt")
    assert res.status_code in (400, 404)


def test_symlinks_inside_the_folder_are_followed(client):
    assert fetch(client, "/inlink.txt").data == ROBOTS


def test_hidden_option_serves_dotfiles_but_never_dot_dot(project):
    client = make_app(project, {"hidden": True}).test_client()
    assert fetch(client, "/.env").data == b"DB_PASSWORD=hunter2"
    assert fetch(client, "/.git/config").data == b"[core]"
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/./robots.txt", "/link.txt"):
        assert fetch(client, path).status_code == 404


SEGMENTS = st.sampled_from(["..", ".", "%2e", "%2E%2e", "%2f", "%5c", "\\", "%00", "", "sub", "secret.txt",
                            "robots.txt", ".env", "linkdir", "link.txt", "%", "%zz", "a b", "~", "outside"])


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory):
    return make_app(make_project(tmp_path_factory.mktemp("fuzz"))).test_client()


@settings(max_examples=400, deadline=None)
@given(segs=st.lists(SEGMENTS, max_size=6), joiner=st.sampled_from(["/", "", "%2f"]))
def test_fuzz_paths_never_escape(fuzz_client, segs, joiner):
    path = "/" + joiner.join(segs)
    res = fetch(fuzz_client, path)
    assert res.status_code in (200, 400, 404), path
    assert SECRET not in res.data and b"hunter2" not in res.data


@settings(max_examples=300, deadline=None)
@given(header=st.text(st.sampled_from("bytes=-0123456789, x"), max_size=30))
def test_fuzz_range_headers(fuzz_client, header):
    res = fetch(fuzz_client, "/robots.txt", Range=header)
    assert res.status_code in (200, 206, 416)
    if res.status_code == 206:
        start, stop = res.headers["Content-Range"][6:].split("/")[0].split("-")
        assert res.data == ROBOTS[int(start):int(stop) + 1]


# -- over real HTTP ----------------------------------------------------------




def test_a_file_that_cannot_be_opened_is_a_plain_404(project, monkeypatch):
    import minikoa.middlewares.public as public_module

    def refuse(*args, **kwargs):
        raise PermissionError("denied")

    monkeypatch.setattr(public_module, "open", refuse, raising=False)
    res = fetch(make_app(project).test_client(), "/robots.txt")
    assert res.status_code == 404 and "ETag" not in res.headers


def _status_of(root: str, path: str) -> int:
    return fetch(make_app(Path(root)).test_client(), path).status_code


