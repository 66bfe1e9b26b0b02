"""minikoa::session: signed cookie sessions, their options, and hostile cookies."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client, EnvironBuilder

from minikoa import App, NotFoundError
from minikoa.middlewares import session as session_module
from minikoa.middlewares.session import Session, middleware

KEYS = ["key-one", "key-two"]


def make_app(options: dict | None = None, keys: list[str] | None = KEYS) -> App:
    config = {"server": {"app": {"keys": keys}}} if keys is not None else {}
    app = App(config=config)
    app.use(middleware(options or {}, app))

    @app.get("/inc")
    def inc(ctx):
        ctx.session["n"] = ctx.session.get("n", 0) + 1
        return {"n": ctx.session["n"], "new": ctx.session.is_new}

    @app.get("/read")
    def read(ctx):
        return {"session": dict(ctx.session), "new": ctx.session.is_new,
                "type": type(ctx.session).__name__}

    @app.get("/clear")
    def clear(ctx):
        ctx.session.clear()
        return {}

    @app.get("/none")
    def to_none(ctx):
        ctx.session = None
        return {}

    @app.get("/nested")
    def nested(ctx):
        ctx.session.setdefault("cart", []).append(1)
        return {}

    @app.get("/save")
    def save(ctx):
        ctx.session.save()
        return {}

    @app.get("/big")
    def big(ctx):
        ctx.session["blob"] = "x" * 5000
        return {}

    @app.get("/fail")
    def fail(ctx):
        ctx.session["seen"] = True
        raise NotFoundError("gone")

    return app


def get(app: App, path: str, cookie: str | None = None, headers: dict[str, str] | None = None):
    """One request with exactly ``cookie`` (no cookie jar between requests)."""
    headers = dict(headers or {})
    if cookie is not None:
        headers["Cookie"] = cookie
    return Client(app, use_cookies=False).get(path, headers=headers)


def set_cookies(res) -> list[str]:
    return res.headers.getlist("Set-Cookie")


def value_of(res, name: str = "koa.sess") -> str:
    (header,) = [h for h in set_cookies(res) if h.startswith(name + "=")]
    return header.split(";", 1)[0].split("=", 1)[1]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(payload: bytes, key: str = KEYS[0], name: str = "koa.sess") -> str:
    """A cookie value signed the way the middleware signs (to test what it does with odd payloads)."""
    body = b64(payload)
    sig = hmac.new(key.encode(), f"{name}={body}".encode(), hashlib.sha256).digest()
    return f"{body}.{b64(sig)}"


def payload_bytes(value: str) -> bytes:
    body = value.rsplit(".", 1)[0]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def payload_of(value: str) -> dict:
    return json.loads(payload_bytes(value))


# -- defaults ------------------------------------------------------------


def test_new_session_is_empty_and_sends_nothing():
    res = get(make_app(), "/read")
    assert res.json == {"session": {}, "new": True, "type": "Session"}
    assert set_cookies(res) == []


def test_default_cookie_attributes():
    res = get(make_app(), "/inc")
    (header,) = set_cookies(res)
    parts = [p.strip() for p in header.split(";")]
    assert parts[0].startswith("koa.sess=")
    assert "HttpOnly" in parts and "Path=/" in parts and "SameSite=Lax" in parts
    assert "Max-Age=86400" in parts and any(p.startswith("Expires=") for p in parts)
    assert "Secure" not in parts and not any(p.startswith("Domain=") for p in parts)
    assert payload_of(value_of(res))["d"] == {"n": 1}


def test_round_trip_and_change_detection():
    app = make_app()
    first = get(app, "/inc")
    cookie = f"koa.sess={value_of(first)}"
    second = get(app, "/inc", cookie)
    assert second.json == {"n": 2, "new": False}
    unchanged = get(app, "/read", f"koa.sess={value_of(second)}")
    assert unchanged.json["session"] == {"n": 2}
    assert set_cookies(unchanged) == []


def test_nested_change_is_detected():
    app = make_app()
    first = get(app, "/nested")
    second = get(app, "/nested", f"koa.sess={value_of(first)}")
    assert payload_of(value_of(second))["d"] == {"cart": [1, 1]}


def test_clear_and_none_delete_the_cookie():
    app = make_app()
    cookie = f"koa.sess={value_of(get(app, '/inc'))}"
    for path in ("/clear", "/none"):
        (header,) = set_cookies(get(app, path, cookie))
        assert header.startswith("koa.sess=;")
        assert "Max-Age=0" in header and "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in header


def test_clearing_a_new_session_sends_nothing():
    assert set_cookies(get(make_app(), "/clear")) == []
    assert set_cookies(get(make_app(), "/none")) == []


def test_save_forces_a_cookie():
    app = make_app()
    cookie = f"koa.sess={value_of(get(app, '/inc'))}"
    assert get(app, "/read", cookie).headers.get("Set-Cookie") is None
    assert payload_of(value_of(get(app, "/save", cookie)))["d"] == {"n": 1}


def test_committed_even_when_downstream_fails():
    res = get(make_app(), "/fail")
    assert res.status_code == 404
    assert payload_of(value_of(res))["d"] == {"seen": True}


def test_works_with_the_cookie_jar_of_a_client():
    client = make_app().test_client()
    assert [client.get("/inc").json["n"] for _ in range(3)] == [1, 2, 3]


# -- keys ----------------------------------------------------------------


def test_no_keys_is_a_startup_error():
    app = App()
    with pytest.raises(ValueError, match=r"server\.app\.keys"):
        middleware({}, app)
    with pytest.raises(ValueError, match=r"server\.app\.keys"):
        middleware({"keys": []}, app)


@pytest.mark.parametrize("keys", [[""], ["ok", 3], "", 42])
def test_bad_keys_are_rejected(keys):
    with pytest.raises(ValueError, match="minikoa::session"):
        middleware({"keys": keys}, App())


def test_keys_option_overrides_config_and_strings_split_on_commas():
    app = make_app({"keys": "alpha, beta"})
    value = value_of(get(app, "/inc"))
    assert value == forge(payload_bytes(value), key="alpha")


def test_rotation_old_keys_verify_and_the_first_key_re_signs():
    old_app = make_app(keys=["old-key"])
    old_cookie = f"koa.sess={value_of(get(old_app, '/inc'))}"
    new_app = make_app(keys=["new-key", "old-key"])
    res = get(new_app, "/read", old_cookie)
    assert res.json == {"session": {"n": 1}, "new": False, "type": "Session"}
    resigned = value_of(res)
    assert resigned == forge(payload_bytes(resigned), "new-key")
    # A key no longer listed verifies nothing.
    assert get(make_app(keys=["new-key"]), "/read", old_cookie).json["new"] is True


def test_signature_binds_the_cookie_name():
    a = make_app({"key": "a.sess"})
    value = value_of(get(a, "/inc"), "a.sess")
    b = make_app({"key": "b.sess"})
    assert get(b, "/read", f"b.sess={value}").json["new"] is True
    assert get(a, "/read", f"a.sess={value}").json["new"] is False


# -- expiry ----------------------------------------------------------------


def test_expired_cookie_is_ignored_even_if_replayed(monkeypatch):
    app = make_app({"maxAge": 1000})
    res = get(app, "/inc")
    assert "Max-Age=1;" in set_cookies(res)[0]
    cookie = f"koa.sess={value_of(res)}"
    assert get(app, "/read", cookie).json["new"] is False
    now = time.time()
    monkeypatch.setattr(session_module.time, "time", lambda: now + 2)
    assert get(app, "/read", cookie).json == {"session": {}, "new": True, "type": "Session"}


def test_browser_session_cookie_has_no_expiry():
    res = get(make_app({"maxAge": "session"}), "/inc")
    header = set_cookies(res)[0]
    assert "Max-Age" not in header and "Expires" not in header
    assert payload_of(value_of(res))["e"] is None


def test_rolling_resends_every_time():
    app = make_app({"rolling": True})
    cookie = f"koa.sess={value_of(get(app, '/inc'))}"
    assert len(set_cookies(get(app, "/read", cookie))) == 1


def test_renew_resends_only_when_half_expired(monkeypatch):
    app = make_app({"renew": True, "maxAge": 10_000})
    cookie = f"koa.sess={value_of(get(app, '/inc'))}"
    assert set_cookies(get(app, "/read", cookie)) == []
    now = time.time()
    monkeypatch.setattr(session_module.time, "time", lambda: now + 6)
    renewed = get(app, "/read", cookie)
    assert payload_of(value_of(renewed))["e"] > payload_of(cookie.split("=", 1)[1])["e"]


# -- options ---------------------------------------------------------------


def test_secure_follows_the_request_scheme():
    app = make_app()
    assert "Secure" in set_cookies(Client(app).get("/inc", base_url="https://localhost/"))[0]
    assert "Secure" not in set_cookies(get(app, "/inc", headers={"X-Forwarded-Proto": "https"}))[0]
    proxied = make_app({"proxy": True})
    assert "Secure" in set_cookies(get(proxied, "/inc", headers={"X-Forwarded-Proto": "https, http"}))[0]
    assert "Secure" not in set_cookies(get(proxied, "/inc", headers={"X-Forwarded-Proto": "http"}))[0]


@pytest.mark.parametrize("proxy, secure", [(True, True), ({"koa": True, "maxIpsCount": 1}, True),
                                           ({"koa": False}, False), (None, False)])
def test_server_proxy_config_turns_proxy_on(proxy, secure):
    # Strapi 4's proxy: true and Strapi 5's proxy: {koa: true, ...} both trust X-Forwarded-Proto.
    app = App(config={"server": {"proxy": proxy, "app": {"keys": KEYS}}})
    app.use(middleware({}, app))
    app.get("/inc")(lambda ctx: ctx.session.update(a=1) or {})
    res = Client(app).get("/inc", headers={"X-Forwarded-Proto": "https"})
    assert ("Secure" in set_cookies(res)[0]) is secure


def test_explicit_secure_wins():
    assert "Secure" in set_cookies(get(make_app({"secure": True}), "/inc"))[0]
    https = Client(make_app({"secure": False})).get("/inc", base_url="https://localhost/")
    assert "Secure" not in set_cookies(https)[0]


def test_changed_cookie_options():
    res = get(make_app({"key": "sid", "httpOnly": False, "sameSite": "strict", "path": "/api",
                        "domain": "example.com", "maxAge": 60_000}), "/inc")
    header = set_cookies(res)[0]
    parts = [p.strip() for p in header.split(";")]
    assert parts[0].startswith("sid=") and "HttpOnly" not in parts
    assert {"SameSite=Strict", "Path=/api", "Domain=example.com", "Max-Age=60"} <= set(parts)
    assert "SameSite" not in set_cookies(get(make_app({"sameSite": False}), "/inc"))[0]
    assert "SameSite=None" in set_cookies(get(make_app({"sameSite": "None"}), "/inc"))[0]


def test_overwrite_replaces_an_earlier_cookie_of_the_same_name():
    def build(options):
        app = App(config={"server": {"app": {"keys": KEYS}}})
        app.use(middleware(options, app))

        @app.get("/x")
        def x(ctx):
            ctx.append("Set-Cookie", "koa.sess=stale; Path=/")
            ctx.append("Set-Cookie", "other=1; Path=/")
            ctx.session["a"] = 1
            return {}
        return app

    cookies = set_cookies(get(build({}), "/x"))
    assert cookies[0] == "other=1; Path=/" and len(cookies) == 2 and cookies[1].startswith("koa.sess=ey")
    assert len(set_cookies(get(build({"overwrite": False}), "/x"))) == 3


@pytest.mark.parametrize("options, option", [
    ({"nope": 1}, "nope"), ({"store": {}}, "store"), ({"signed": False}, "signed"),
    ({"autoCommit": False}, "autoCommit"), ({"maxAge": -1}, "maxAge"), ({"maxAge": "1d"}, "maxAge"),
    ({"maxAge": True}, "maxAge"), ({"httpOnly": "yes"}, "httpOnly"), ({"sameSite": "sometimes"}, "sameSite"),
    ({"key": "a b"}, "key"), ({"key": ""}, "key"), ({"path": "api"}, "path"), ({"secure": "auto"}, "secure"),
    ({"domain": 5}, "domain"), ({"rolling": 1}, "rolling"),
])
def test_invalid_options_fail_at_startup(options, option):
    with pytest.raises(ValueError, match=f"minikoa::session.*{option}"):
        middleware(options, make_app())


def test_oversized_session_is_not_sent(caplog):
    app = make_app()
    cookie = f"koa.sess={value_of(get(app, '/inc'))}"
    with caplog.at_level(logging.WARNING, logger="minikoa.session"):
        res = get(app, "/big", cookie)
    assert res.status_code == 200 and set_cookies(res) == []
    assert "4093" in caplog.text


def test_non_json_values_are_a_clear_error():
    app = make_app()
    app.get("/obj")(lambda ctx: ctx.session.update(x=object()) or {})
    assert get(app, "/obj").status_code == 500


def test_replacing_the_session_with_a_dict_saves_it():
    app = make_app()
    app.get("/replace")(lambda ctx: setattr(ctx, "session", {"fresh": 1}) or {})
    app.get("/bad")(lambda ctx: setattr(ctx, "session", "text") or {})
    assert payload_of(value_of(get(app, "/replace")))["d"] == {"fresh": 1}
    assert get(app, "/bad").status_code == 500


def test_session_is_a_dict():
    assert issubclass(Session, dict)
    sess = Session({"a": 1})
    assert sess == {"a": 1} and sess.is_new


# -- hostile cookies -------------------------------------------------------


def valid_value() -> str:
    return value_of(get(make_app(), "/inc"))


@pytest.mark.parametrize("mangle", [
    lambda v: v[:-1] + ("A" if v[-1] != "A" else "B"),          # signature changed
    lambda v: ("f" if v[0] != "f" else "g") + v[1:],            # payload changed
    lambda v: v[: len(v) // 2],                                 # truncated
    lambda v: v.split(".")[0],                                  # no signature
    lambda v: "." + v.split(".")[1],                            # no payload
    lambda v: v + "." + v,                                      # doubled
    lambda v: "%%%%.@@@@",                                      # not base64
    lambda v: v.replace(".", "é"),                              # not ASCII
    lambda v: "A" * 5000,                                       # oversized
    lambda v: "",                                               # empty
])
def test_mangled_cookies_give_a_fresh_session(mangle):
    res = get(make_app(), "/read", f"koa.sess={mangle(valid_value())}")
    assert res.status_code == 200 and res.json["new"] is True


@pytest.mark.parametrize("payload", [
    b"not json", b"\xff\xfe", b"[1,2]", b'{"d":[1],"e":null}', b'{"d":{},"e":"soon"}',
    b'{"d":{},"e":1.5e30}', b'{"e":null}', b'{"d":{"a":1},"e":1}', b"[" * 3000,
])
def test_validly_signed_but_malformed_payloads_are_ignored(payload):
    res = get(make_app(), "/read", f"koa.sess={forge(payload)}")
    assert res.status_code == 200 and res.json["new"] is True


def test_forged_payload_with_the_right_shape_loads():
    far = int(time.time() * 1000) + 60_000
    cookie = forge(json.dumps({"d": {"a": 1}, "e": far}).encode())
    assert get(make_app(), "/read", f"koa.sess={cookie}").json["session"] == {"a": 1}


def test_first_valid_of_repeated_cookies_wins():
    res = get(make_app(), "/read", f"koa.sess=garbage; koa.sess={valid_value()}")
    assert res.json["session"] == {"n": 1}


def raw_request(app: App, cookie: str) -> str:
    environ = EnvironBuilder(path="/read").get_environ()
    environ["HTTP_COOKIE"] = cookie
    status: list[str] = []
    body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    assert json.loads(body)  # a JSON body, whatever happened
    return status[0]


FUZZ_APP = make_app()
latin1 = st.text(st.characters(min_codepoint=0, max_codepoint=255), max_size=300)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=latin1)
def test_fuzz_cookie_values_never_fail(value):
    assert raw_request(FUZZ_APP, f"koa.sess={value}") == "200 OK"


@settings(max_examples=300, deadline=None)
@given(header=latin1)
def test_fuzz_whole_cookie_headers_never_fail(header):
    assert raw_request(FUZZ_APP, header + "koa.sess") == "200 OK"


VALID = valid_value()


@settings(max_examples=300, deadline=None)
@given(pos=st.integers(0, len(VALID) - 1), char=st.characters(min_codepoint=33, max_codepoint=126))
def test_fuzz_one_character_changes_are_rejected(pos, char):
    mangled = VALID[:pos] + char + VALID[pos + 1:]
    environ = EnvironBuilder(path="/read").get_environ()
    environ["HTTP_COOKIE"] = f"koa.sess={mangled}"
    body = json.loads(b"".join(FUZZ_APP(environ, lambda *a: None)))
    assert body["new"] is (mangled != VALID)


def _read_with(cookie: str) -> tuple[int, dict]:
    res = get(make_app(), "/read", cookie=cookie)
    return res.status_code, res.json


