"""The admin API under /admin/api-tokens: the admin token, Strapi's statuses, shapes and messages, and keys
shown once."""

from __future__ import annotations

import datetime

import pytest

from minikoa import App
from minikoa.plugins.users_permissions.api_tokens import DAY_MS
from tests.plugins.users_permissions.token_apps import ADMIN, ADMIN_HEADERS, ARTICLE, Clock, bearer, token_app

ROUTES = [
    ("GET", "/admin/api-tokens"),
    ("POST", "/admin/api-tokens"),
    ("GET", "/admin/api-tokens/1"),
    ("PUT", "/admin/api-tokens/1"),
    ("DELETE", "/admin/api-tokens/1"),
    ("POST", "/admin/api-tokens/1/regenerate"),
]
SHOWN = {"id", "name", "description", "type", "lifespan", "expiresAt", "lastUsedAt", "permissions", "createdAt",
         "updatedAt"}


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(tmp_path, clock):
    app = token_app(tmp_path, clock=clock)
    yield app
    app.destroy()


@pytest.fixture
def client(app):
    return app.test_client()


def post(client, body, path="/admin/api-tokens"):
    return client.post(path, json=body, headers=ADMIN_HEADERS)


def put(client, token_id, body):
    return client.put(f"/admin/api-tokens/{token_id}", json=body, headers=ADMIN_HEADERS)


def invalid(res, message, errors=None):
    """``res`` is Strapi's 400 ValidationError with ``message`` (and these ``details.errors``, or none)."""
    assert res.status_code == 400, res.get_data(as_text=True)
    assert res.json == {"data": None, "error": {"status": 400, "name": "ValidationError", "message": message,
                                                "details": {} if errors is None else {"errors": errors}}}


# -- the admin token ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method,path", ROUTES)
def test_every_route_needs_the_admin_token(app, client, method, path):
    made = app.api_tokens.create(name="kept", type="full-access")
    full = bearer(made["access_key"])
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {ADMIN}"},
                    {"Authorization": ADMIN}, full):  # an API token, even full-access, is not the admin's
        res = client.open(path, method=method, json={"name": "sneaky", "type": "full-access"}, headers=headers)
        assert res.status_code == 401 and res.json["error"] == {
            "status": 401, "name": "UnauthorizedError", "message": "Missing or invalid admin token", "details": {}}
        assert made["access_key"] not in res.get_data(as_text=True)
    [kept] = app.api_tokens.list()  # nothing happened behind the refusals
    assert kept["name"] == "kept" and app.test_client().get("/api/articles", headers=full).status_code == 200


def test_an_app_with_no_admin_token_configured_refuses_everything(tmp_path, monkeypatch):
    monkeypatch.delenv("ADMIN_TOKEN", raising=False)
    app = App(config={"database": {"connection": {"connection": {"filename": str(tmp_path / "x.db")}}}})
    app.install("users-permissions", {"apiTokenSalt": "s", "jwtSecret": "j" * 32})
    app.mount_admin()
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer undefined"}):
        assert app.test_client().get("/admin/api-tokens", headers=headers).status_code == 401
    app.destroy()


def test_without_users_permissions_there_is_no_api_token_admin(tmp_path):
    app = App(config={"admin": {"token": ADMIN}})
    app.mount_admin()
    assert app.api_tokens is None
    assert app.test_client().get("/admin/api-tokens", headers=ADMIN_HEADERS).status_code == 404
    assert app.test_client().get("/admin/webhooks", headers=ADMIN_HEADERS).status_code == 200


# -- create ---------------------------------------------------------------------------------------


