"""The admin REST API under /admin/webhooks: the admin token, CRUD, trigger, rotate-secret, deliveries."""

from __future__ import annotations

import base64
import time

import pytest

from minikoa.webhooks import WebhookVerificationError, verify
from minikoa.webhooks.tables import HOOKS
from tests.receiver import NOTE, Reply, wait_until


@pytest.fixture
def database_config(tmp_path):
    """What this module checks (the HTTP side of webhooks) does not depend on the database: SQLite only,
    where the rest of the webhook suite runs on PostgreSQL too."""
    return lambda name="data.db": {"connection": {"filename": str(tmp_path / name)}}

AUTH = {"Authorization": "Bearer t"}
ROUTES = [
    ("GET", "/admin/webhooks"),
    ("POST", "/admin/webhooks"),
    ("GET", "/admin/webhooks/1"),
    ("PUT", "/admin/webhooks/1"),
    ("DELETE", "/admin/webhooks/1"),
    ("POST", "/admin/webhooks/1/trigger"),
    ("POST", "/admin/webhooks/1/rotate-secret"),
    ("GET", "/admin/webhooks/1/deliveries"),
]




@pytest.fixture
def app(make_app):
    return make_app(admin=True)


@pytest.fixture
def client(app):
    return app.test_client()


def body_for(receiver, **fields):
    return {"data": {"name": "hook", "url": receiver.url(), "events": ["entry.create"], **fields}}


def assert_error(res, status, name):
    assert res.status_code == status, res.get_data(as_text=True)
    assert res.mimetype == "application/json"
    body = res.get_json()
    assert body["data"] is None
    assert body["error"]["status"] == status and body["error"]["name"] == name
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "details" in body["error"]
    return body["error"]


# -- the admin token ----------------------------------------------------------------------------


REFUSED = [
    {},
    {"Authorization": "Bearer wrong"},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer "},
    {"Authorization": "Basic t"},
    {"Authorization": "t"},
    {"Authorization": "Bearer tt"},
    {"Authorization": "Bearer T"},
    {"X-Admin-Token": "t"},
]


@pytest.mark.parametrize("method,path", ROUTES)
def test_every_route_needs_the_admin_token(app, client, receiver, method, path):
    hook = app.webhooks.create(name="kept", url=receiver.url(), events=["entry.create"])
    secret = app.db.db.scalar(f"SELECT secret FROM {HOOKS}")
    for headers in REFUSED:
        res = client.open(path, method=method, json=body_for(receiver, name="sneaky"), headers=headers)
        error = assert_error(res, 401, "UnauthorizedError")
        assert error["details"] == {}
        assert b"whsec_" not in res.get_data()
    # Nothing happened behind the refusals.
    assert app.webhooks.list() == [app.webhooks.get(hook["id"])] and app.webhooks.get(hook["id"])["name"] == "kept"
    assert app.db.db.scalar(f"SELECT secret FROM {HOOKS}") == secret
    assert app.webhooks.queued() == []


def test_the_token_in_the_query_string_is_not_enough(client):
    assert_error(client.get("/admin/webhooks?token=t"), 401, "UnauthorizedError")
    assert_error(client.get("/admin/webhooks?access_token=t"), 401, "UnauthorizedError")


def test_without_a_configured_token_everything_is_refused(make_app, monkeypatch):
    monkeypatch.delenv("ADMIN_TOKEN", raising=False)
    app = make_app(admin=True, token=None)
    client = app.test_client()
    for header in ("Bearer", "Bearer ", "Bearer None", "Bearer null", "Bearer undefined"):
        for method, path in ROUTES:
            assert_error(client.open(path, method=method, headers={"Authorization": header}), 401,
                         "UnauthorizedError")


def test_the_token_may_come_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("ADMIN_TOKEN", "from-env")
    app = make_app(admin=True, token=None)
    client = app.test_client()
    assert client.get("/admin/webhooks", headers={"Authorization": "Bearer from-env"}).status_code == 200
    assert_error(client.get("/admin/webhooks", headers=AUTH), 401, "UnauthorizedError")


