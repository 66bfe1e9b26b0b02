"""ctx: request accessors, lazy objects, headers, status rules, throw helpers."""

from __future__ import annotations

import pytest
from werkzeug.wrappers import Request, Response

import minikoa.http.context as context_module
from minikoa import App, State
from minikoa.http.context import raw_path


def capture(app: App, path: str = "/c"):
    seen = {}

    @app.route(["GET", "POST"], path)
    def handler(ctx):
        seen["ctx"] = ctx
        return {"ok": True}

    return seen


def test_request_accessors(app, client):
    seen = {}

    @app.get("/users/:id")
    def handler(ctx):
        seen.update(method=ctx.method, path=ctx.path, params=ctx.params, query=ctx.query,
                    qs=ctx.querystring, agent=ctx.get("user-agent"), header=ctx.headers["X-Thing"],
                    missing=ctx.get("x-missing", "dflt"), ctype=ctx.get("Content-Type"),
                    host=ctx.host, route=ctx.route.path)
        return {}

    client.get("/users/caf%C3%A9?filters[a][$eq]=1&sort=b", headers={"User-Agent": "t", "X-Thing": "v"})
    assert seen == {
        "method": "GET", "path": "/users/caf\u00e9", "params": {"id": "caf\u00e9"},
        "query": {"filters": {"a": {"$eq": "1"}}, "sort": "b"},
        "qs": "filters[a][$eq]=1&sort=b", "agent": "t", "header": "v", "missing": "dflt",
        "ctype": None, "host": "localhost", "route": "/users/:id",
    }


def test_state_is_a_dict_with_attributes(app, client):
    seen = {}

    def auth(ctx):
        ctx.state.user = {"id": 1}
        yield

    @app.get("/", middlewares=[auth])
    def handler(ctx):
        seen["user"] = ctx.state.user
        seen["route"] = ctx.state.route.path
        seen["dict"] = sorted(ctx.state)
        with pytest.raises(AttributeError):
            ctx.state.nope  # noqa: B018
        return {}

    client.get("/")
    assert seen == {"user": {"id": 1}, "route": "/", "dict": ["auth", "route", "user"]}
    s = State(a=1)
    del s.a
    assert s == {}


def test_json_route_builds_neither_request_nor_response(app, client, monkeypatch):
    built: list[str] = []

    class CountingRequest(Request):
        def __init__(self, *a, **kw):
            built.append("request")
            super().__init__(*a, **kw)

    class CountingResponse(Response):
        def __init__(self, *a, **kw):
            built.append("response")
            super().__init__(*a, **kw)

    monkeypatch.setattr(context_module, "Request", CountingRequest)
    monkeypatch.setattr(context_module, "Response", CountingResponse)

    @app.get("/fast/:id")
    def fast(ctx):
        return {"id": ctx.params["id"], "q": ctx.query}

    @app.get("/slow")
    def slow(ctx):
        ctx.response.set_cookie("a", "b")
        return {"agent": ctx.request.user_agent.string}

    assert client.get("/fast/1?x=2").json == {"id": "1", "q": {"x": "2"}}
    assert built == []
    res = client.get("/slow", headers={"User-Agent": "ua"})
    assert res.json == {"agent": "ua"}
    assert "a=b" in res.headers["Set-Cookie"]
    assert built == ["response", "request"]


def test_set_append_remove_and_read_headers(app, client):
    @app.get("/")
    def handler(ctx):
        ctx.set("X-One", "1")
        ctx.set("x-one", "2")  # replaces, case-insensitively
        ctx.set({"X-Two": 2, "X-List": ["a", "b"]})
        ctx.append("Link", "<a>")
        ctx.append("Link", "<b>")
        ctx.set("X-Gone", "x")
        ctx.remove("X-Gone")
        assert ctx.response_header("X-ONE") == "2"
        assert ctx.response_header("x-gone") is None
        return "ok"

    res = client.get("/")
    assert res.headers["X-One"] == "2"
    assert res.headers["X-Two"] == "2"
    assert res.headers.getlist("X-List") == ["a", "b"]
    assert res.headers.getlist("Link") == ["<a>", "<b>"]
    assert "X-Gone" not in res.headers


def test_headers_survive_building_the_response_later(app, client):
    @app.get("/")
    def handler(ctx):
        ctx.set("X-Before", "1")
        ctx.response.headers["X-Direct"] = "2"
        ctx.set("X-After", "3")
        assert ctx.response_header("X-Before") == "1"
        return {"ok": True}

    res = client.get("/")
    assert (res.headers["X-Before"], res.headers["X-Direct"], res.headers["X-After"]) == ("1", "2", "3")
    assert res.headers["Content-Type"] == "application/json; charset=utf-8"


