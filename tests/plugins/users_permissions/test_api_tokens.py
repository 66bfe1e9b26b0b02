"""API tokens on requests: each type against Strapi's core routes, custom actions and scopes; expiry,
revocation and regeneration; what the table keeps; lastUsedAt; JWTs and API tokens on one route."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import sqlite3

import pytest

from minikoa.plugins.users_permissions import USER
from minikoa.plugins.users_permissions.api_tokens import DAY_MS, READ_ONLY, TOKENS
from tests.plugins.users_permissions.token_apps import ARTICLE, DAY, REPORT, SALT, Clock, bearer, token_app

MISSING = {"data": None, "error": {"status": 401, "name": "UnauthorizedError",
                                   "message": "Missing or invalid credentials", "details": {}}}
EXPIRED = {"data": None, "error": {"status": 401, "name": "UnauthorizedError", "message": "Token expired",
                                   "details": {}}}
FORBIDDEN = {"data": None, "error": {"status": 403, "name": "ForbiddenError", "message": "Forbidden",
                                     "details": {}}}


def iso(seconds: float) -> str:
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


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


def request(client, action, document_id, key):
    """One request to the route that runs ``action``."""
    method, path, body = {
        "find": ("GET", "/api/articles", None),
        "findOne": ("GET", f"/api/articles/{document_id}", None),
        "create": ("POST", "/api/articles", {"data": {"title": "made"}}),
        "update": ("PUT", f"/api/articles/{document_id}", {"data": {"title": "changed"}}),
        "delete": ("DELETE", f"/api/articles/{document_id}", None),
        "stats": ("GET", "/api/articles-stats", None),
        "refind": ("GET", "/api/articles-refind", None),
        "report": ("GET", "/api/reports", None),
    }[action]
    return client.open(path, method=method, json=body, headers=bearer(key) if key else {})


ACTIONS = ("find", "findOne", "create", "update", "delete", "stats", "refind", "report")
CUSTOM = [f"{ARTICLE}.find", f"{ARTICLE}.create", f"{ARTICLE}.stats", REPORT]
ALLOWED = {
    "read-only": {"find", "findOne"},
    "full-access": set(ACTIONS),
    "custom": {"find", "create", "stats", "report"},
}


@pytest.mark.parametrize("kind", sorted(ALLOWED))
@pytest.mark.parametrize("action", ACTIONS)
def test_each_type_against_each_route(app, client, kind, action):
    token = app.api_tokens.create(name="t", type=kind, permissions=CUSTOM if kind == "custom" else None)
    article = app.documents(ARTICLE).create(data={"title": "kept"})
    res = request(client, action, article["documentId"], token["access_key"])
    if action in ALLOWED[kind]:
        assert res.status_code < 300, res.get_data(as_text=True)
    else:
        assert res.status_code == 403 and res.json == FORBIDDEN
        found = app.documents(ARTICLE).find_many()
        assert [a["title"] for a in found] == ["kept"]  # a refused write changed nothing


@pytest.mark.parametrize("action", ACTIONS)
def test_the_public_role_has_nothing_and_a_token_is_what_opens_the_routes(app, client, action):
    article = app.documents(ARTICLE).create(data={"title": "kept"})
    res = request(client, action, article["documentId"], None)
    assert res.status_code == 403 and res.json == FORBIDDEN


def test_read_only_means_find_and_find_one_by_name_not_by_suffix():
    assert READ_ONLY.can(f"{ARTICLE}.find") and READ_ONLY.can(f"{ARTICLE}.findOne")
    assert READ_ONLY.can("plugin::users-permissions.user.find")
    for action in (f"{ARTICLE}.refind", f"{ARTICLE}.findMany", f"{ARTICLE}.create",
                   "plugin::users-permissions.user.me"):
        assert not READ_ONLY.can(action)


def test_a_custom_token_with_no_actions_opens_nothing(app, client):
    token = app.api_tokens.create(name="empty", type="custom", permissions=[])
    assert token["permissions"] == []
    assert client.get("/api/articles", headers=bearer(token["access_key"])).status_code == 403


def test_the_request_sees_the_token_and_no_user(app, client):
    token = app.api_tokens.create(name="me", type="custom", permissions=[f"{ARTICLE}.whoami"],
                                  description="a script")
    key = token["access_key"]
    res = client.get("/api/whoami", headers=bearer(key))
    assert res.status_code == 200
    body = res.json
    assert body["strategy"] == "api-token" and body["user"] is None
    credentials = body["credentials"]
    assert credentials["id"] == token["id"] and credentials["name"] == "me" and credentials["type"] == "custom"
    assert credentials["permissions"] == [f"{ARTICLE}.whoami"] and credentials["description"] == "a script"
    assert "access_key" not in credentials and "accessKey" not in credentials
    text = res.get_data(as_text=True)
    assert key not in text and app.api_tokens.digest(key) not in text


# -- JWTs and API tokens -------------------------------------------------------------------------


def test_jwts_and_api_tokens_side_by_side_on_one_route(app, client):
    role = app.permissions.role("authenticated")
    user = app.documents(USER).create(data={"username": "ann", "email": "ann@example.test", "confirmed": True,
                                            "role": role["documentId"]})
    app.permissions.grant("authenticated", [f"{ARTICLE}.whoami"])
    jwt = app.jwt.issue(user["id"])
    token = app.api_tokens.create(name="script", type="full-access")

    as_user = client.get("/api/whoami", headers=bearer(jwt))
    assert as_user.status_code == 200
    assert as_user.json["strategy"] == "users-permissions" and as_user.json["user"]["username"] == "ann"
    as_token = client.get("/api/whoami", headers=bearer(token["access_key"]))
    assert as_token.status_code == 200
    assert as_token.json["strategy"] == "api-token" and as_token.json["user"] is None
    assert client.get("/api/whoami").json == FORBIDDEN  # nobody: the public role
    # Each by its own rights: the user's role cannot list articles, the full-access token can.
    assert client.get("/api/articles", headers=bearer(jwt)).json == FORBIDDEN
    assert client.get("/api/articles", headers=bearer(token["access_key"])).status_code == 200
    # A JWT-shaped garbage token is the JWT strategy's 401; a key-shaped one that opens nothing, the core's.
    assert client.get("/api/whoami", headers=bearer(jwt[:-2] + "xx")).json == MISSING
    assert client.get("/api/whoami", headers=bearer("0" * 256)).json == MISSING


@pytest.mark.parametrize("tamper", [
    lambda key: key[:-1] + ("0" if key[-1] != "0" else "1"),  # one digit changed
    lambda key: key.upper(),
    lambda key: key[:-1],
    lambda key: key + "0",
    lambda key: key[:128] + "." + key[128:],
    lambda key: key[:100] + "." + key[100:200] + "." + key[200:],
    lambda key: "",
])
def test_a_tampered_key_is_401(app, client, tamper):
    key = app.api_tokens.create(name="t", type="full-access")["access_key"]
    res = client.get("/api/articles", headers=bearer(tamper(key)))
    assert res.status_code == 401 and res.json["error"]["name"] == "UnauthorizedError"


def test_a_route_without_auth_ignores_tokens_good_or_bad(app, client):
    key = app.api_tokens.create(name="t", type="read-only")["access_key"]
    app.api_tokens.delete(app.api_tokens.list()[0]["id"])
    for headers in (bearer(key), bearer("0" * 256), {}):
        assert client.get("/api/open", headers=headers).json == {"data": "open", "auth": False}


# -- lifespan and expiry -----------------------------------------------------------------------


@pytest.mark.parametrize("days", [7, 30, 90])
def test_a_token_works_until_its_lifespan_is_over(app, client, clock, days):
    made = app.api_tokens.create(name="t", type="read-only", lifespan=days * DAY_MS)
    assert made["lifespan"] == days * DAY_MS and made["expiresAt"] == iso(clock.now + days * DAY)
    key = made["access_key"]
    clock.advance(days * DAY - 1)
    assert client.get("/api/articles", headers=bearer(key)).status_code == 200
    clock.advance(1)
    res = client.get("/api/articles", headers=bearer(key))
    assert res.status_code == 401 and res.json == EXPIRED
    assert app.api_tokens.get(made["id"])["lastUsedAt"] == iso(clock.now - 1)  # an expired use is not one


def test_a_token_without_a_lifespan_never_expires(app, client, clock):
    made = app.api_tokens.create(name="t", type="read-only")
    assert made["lifespan"] is None and made["expiresAt"] is None
    clock.advance(20 * 365 * DAY)
    assert client.get("/api/articles", headers=bearer(made["access_key"])).status_code == 200


def test_an_expiry_in_the_past_written_by_anyone_is_401(app, client, tmp_path):
    made = app.api_tokens.create(name="t", type="full-access")
    with sqlite3.connect(tmp_path / "data.db") as conn:
        conn.execute(f"UPDATE {TOKENS} SET expires_at = ? WHERE id = ?", ["2020-01-01T00:00:00.000Z", made["id"]])
    assert client.get("/api/articles", headers=bearer(made["access_key"])).json == EXPIRED


# -- revoking and regenerating -------------------------------------------------------------------


def test_a_deleted_token_is_401_at_once(app, client):
    made = app.api_tokens.create(name="t", type="full-access")
    key = made["access_key"]
    assert client.get("/api/articles", headers=bearer(key)).status_code == 200
    gone = app.api_tokens.delete(made["id"])
    assert gone is not None and gone["name"] == "t" and "access_key" not in gone
    assert client.get("/api/articles", headers=bearer(key)).json == MISSING
    assert app.api_tokens.delete(made["id"]) is None and app.api_tokens.list() == []


def test_a_regenerated_token_takes_the_new_key_only(app, client, clock):
    made = app.api_tokens.create(name="t", type="custom", permissions=[f"{ARTICLE}.find"], lifespan=7 * DAY_MS)
    old = made["access_key"]
    clock.advance(60)
    again = app.api_tokens.regenerate(made["id"])
    new = again["access_key"]
    assert len(new) == 256 and new != old
    assert client.get("/api/articles", headers=bearer(old)).json == MISSING
    assert client.get("/api/articles", headers=bearer(new)).status_code == 200
    # The same token: its name, type, permissions and expiry stay.
    kept = {key: again[key] for key in ("id", "name", "type", "permissions", "lifespan", "expiresAt", "createdAt")}
    assert kept == {key: made[key] for key in kept}
    assert again["updatedAt"] == iso(clock.now)


# -- what is stored ----------------------------------------------------------------------------------


def test_the_clear_key_is_never_stored_only_its_salted_digest(app, client, tmp_path):
    keys = [app.api_tokens.create(name=kind, type=kind, permissions=[] if kind == "custom" else None)["access_key"]
            for kind in ("read-only", "full-access", "custom")]
    regenerated = app.api_tokens.regenerate(app.api_tokens.list()[0]["id"])["access_key"]
    for key in keys:
        client.get("/api/articles", headers=bearer(key))
    with sqlite3.connect(tmp_path / "data.db") as conn:
        conn.row_factory = sqlite3.Row
        rows = [dict(row) for row in conn.execute(f"SELECT * FROM {TOKENS} ORDER BY id")]
    stored = "\n".join(str(value) for row in rows for value in row.values())
    for key in [*keys, regenerated]:
        assert key not in stored and key[:32] not in stored
    expected = [hmac.new(SALT.encode(), key.encode(), hashlib.sha512).hexdigest() for key in keys]
    expected[2] = hmac.new(SALT.encode(), regenerated.encode(), hashlib.sha512).hexdigest()  # custom, the first by name
    assert [row["access_key"] for row in rows] == expected
    files = b"".join(path.read_bytes() for path in tmp_path.glob("data.db*"))
    for key in [*keys, regenerated]:
        assert key.encode() not in files


def test_the_digest_is_keyed_by_the_salt(app, tmp_path):
    key = app.api_tokens.create(name="t", type="full-access")["access_key"]
    other = token_app(tmp_path, salt="another salt")  # the same database
    same = token_app(tmp_path, salt=SALT)
    try:
        assert other.test_client().get("/api/articles", headers=bearer(key)).json == MISSING
        assert same.test_client().get("/api/articles", headers=bearer(key)).status_code == 200
    finally:
        other.destroy()
        same.destroy()


# -- lastUsedAt ------------------------------------------------------------------------------------


def test_last_used_at_is_written_at_most_once_a_minute(app, client, clock):
    made = app.api_tokens.create(name="t", type="read-only")
    key = made["access_key"]
    assert made["lastUsedAt"] is None
    start = clock.now

    def used():
        assert client.get("/api/articles", headers=bearer(key)).status_code == 200
        return app.api_tokens.get(made["id"])["lastUsedAt"]

    assert used() == iso(start)
    for _ in range(5):
        clock.advance(10)
        assert used() == iso(start)  # within the minute: not written again
    clock.advance(10)
    assert used() == iso(start)  # a minute exactly: not yet
    clock.advance(1)
    assert used() == iso(start + 61)
    clock.advance(30)
    assert used() == iso(start + 61)
    assert app.api_tokens.get(made["id"])["updatedAt"] == made["updatedAt"]  # a use is not a change


def test_a_read_within_the_minute_sends_no_write_to_the_database(app, client, clock, monkeypatch):
    key = app.api_tokens.create(name="t", type="read-only")["access_key"]
    db = app.db.db
    writes: list[str] = []
    execute = db.execute

    def recording(sql, params=()):
        if not sql.lstrip().upper().startswith("SELECT"):
            writes.append(sql)
        return execute(sql, params)

    monkeypatch.setattr(db, "execute", recording)
    assert client.get("/api/articles", headers=bearer(key)).status_code == 200
    assert len(writes) == 1 and "last_used_at" in writes[0]  # the first use
    for _ in range(10):
        clock.advance(5)
        assert client.get("/api/articles", headers=bearer(key)).status_code == 200
    assert len(writes) == 1
    clock.advance(11)
    assert client.get("/api/articles", headers=bearer(key)).status_code == 200
    assert len(writes) == 2


def test_a_refused_request_of_a_valid_token_still_counts_as_a_use(app, client, clock):
    made = app.api_tokens.create(name="t", type="read-only")
    assert client.post("/api/articles", json={"data": {"title": "x"}},
                       headers=bearer(made["access_key"])).status_code == 403
    assert app.api_tokens.get(made["id"])["lastUsedAt"] == iso(clock.now)