def test_the_bearer_scheme_is_case_insensitive(client):
    assert client.get("/admin/webhooks", headers={"Authorization": "bearer t"}).status_code == 200
    assert client.get("/admin/webhooks", headers={"Authorization": "BEARER t"}).status_code == 200


# -- CRUD -------------------------------------------------------------------------------------


def test_create_list_get_update_delete(app, client, receiver):
    res = client.post("/admin/webhooks", json=body_for(receiver, headers={"X-A": "1"}), headers=AUTH)
    assert res.status_code == 201, res.get_data(as_text=True)
    created = res.get_json()["data"]
    assert created["secret"].startswith("whsec_") and len(base64.b64decode(created["secret"][6:])) == 32
    assert (created["name"], created["url"], created["events"], created["headers"], created["enabled"]) == (
        "hook", receiver.url(), ["entry.create"], {"X-A": "1"}, True)
    hook_id = created["id"]

    listed = client.get("/admin/webhooks", headers=AUTH)
    assert listed.status_code == 200
    assert listed.get_json() == {"data": [{k: v for k, v in created.items() if k != "secret"}]}
    one = client.get(f"/admin/webhooks/{hook_id}", headers=AUTH)
    assert one.status_code == 200 and one.get_json()["data"] == listed.get_json()["data"][0]
    assert created["secret"] not in listed.get_data(as_text=True) + one.get_data(as_text=True)

    res = client.put(f"/admin/webhooks/{hook_id}", headers=AUTH,
                     json={"data": {"name": "renamed", "events": ["entry.update", "entry.delete"],
                                    "enabled": False}})
    assert res.status_code == 200, res.get_data(as_text=True)
    updated = res.get_json()["data"]
    assert "secret" not in updated
    assert (updated["name"], updated["events"], updated["enabled"], updated["url"]) == (
        "renamed", ["entry.update", "entry.delete"], False, receiver.url())
    assert app.webhooks.get(hook_id) == updated
    # A body without the "data" wrapper is taken as the data.
    res = client.put(f"/admin/webhooks/{hook_id}", headers=AUTH, json={"enabled": True})
    assert res.status_code == 200 and res.get_json()["data"]["enabled"] is True

    res = client.delete(f"/admin/webhooks/{hook_id}", headers=AUTH)
    assert res.status_code == 204 and res.get_data() == b""
    assert_error(client.get(f"/admin/webhooks/{hook_id}", headers=AUTH), 404, "NotFoundError")
    assert client.get("/admin/webhooks", headers=AUTH).get_json() == {"data": []}


def test_create_accepts_a_body_without_the_data_wrapper(client, receiver):
    res = client.post("/admin/webhooks", json=body_for(receiver)["data"], headers=AUTH)
    assert res.status_code == 201 and res.get_json()["data"]["secret"].startswith("whsec_")


@pytest.mark.parametrize("body", [
    {"data": {"url": "URL", "events": ["entry.create"]}},  # no name
    {"data": {"name": "x", "events": ["entry.create"]}},  # no url
    {"data": {"name": "x", "url": "URL"}},  # no events
    {"data": {}},
    {"data": {"name": "x", "url": "URL", "events": []}},
    {"data": {"name": "x", "url": "URL", "events": ["entry.create"], "headers": {"webhook-id": "mine"}}},
    {"data": {"name": "x", "url": "URL", "events": ["entry.create"], "secret": "whsec_mine"}},
    {"data": {"name": "x", "url": "URL", "events": ["entry.create"], "id": 5}},
    {"data": {"name": "x", "url": "URL", "events": ["entry.create"], "enabled": "yes"}},
    {"data": {"name": "x", "url": "ftp://127.0.0.1/", "events": ["entry.create"]}},
    {"data": "not an object"},
    {"data": ["name"]},
    [1, 2],
    "text",
], ids=["no-name", "no-url", "no-events", "empty", "empty-events", "reserved-header", "secret-key", "id-key",
        "enabled-not-bool", "ftp-url", "data-string", "data-list", "list", "string"])