def test_header_injection_is_refused(app, client, caplog):
    @app.get("/")
    def handler(ctx):
        ctx.set("X-Evil", "a\r\nSet-Cookie: x=1")

    res = client.get("/")
    assert res.status_code == 500
    assert "Set-Cookie" not in res.headers


def test_status_rules(app, client):
    @app.get("/nothing")
    def nothing(ctx):
        return None

    @app.get("/status-only")
    def status_only(ctx):
        ctx.status = 202

    @app.get("/null-body")
    def null_body(ctx):
        ctx.body = None

    @app.get("/created")
    def created(ctx):
        ctx.status = 201
        return {"id": 1}

    @app.get("/read")
    def read(ctx):
        before = ctx.status
        ctx.body = "x"
        return {"before": before, "after": ctx.status}

    res = client.get("/nothing")
    assert res.status_code == 404 and res.json["error"]["name"] == "NotFoundError"
    res = client.get("/status-only")
    assert res.status_code == 202 and res.data == b""
    res = client.get("/null-body")
    assert res.status_code == 204 and res.data == b"" and "Content-Type" not in res.headers
    assert client.get("/created").status_code == 201
    assert client.get("/read").json == {"before": 404, "after": 200}


@pytest.mark.parametrize("bad", [99, 1000, "200", True, 200.0])
def test_invalid_status_is_a_programming_error(app, client, bad):
    @app.get("/")
    def handler(ctx):
        ctx.status = bad

    assert client.get("/").status_code == 500


def test_type_shorthands(app, client):
    @app.get("/html")
    def html(ctx):
        ctx.type = "html"
        return "plain words"

    @app.get("/custom")
    def custom(ctx):
        ctx.type = "application/vnd.api+json"
        return {"a": 1}

    @app.get("/read")
    def read(ctx):
        ctx.type = "json"
        return {"type": ctx.type}

    assert client.get("/html").headers["Content-Type"] == "text/html; charset=utf-8"
    res = client.get("/custom")
    assert res.headers["Content-Type"] == "application/vnd.api+json" and res.json == {"a": 1}
    assert client.get("/read").json == {"type": "application/json; charset=utf-8"}


@pytest.mark.parametrize("helper, status, name", [
    ("bad_request", 400, "BadRequestError"),
    ("unauthorized", 401, "UnauthorizedError"),
    ("forbidden", 403, "ForbiddenError"),
    ("not_found", 404, "NotFoundError"),
    ("method_not_allowed", 405, "MethodNotAllowedError"),
    ("payload_too_large", 413, "PayloadTooLargeError"),
    ("too_many_requests", 429, "TooManyRequestsError"),
])
def test_error_helpers(app, client, helper, status, name):
    @app.get("/")
    def handler(ctx):
        getattr(ctx, helper)("custom message", {"why": "because"})

    res = client.get("/")
    assert res.status_code == status
    assert res.json == {"data": None, "error": {"status": status, "name": name,
                                                "message": "custom message",
                                                "details": {"why": "because"}}}


#: Strapi's error helpers (Node's status names, camelCase there, snake_case here), as Strapi's koa.ts makes them.
STRAPI_ERROR_HELPERS = {
    400: "bad_request", 401: "unauthorized", 402: "payment_required", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 407: "proxy_authentication_required",
    408: "request_timeout", 409: "conflict", 410: "gone", 411: "length_required", 412: "precondition_failed",
    413: "payload_too_large", 414: "uri_too_long", 415: "unsupported_media_type", 416: "range_not_satisfiable",
    417: "expectation_failed", 418: "im_a_teapot", 421: "misdirected_request", 422: "unprocessable_entity",
    423: "locked", 424: "failed_dependency", 425: "too_early", 426: "upgrade_required",
    428: "precondition_required", 429: "too_many_requests", 431: "request_header_fields_too_large",
    451: "unavailable_for_legal_reasons", 500: "internal_server_error", 501: "not_implemented",
    502: "bad_gateway", 503: "service_unavailable", 504: "gateway_timeout", 505: "http_version_not_supported",
    506: "variant_also_negotiates", 507: "insufficient_storage", 508: "loop_detected",
    509: "bandwidth_limit_exceeded", 510: "not_extended", 511: "network_authentication_required",
}


def test_every_strapi_error_helper_answers_its_status(app, client):
    @app.get("/:helper")
    def handler(ctx):
        getattr(ctx, ctx.params["helper"])("custom message", {"why": "because"})

    for status, helper in STRAPI_ERROR_HELPERS.items():
        res = client.get(f"/{helper}")
        assert res.status_code == status, helper
        error = res.json["error"]
        assert error["status"] == status
        if status < 500:  # a 5xx keeps its message from clients
            assert (error["message"], error["details"]) == ("custom message", {"why": "because"}), helper


def test_an_error_helper_without_arguments_answers_the_phrase(app, client):
    @app.get("/")
    def handler(ctx):
        ctx.conflict()

    assert client.get("/").json["error"] == {"status": 409, "name": "ConflictError", "message": "Conflict",
                                             "details": {}}