def test_create_answers_201_with_the_key_this_once(app, client, clock):
    res = post(client, {"name": "ci", "description": "the CI's", "type": "read-only"})
    assert res.status_code == 201
    data = res.json["data"]
    assert set(data) == SHOWN | {"accessKey"}
    key = data["accessKey"]
    assert len(key) == 256 and set(key) <= set("0123456789abcdef")
    stamp = datetime.datetime.fromtimestamp(clock.now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert data == {"id": data["id"], "name": "ci", "description": "the CI's", "type": "read-only",
                    "lifespan": None, "expiresAt": None, "lastUsedAt": None, "permissions": [],
                    "createdAt": stamp, "updatedAt": stamp, "accessKey": key}
    assert client.get("/api/articles", headers=bearer(key)).status_code == 200
    one = client.get(f"/admin/api-tokens/{data['id']}", headers=ADMIN_HEADERS)
    assert one.status_code == 200 and "accessKey" not in one.json["data"] and key not in one.get_data(as_text=True)


def test_create_with_a_lifespan_answers_it_as_strapi_does(app, client, clock):
    data = post(client, {"name": "week", "type": "full-access", "lifespan": 7 * DAY_MS}).json["data"]
    assert data["lifespan"] == str(7 * DAY_MS)  # Strapi's big integers are strings
    expires = datetime.datetime.fromtimestamp(clock.now + 7 * 86400, datetime.timezone.utc)
    assert data["expiresAt"] == expires.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert app.api_tokens.get(data["id"])["lifespan"] == 7 * DAY_MS  # and a number in Python


def test_create_takes_a_custom_token_its_actions_trimmed_fields_and_a_data_envelope(app, client):
    res = post(client, {"data": {"name": "  spaced  ", "description": "  both ends  ", "type": "custom",
                                 "permissions": [f"{ARTICLE}.find", f"{ARTICLE}.find", f"{ARTICLE}.create"]}})
    assert res.status_code == 201
    data = res.json["data"]
    assert data["name"] == "spaced" and data["description"] == "both ends"
    assert data["permissions"] == [f"{ARTICLE}.find", f"{ARTICLE}.create"]
    key = bearer(data["accessKey"])
    assert client.get("/api/articles", headers=key).status_code == 200
    assert client.get("/api/articles-stats", headers=key).status_code == 403


def test_create_without_a_type_is_strapis_400(client):
    invalid(post(client, {"name": "x", "description": "y"}), "type is a required field",
            [{"path": ["type"], "message": "type is a required field", "name": "ValidationError"}])


def test_create_with_an_unknown_type_is_strapis_400(client):
    message = "type must be one of the following values: read-only, full-access, custom"
    invalid(post(client, {"name": "x", "type": "invalid-type"}), message,
            [{"path": ["type"], "message": message, "name": "ValidationError", "value": "invalid-type"}])


@pytest.mark.parametrize("body,message", [
    ({"name": "x", "type": "read-only", "permissions": [f"{ARTICLE}.find"]},
     "Non-custom tokens should not reference permissions"),
    ({"name": "x", "type": "full-access", "permissions": [f"{ARTICLE}.create"]},
     "Non-custom tokens should not reference permissions"),
    ({"name": "x", "type": "custom"}, "Missing permissions attribute for custom token"),
    ({"name": "x", "type": "custom", "permissions": None}, "Missing permissions attribute for custom token"),
    ({"name": "x", "type": "custom", "permissions": [f"{ARTICLE}.find", f"{ARTICLE}.publish", "admin::x.y"]},
     f"Unknown permissions provided: {ARTICLE}.publish, admin::x.y"),
])
def test_create_refuses_permissions_that_do_not_fit_as_strapi_does(app, client, body, message):
    invalid(post(client, body), message)
    assert app.api_tokens.list() == []


def test_a_non_custom_token_may_say_it_has_no_permissions(client):
    res = post(client, {"name": "x", "type": "full-access", "permissions": []})
    assert res.status_code == 201 and res.json["data"]["permissions"] == []


@pytest.mark.parametrize("lifespan", [-1, 0, 1, 7 * DAY_MS + 1, 7 * DAY_MS + 0.5, 365 * DAY_MS, 1e300])
def test_create_refuses_a_lifespan_strapi_does_not_offer(client, lifespan):
    res = post(client, {"name": "x", "type": "read-only", "lifespan": lifespan})
    assert res.status_code == 400 and res.json["error"]["name"] == "ValidationError"
    assert res.json["error"]["message"].startswith("lifespan must be one of the following values: null, 604800000")


@pytest.mark.parametrize("body,path", [
    ({"name": 5, "type": "read-only"}, ["name"]),
    ({"name": "", "type": "read-only"}, ["name"]),
    ({"name": "   ", "type": "read-only"}, ["name"]),
    ({"name": None, "type": "read-only"}, ["name"]),
    ({"type": "read-only"}, ["name"]),
    ({"name": "x" * 256, "type": "read-only"}, ["name"]),
    ({"name": "x", "description": ["no"], "type": "read-only"}, ["description"]),
    ({"name": "x", "description": "d" * 256, "type": "read-only"}, ["description"]),
    ({"name": "x", "type": ["custom"]}, ["type"]),
    ({"name": "x", "type": "custom", "permissions": "api::article.article.find"}, ["permissions"]),
    ({"name": "x", "type": "custom", "permissions": [f"{ARTICLE}.find", 7]}, ["permissions", "1"]),
    ({"name": "x", "type": "custom", "permissions": {"a": 1}}, ["permissions"]),
    ({"name": "x", "type": "read-only", "lifespan": "604800000"}, ["lifespan"]),
    ({"name": "x", "type": "read-only", "lifespan": True}, ["lifespan"]),
    ({"name": "x", "type": "read-only", "accessKey": "0" * 256}, []),
    ({"name": "x", "type": "read-only", "expiresAt": "2999-01-01T00:00:00.000Z"}, []),
])
def test_create_names_what_is_wrong(app, client, body, path):
    res = post(client, body)
    assert res.status_code == 400 and res.json["error"]["name"] == "ValidationError"
    [error] = res.json["error"]["details"]["errors"]
    assert error["path"] == path and error["name"] == "ValidationError"
    assert res.json["error"]["message"] == error["message"]
    assert app.api_tokens.list() == []


def test_create_names_every_problem_at_once(client):
    res = post(client, {"type": "nope", "lifespan": 3, "extra": 1})
    error = res.json["error"]
    assert res.status_code == 400 and error["message"] == "4 errors occurred"
    assert [e["path"] for e in error["details"]["errors"]] == [[], ["name"], ["type"], ["lifespan"]]
    assert error["details"]["errors"][0]["message"] == "this field has unspecified keys: extra"


@pytest.mark.parametrize("body", [[], "a token", 5, None, [{"name": "x", "type": "read-only"}]])
def test_a_body_that_is_not_an_object_is_400(client, body):
    res = post(client, body)
    assert res.status_code == 400 and res.json["error"]["name"] == "ValidationError"


def test_a_body_that_is_not_json_is_400(client):
    res = client.post("/admin/api-tokens", data='{"name": "x", "type"', headers=ADMIN_HEADERS,
                      content_type="application/json")
    assert res.status_code == 400


def test_a_taken_name_is_strapis_application_error(client):
    assert post(client, {"name": "ci", "type": "read-only"}).status_code == 201
    for name in ("ci", "  ci "):
        res = post(client, {"name": name, "type": "full-access"})
        assert res.status_code == 400 and res.json == {"data": None, "error": {
            "status": 400, "name": "ApplicationError", "message": "Name already taken", "details": {}}}
    assert post(client, {"name": "CI", "type": "read-only"}).status_code == 201  # names are case-sensitive


# -- list and get ---------------------------------------------------------------------------------


def test_list_shows_every_token_by_name_and_never_a_key_or_digest(app, client):
    keys = [post(client, {"name": name, "type": "read-only"}).json["data"]["accessKey"] for name in ("b", "c", "a")]
    keys.append(client.post("/admin/api-tokens/1/regenerate", headers=ADMIN_HEADERS).json["data"]["accessKey"])
    res = client.get("/admin/api-tokens", headers=ADMIN_HEADERS)
    assert res.status_code == 200
    assert [t["name"] for t in res.json["data"]] == ["a", "b", "c"]
    assert all(set(token) == SHOWN for token in res.json["data"])
    text = res.get_data(as_text=True)
    for key in keys:
        assert key not in text and app.api_tokens.digest(key) not in text


@pytest.mark.parametrize("token_id", ["42", "abc", "1.0", "-1", "0x1", "١"])
def test_an_unknown_token_is_404(client, token_id):
    assert post(client, {"name": "x", "type": "read-only"}).status_code == 201
    not_found = {"data": None, "error": {"status": 404, "name": "NotFoundError", "message": "API Token not found",
                                         "details": {}}}
    for method, path, body in (("GET", "", None), ("PUT", "", {"name": "y"}), ("POST", "/regenerate", None)):
        res = client.open(f"/admin/api-tokens/{token_id}{path}", method=method, json=body, headers=ADMIN_HEADERS)
        assert res.status_code == 404 and res.json == not_found


# -- update ---------------------------------------------------------------------------------------


def test_update_changes_only_what_it_is_given(app, client, clock):
    made = post(client, {"name": "ci", "description": "kept", "type": "read-only", "lifespan": 30 * DAY_MS})
    made = made.json["data"]
    clock.advance(5)
    res = put(client, made["id"], {"name": " renamed "})
    assert res.status_code == 200
    data = res.json["data"]
    assert data["name"] == "renamed" and data["description"] == "kept" and data["type"] == "read-only"
    assert data["expiresAt"] == made["expiresAt"] and data["lifespan"] == made["lifespan"]
    assert data["createdAt"] == made["createdAt"] and data["updatedAt"] != made["updatedAt"]
    assert "accessKey" not in data
    assert put(client, made["id"], {"description": None}).json["data"]["description"] == ""
    assert client.get("/api/articles", headers=bearer(made["accessKey"])).status_code == 200  # the key stays


def test_update_moves_a_token_between_types_as_strapi_does(app, client):
    made = post(client, {"name": "t", "type": "read-only"}).json["data"]
    key = bearer(made["accessKey"])
    invalid(put(client, made["id"], {"type": "custom"}), "Missing permissions attribute for custom token")
    invalid(put(client, made["id"], {"permissions": [f"{ARTICLE}.create"]}),
            "Non-custom tokens should not reference permissions")
    invalid(put(client, made["id"], {"type": "custom", "permissions": ["api::nothing.nothing.find"]}),
            "Unknown permissions provided: api::nothing.nothing.find")
    custom = put(client, made["id"], {"type": "custom", "permissions": [f"{ARTICLE}.create"]}).json["data"]
    assert custom["type"] == "custom" and custom["permissions"] == [f"{ARTICLE}.create"]
    assert client.get("/api/articles", headers=key).status_code == 403
    assert client.post("/api/articles", json={"data": {"title": "x"}}, headers=key).status_code == 201
    # A custom token renamed keeps its permissions; one given new ones has those only.
    assert put(client, made["id"], {"name": "t2"}).json["data"]["permissions"] == [f"{ARTICLE}.create"]
    again = put(client, made["id"], {"permissions": [f"{ARTICLE}.find"]}).json["data"]
    assert again["permissions"] == [f"{ARTICLE}.find"]
    assert client.get("/api/articles", headers=key).status_code == 200
    # Back to read-only: the permissions go.
    plain = put(client, made["id"], {"type": "read-only"}).json["data"]
    assert plain["type"] == "read-only" and plain["permissions"] == []


def test_update_refuses_a_lifespan_a_taken_name_and_nulls(app, client):
    one = post(client, {"name": "one", "type": "read-only"}).json["data"]
    post(client, {"name": "two", "type": "read-only"})
    res = put(client, one["id"], {"lifespan": 7 * DAY_MS})
    invalid(res, "this field has unspecified keys: lifespan",
            [{"path": [], "message": "this field has unspecified keys: lifespan", "name": "ValidationError"}])
    res = put(client, one["id"], {"name": "two"})
    assert res.status_code == 400 and res.json["error"]["name"] == "ApplicationError"
    assert res.json["error"]["message"] == "Name already taken"
    assert put(client, one["id"], {"name": "one"}).status_code == 200  # its own name is not taken
    invalid(put(client, one["id"], {"name": None}), "name cannot be null",
            [{"path": ["name"], "message": "name cannot be null", "name": "ValidationError"}])
    invalid(put(client, one["id"], {"type": None}), "type cannot be null",
            [{"path": ["type"], "message": "type cannot be null", "name": "ValidationError"}])
    assert app.api_tokens.get(one["id"])["name"] == "one"


# -- delete and regenerate ------------------------------------------------------------------------


def test_delete_answers_the_token_then_null(client):
    made = post(client, {"name": "t", "type": "full-access"}).json["data"]
    res = client.delete(f"/admin/api-tokens/{made['id']}", headers=ADMIN_HEADERS)
    assert res.status_code == 200
    assert res.json["data"] == {key: made[key] for key in SHOWN}
    assert client.get("/api/articles", headers=bearer(made["accessKey"])).status_code == 401
    for path in (f"/admin/api-tokens/{made['id']}", "/admin/api-tokens/abc"):
        again = client.delete(path, headers=ADMIN_HEADERS)
        assert again.status_code == 200 and again.json == {"data": None}


def test_regenerate_answers_201_with_the_new_key_only(client):
    made = post(client, {"name": "t", "type": "full-access"}).json["data"]
    res = client.post(f"/admin/api-tokens/{made['id']}/regenerate", headers=ADMIN_HEADERS)
    assert res.status_code == 201
    assert set(res.json["data"]) == {"id", "accessKey"} and res.json["data"]["id"] == made["id"]
    new = res.json["data"]["accessKey"]
    assert len(new) == 256 and new != made["accessKey"]
    assert client.get("/api/articles", headers=bearer(made["accessKey"])).status_code == 401
    assert client.get("/api/articles", headers=bearer(new)).status_code == 200