def test_create_refuses_invalid_bodies_with_400(app, client, receiver, body):
    def fill(node):
        if isinstance(node, dict):
            return {k: fill(v) for k, v in node.items()}
        return receiver.url() if node == "URL" else node
    res = client.post("/admin/webhooks", json=fill(body), headers=AUTH)
    assert_error(res, 400, "ValidationError")
    assert app.webhooks.list() == []


def test_malformed_json_is_a_400(app, client):
    res = client.post("/admin/webhooks", data="{not json", headers={**AUTH, "Content-Type": "application/json"})
    assert res.status_code == 400
    assert app.webhooks.list() == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://10.0.0.1/", "http://169.254.169.254/",
                                 "http://[::1]/", "http://localhost/"])
def test_private_urls_are_refused_with_400(make_app, url):
    app = make_app({"allowPrivate": False}, admin=True)
    client = app.test_client()
    res = client.post("/admin/webhooks", json={"data": {"name": "x", "url": url, "events": ["entry.create"]}},
                      headers=AUTH)
    error = assert_error(res, 400, "ValidationError")
    assert "allowPrivate" in error["message"]
    assert app.webhooks.list() == []
    public = client.post("/admin/webhooks", headers=AUTH,
                         json={"data": {"name": "p", "url": "http://93.184.216.34/", "events": ["never.sent"]}})
    assert public.status_code == 201
    hook_id = public.get_json()["data"]["id"]
    assert_error(client.put(f"/admin/webhooks/{hook_id}", json={"data": {"url": url}}, headers=AUTH), 400,
                 "ValidationError")
    assert app.webhooks.get(hook_id)["url"] == "http://93.184.216.34/"


def test_update_refuses_invalid_changes(app, client, receiver):
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    for data in ({"secret": "whsec_x"}, {"enabled": 1}, {"events": "entry.create"}, {"name": ""},
                 {"headers": {"X-Strapi-Event": "x"}}, {"url": "not a url"}, {"source": "config"}):
        assert_error(client.put(f"/admin/webhooks/{hook['id']}", json={"data": data}, headers=AUTH), 400,
                     "ValidationError")
    assert app.webhooks.get(hook["id"]) == {k: v for k, v in hook.items() if k != "secret"}


@pytest.mark.parametrize("method,path", ROUTES[2:])
def test_unknown_webhooks_are_404(app, client, receiver, method, path):
    app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])  # id 1 exists, others not
    for hook_id in ("999", "abc", "0", "-1", "1.5", "1e0"):
        res = client.open(path.replace("/1", f"/{hook_id}", 1), method=method, json={"data": {"name": "x"}},
                          headers=AUTH)
        assert_error(res, 404, "NotFoundError")
    assert app.webhooks.get(1)["name"] == "a" and app.webhooks.queued() == []


# -- rotate-secret, trigger, deliveries ---------------------------------------------------------


def test_rotate_secret(app, client, receiver):
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    res = client.post(f"/admin/webhooks/{hook['id']}/rotate-secret", headers=AUTH)
    assert res.status_code == 200
    data = res.get_json()["data"]
    assert data["id"] == hook["id"] and data["secret"].startswith("whsec_") and data["secret"] != hook["secret"]
    assert data["secret"] not in client.get(f"/admin/webhooks/{hook['id']}", headers=AUTH).get_data(as_text=True)
    again = client.post(f"/admin/webhooks/{hook['id']}/rotate-secret", headers=AUTH).get_json()["data"]["secret"]
    assert again != data["secret"]
    app.documents(NOTE).create(data={"text": "x"})
    (hit,) = receiver.wait_for(1)
    verify(again, hit.headers, hit.body)
    for old in (hook["secret"], data["secret"]):
        with pytest.raises(WebhookVerificationError):
            verify(old, hit.headers, hit.body)