def test_send_created_and_deleted(app, client):
    """Strapi's ``ctx.send(body, status=200)``, ``ctx.created(body)`` and ``ctx.deleted(body)``."""
    @app.get("/send")
    def send(ctx):
        ctx.send({"sent": True})

    @app.get("/send-202")
    def send_202(ctx):
        ctx.send({"queued": True}, 202)

    @app.get("/send-nothing")
    def send_nothing(ctx):
        ctx.send(None)

    @app.post("/things")
    def create(ctx):
        ctx.created({"data": {"id": 1}})

    @app.delete("/things/:id")
    def delete(ctx):
        if ctx.params["id"] == "1":
            ctx.deleted({"data": {"id": 1}})
        else:
            ctx.deleted()

    res = client.get("/send")
    assert (res.status_code, res.json) == (200, {"sent": True})
    res = client.get("/send-202")
    assert (res.status_code, res.json) == (202, {"queued": True})
    res = client.get("/send-nothing")
    assert (res.status_code, res.data) == (204, b"")  # no body: 204, as Koa makes it
    res = client.post("/things")
    assert (res.status_code, res.json) == (201, {"data": {"id": 1}})
    res = client.delete("/things/1")
    assert (res.status_code, res.json) == (200, {"data": {"id": 1}})
    res = client.delete("/things/2")
    assert (res.status_code, res.data) == (204, b"")


def test_a_returned_value_does_not_replace_what_send_set(app, client):
    """The handler's returned value becomes the body only when it is not None; send's body stays otherwise."""
    @app.get("/")
    def handler(ctx):
        ctx.created({"made": True})

    res = client.get("/")
    assert (res.status_code, res.json) == (201, {"made": True})


def test_internal_server_error_helper_hides_its_message(app, client):
    @app.get("/")
    def handler(ctx):
        ctx.internal_server_error("db password is hunter2")

    res = client.get("/")
    assert res.status_code == 500
    assert res.json == {"data": None, "error": {"status": 500, "name": "InternalServerError",
                                                "message": "Internal Server Error"}}


def test_throw_defaults(app, client):
    @app.get("/:code")
    def handler(ctx):
        ctx.throw(int(ctx.params["code"]))

    assert client.get("/404").json["error"] == {"status": 404, "name": "NotFoundError",
                                                "message": "Not Found", "details": {}}
    assert client.get("/409").json["error"]["name"] == "ConflictError"
    assert client.get("/418").json["error"]["name"] == "ImATeapotError"


def test_redirect_and_attachment(app, client):
    @app.get("/old")
    def old(ctx):
        ctx.redirect("/new place")

    @app.get("/file")
    def file(ctx):
        ctx.attachment("r\u00e9sum\u00e9.txt")
        return b"data"

    res = client.get("/old")
    assert res.status_code == 302 and res.headers["Location"] == "/new%20place"
    assert res.get_data(as_text=True) == "Redirecting to /new place."
    res = client.get("/file")
    assert res.headers["Content-Disposition"].startswith('attachment; filename="r?sum?.txt"')
    assert "filename*=UTF-8''r%C3%A9sum%C3%A9.txt" in res.headers["Content-Disposition"]


def test_malformed_query_is_a_400_not_a_500(app, client):
    @app.get("/")
    def handler(ctx):
        return ctx.query

    res = client.get("/?a=%zz")
    assert res.status_code == 400
    assert res.json["error"]["name"] == "ValidationError"
    deep = "a" + "[x]" * 21 + "=1"
    assert client.get("/?" + deep).status_code == 400
    assert client.get("/?" + "&".join(f"k{i}=1" for i in range(1001))).status_code == 400
    assert client.get("/?" + "&".join(f"k{i}=1" for i in range(1000))).status_code == 200


def test_raw_path_sources():
    assert raw_path({"RAW_URI": "/a%2Fb?x=1"}) == "/a%2Fb"
    assert raw_path({"REQUEST_URI": "/x/y"}) == "/x/y"
    assert raw_path({"RAW_URI": "http://h.example/p/q?z"}) == "/p/q"
    assert raw_path({"RAW_URI": "/mount/api/x", "SCRIPT_NAME": "/mount"}) == "/api/x"
    # No raw target: PATH_INFO (latin-1 per PEP 3333) re-encoded.
    assert raw_path({"PATH_INFO": "/caf\u00c3\u00a9"}) == "/caf%C3%A9"
    assert raw_path({}) == "/"


def test_request_body_is_shared_with_werkzeug(app, client):
    @app.post("/")
    def handler(ctx):
        first = ctx.request_body
        return {"parsed": first, "raw": ctx.request.get_data(as_text=True)}

    res = client.post("/", json={"a": 1})
    assert res.json == {"parsed": {"a": 1}, "raw": '{"a": 1}'}
