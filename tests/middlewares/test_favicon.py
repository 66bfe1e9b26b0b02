"""minikoa::favicon: /favicon.ico from the project folder, cached, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minikoa import App
from minikoa.middlewares.favicon import middleware

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
ICO = b"\x00\x00\x01\x00" + bytes(range(32))
NOT_FOUND = {"data": None, "error": {"status": 404, "name": "NotFoundError",
                                     "message": "Not Found", "details": {}}}


def make_app(root, options: dict | None = None) -> tuple[App, object]:
    app = App(root=root)
    mw = middleware(options or {}, app)
    if mw is not None:
        app.use(mw)
    app.get("/api/ping")(lambda ctx: {"pong": True})
    return app, mw


def test_serves_favicon_png_by_default(tmp_path):
    (tmp_path / "favicon.png").write_bytes(PNG)
    app, _ = make_app(tmp_path)
    res = app.test_client().get("/favicon.ico")
    assert res.status_code == 200 and res.data == PNG
    assert res.headers["Content-Type"] == "image/png"
    assert res.headers["Cache-Control"] == "public, max-age=86400"
    assert res.headers["Content-Length"] == str(len(PNG))
    assert res.headers["ETag"].startswith('"') and res.headers["ETag"].endswith('"')


def test_falls_back_to_favicon_ico(tmp_path):
    (tmp_path / "favicon.ico").write_bytes(ICO)
    app, _ = make_app(tmp_path)
    res = app.test_client().get("/favicon.ico")
    assert res.status_code == 200 and res.data == ICO
    assert res.headers["Content-Type"] == "image/x-icon"


def test_png_wins_over_ico(tmp_path):
    (tmp_path / "favicon.png").write_bytes(PNG)
    (tmp_path / "favicon.ico").write_bytes(ICO)
    app, _ = make_app(tmp_path)
    assert app.test_client().get("/favicon.ico").data == PNG


def test_custom_path_and_max_age(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "icon.ico").write_bytes(ICO)
    app, _ = make_app(tmp_path, {"path": "assets/icon.ico", "maxAge": 3_600_000})
    res = app.test_client().get("/favicon.ico")
    assert res.data == ICO and res.headers["Cache-Control"] == "public, max-age=3600"


def test_absolute_path_works_without_a_root(tmp_path):
    (tmp_path / "x.png").write_bytes(PNG)
    app, _ = make_app(None, {"path": str(tmp_path / "x.png")})
    assert app.test_client().get("/favicon.ico").data == PNG


def test_max_age_zero_and_cap_at_one_year(tmp_path):
    (tmp_path / "favicon.png").write_bytes(PNG)
    app, _ = make_app(tmp_path, {"maxAge": 0})
    assert app.test_client().get("/favicon.ico").headers["Cache-Control"] == "public, max-age=0"
    app, _ = make_app(tmp_path, {"maxAge": 10 * 365 * 86_400_000})
    assert app.test_client().get("/favicon.ico").headers["Cache-Control"] == "public, max-age=31536000"


def test_custom_path_missing_does_not_fall_back(tmp_path):
    (tmp_path / "favicon.ico").write_bytes(ICO)
    app, mw = make_app(tmp_path, {"path": "nope.png"})
    assert mw is None
    assert app.test_client().get("/favicon.ico").status_code == 404


def test_head_and_etag_revalidation(tmp_path):
    (tmp_path / "favicon.png").write_bytes(PNG)
    client = make_app(tmp_path)[0].test_client()
    head = client.head("/favicon.ico")
    assert head.status_code == 200 and head.data == b"" and head.headers["Content-Length"] == str(len(PNG))
    etag = head.headers["ETag"]
    for inm in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        res = client.get("/favicon.ico", headers={"If-None-Match": inm})
        assert res.status_code == 304 and res.data == b"" and res.headers["ETag"] == etag
    assert client.get("/favicon.ico", headers={"If-None-Match": '"other"'}).status_code == 200


def test_other_methods_get_405_with_allow_and_options_200(tmp_path):
    (tmp_path / "favicon.png").write_bytes(PNG)
    client = make_app(tmp_path)[0].test_client()
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        res = client.open("/favicon.ico", method=method)
        assert res.status_code == 405 and res.headers["Allow"] == "GET, HEAD, OPTIONS"
        assert res.data == b"Method Not Allowed"
    res = client.options("/favicon.ico")
    assert res.status_code == 200 and res.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_file_is_read_once_at_startup(tmp_path):
    icon = tmp_path / "favicon.png"
    icon.write_bytes(PNG)
    client = make_app(tmp_path)[0].test_client()
    icon.write_bytes(b"changed")
    assert client.get("/favicon.ico").data == PNG
    icon.unlink()
    assert client.get("/favicon.ico").data == PNG


def test_other_paths_pass_through(tmp_path):
    (tmp_path / "favicon.png").write_bytes(PNG)
    client = make_app(tmp_path)[0].test_client()
    assert client.get("/api/ping").json == {"pong": True}
    for path in ("/favicon.png", "/favicon.ico/x", "/x/favicon.ico", "/FAVICON.ICO"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize("root", ["empty", None])
def test_no_icon_is_a_normal_404_never_500(tmp_path, root):
    app, mw = make_app(tmp_path if root else None)
    assert mw is None
    client = app.test_client()
    res = client.get("/favicon.ico")
    assert res.status_code == 404 and res.json == NOT_FOUND
    assert client.get("/api/ping").json == {"pong": True}


def test_unreadable_or_directory_icon_is_a_404(tmp_path):
    (tmp_path / "favicon.png").mkdir()
    app, mw = make_app(tmp_path)
    assert mw is None and app.test_client().get("/favicon.ico").status_code == 404


@pytest.mark.parametrize("options, option", [
    ({"paht": "x"}, "paht"), ({"path": ""}, "path"), ({"path": 3}, "path"),
    ({"maxAge": -1}, "maxAge"), ({"maxAge": "1d"}, "maxAge"), ({"maxAge": True}, "maxAge"),
])
def test_invalid_options_fail_at_startup(tmp_path, options, option):
    with pytest.raises(ValueError, match=f"minikoa::favicon.*{option}"):
        middleware(options, App(root=tmp_path))


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory):
    root = tmp_path_factory.mktemp("fav")
    (root / "favicon.png").write_bytes(PNG)
    return make_app(root)[0].test_client()


@settings(max_examples=200, deadline=None)
@given(inm=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80))
def test_fuzz_if_none_match_never_fails(fuzz_client, inm):
    res = fuzz_client.get("/favicon.ico", headers={"If-None-Match": inm})
    assert res.status_code in (200, 304)