def test_trigger_and_deliveries_never_echo_the_receivers_body(app, client, receiver):
    receiver.script("/hook", Reply(500, {"Content-Type": "text/plain"}, b"RECEIVER-BODY-500 internal secrets",
                                   delay=1))
    receiver.always("/hook", Reply(200, {"Content-Type": "application/json"}, b'{"RECEIVER-BODY-200": true}'))
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])

    started = time.monotonic()
    res = client.post(f"/admin/webhooks/{hook['id']}/trigger", headers=AUTH)
    assert time.monotonic() - started < 0.5  # queued, not sent while the client waits
    assert res.status_code == 202, res.get_data(as_text=True)
    queued = res.get_json()["data"]
    assert queued["event"] == "trigger-test" and queued["status"] == "pending" and queued["webhook"] == hook["id"]

    hits = receiver.wait_for(2)  # a 500 (after 1 s), then the retry
    assert all(h.event == "trigger-test" for h in hits) and hits[0].id == hits[1].id
    verify(hook["secret"], hits[1].headers, hits[1].body)

    def two_attempts():
        found = client.get(f"/admin/webhooks/{hook['id']}/deliveries", headers=AUTH).get_json()["data"]
        return found if len(found) == 2 and found[0]["status"] == "delivered" else None
    attempts = wait_until(two_attempts)
    res = client.get(f"/admin/webhooks/{hook['id']}/deliveries", headers=AUTH)
    assert res.status_code == 200
    text = res.get_data(as_text=True)
    assert "RECEIVER-BODY" not in text and "internal secrets" not in text
    assert hook["secret"] not in text
    newest, oldest = attempts
    assert (oldest["attempt"], oldest["statusCode"], oldest["error"]) == (1, 500, "HTTP 500")
    assert (newest["attempt"], newest["statusCode"], newest["error"]) == (2, 200, None)
    assert oldest["durationMs"] >= 900  # the receiver took a second to answer
    assert newest["messageId"] == oldest["messageId"] == hits[0].id
    assert {"id", "delivery", "event", "messageId", "attempt", "at", "statusCode", "durationMs", "error",
            "status"} <= set(newest)


def test_trigger_reaches_a_disabled_webhook(app, client, receiver):
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"], enabled=False)
    assert client.post(f"/admin/webhooks/{hook['id']}/trigger", headers=AUTH).status_code == 202
    (hit,) = receiver.wait_for(1)
    assert hit.event == "trigger-test"
    verify(hook["secret"], hit.headers, hit.body)


def test_deliveries_of_a_webhook_never_sent(app, client, receiver):
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    res = client.get(f"/admin/webhooks/{hook['id']}/deliveries", headers=AUTH)
    assert res.status_code == 200 and res.get_json() == {"data": []}


def test_a_webhook_created_over_http_receives_entry_events(app, client, receiver):
    res = client.post("/admin/webhooks", json=body_for(receiver, events=["entry.create"]), headers=AUTH)
    secret = res.get_json()["data"]["secret"]
    app.documents(NOTE).create(data={"text": "via admin"})
    (hit,) = receiver.wait_for(1)
    assert hit.json()["entry"]["text"] == "via admin"
    verify(secret, hit.headers, hit.body)


def _create_status(client, body: dict) -> tuple[int, str]:
    res = client.post("/admin/webhooks", json=body, headers=AUTH)
    return res.status_code, res.get_json()["error"]["message"]




@pytest.mark.parametrize("field, value", [
    ("events", ["entry.create\n"]),
    ("headers", {"X-Token\n": "v"}),
], ids=["event-name", "header-name"])
def test_a_name_ending_in_a_newline_is_refused(app, client, receiver, field, value):
    # Python's $ also matches before a final newline: the whole name must be a token.
    res = client.post("/admin/webhooks", json=body_for(receiver, **{field: value}), headers=AUTH)
    assert_error(res, 400, "ValidationError")
    assert app.webhooks.list() == []
