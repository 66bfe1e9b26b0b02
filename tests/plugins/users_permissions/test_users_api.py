"""/api/users: Strapi's CRUD answers (bare, no envelope), guarded like any content API, and what a
client may write."""

from __future__ import annotations

import pytest

from minikoa.plugins.users_permissions import USER
from minikoa.plugins.users_permissions.auth import Auth
from minikoa.plugins.users_permissions.permissions import Ability
from minikoa.plugins.users_permissions.sanitize import sanitize_user

from .conftest import PASSWORD, bearer, error, give_role, login, register
from .test_login import USER_KEYS

ACTIONS = [f"plugin::users-permissions.user.{a}" for a in ("find", "findOne", "count", "create", "update", "destroy")]


@pytest.fixture
def admin(app, client):
    """A user whose role may run every user action (and nothing about roles)."""
    app.permissions.create_role("Staff")
    app.permissions.grant("staff", ACTIONS)
    jwt, user = register(client, "staff")
    give_role(app, user["id"], "staff")
    return bearer(jwt)


def test_every_user_route_is_closed_until_granted(client):
    jwt, user = register(client, "ada")
    routes = [("GET", "/api/users"), ("GET", f"/api/users/{user['id']}"), ("GET", "/api/users/count"),
              ("POST", "/api/users"), ("PUT", f"/api/users/{user['id']}"), ("DELETE", f"/api/users/{user['id']}")]
    for method, path in routes:
        assert error(client.open(path, method=method, json={}), 403)["name"] == "ForbiddenError", path
        assert error(client.open(path, method=method, json={}, headers=bearer(jwt)), 403)["name"] == (
            "ForbiddenError"), path


def test_reads_are_bare(client, admin):
    _, ada = register(client, "ada")
    register(client, "bob")
    listed = client.get("/api/users?sort=username:asc&fields[0]=username", headers=admin)
    assert listed.status_code == 200 and [u["username"] for u in listed.json] == ["ada", "bob", "staff"]
    assert client.get("/api/users?filters[username][$startsWith]=b", headers=admin).json[0]["username"] == "bob"
    one = client.get(f"/api/users/{ada['id']}", headers=admin)
    assert one.status_code == 200 and one.json == ada and list(one.json) == USER_KEYS
    assert client.get("/api/users/count", headers=admin).json == 3
    assert client.get("/api/users/count?filters[username][$in][0]=ada&filters[username][$in][1]=x",
                      headers=admin).json == 1
    page = client.get("/api/users?pagination[page]=2&pagination[pageSize]=2&sort=id", headers=admin).json
    assert [u["username"] for u in page] == ["bob"]  # staff, ada, bob by id
    for missing in ("/api/users/999", "/api/users/abc", "/api/users/1x", "/api/users/%C2%B2"):
        assert error(client.get(missing, headers=admin), 404)["name"] == "NotFoundError", missing


def test_create_update_destroy(app, client, admin):
    res = client.post("/api/users", headers=admin,
                      json={"username": "carol", "email": "Carol@Example.test", "password": PASSWORD})
    assert res.status_code == 201 and list(res.json) == USER_KEYS
    carol = res.json
    assert (carol["email"], carol["provider"], carol["confirmed"], carol["blocked"]) == (
        "carol@example.test", "local", False, False)
    assert login(client, "carol").status_code == 200
    stored = app.documents(USER).find_first(filters={"id": carol["id"]}, populate=["role"])
    assert stored["role"]["type"] == "authenticated"
    res = client.put(f"/api/users/{carol['id']}", headers=admin, json={"username": "caroline"})
    assert res.status_code == 200 and res.json["username"] == "caroline" and list(res.json) == USER_KEYS
    res = client.delete(f"/api/users/{carol['id']}", headers=admin)
    assert res.status_code == 200 and res.json["username"] == "caroline"
    assert error(client.delete(f"/api/users/{carol['id']}", headers=admin), 404)["message"] == "User not found"
    assert error(client.put(f"/api/users/{carol['id']}", headers=admin, json={}), 404)["message"] == (
        "User not found")


@pytest.mark.parametrize("body", [{"role": 1}, {"blocked": True}, {"confirmed": True}, {"provider": "github"},
                                  {"resetPasswordToken": "x"}, {"passwordChangedAt": 0},
                                  {"username": "x2", "role": {"connect": [1]}}])
def test_a_client_may_not_set_role_blocked_or_anything_but_its_credentials(app, client, admin, body):
    _, ada = register(client, "ada")
    err = error(client.put(f"/api/users/{ada['id']}", headers=admin, json=body), 400)
    assert err["name"] == "ValidationError" and err["message"].startswith("Invalid parameters: ")
    err = error(client.post("/api/users", headers=admin,
                            json={"username": "eve", "email": "eve@example.test", "password": PASSWORD, **body}), 400)
    assert err["message"].startswith("Invalid parameters: ")
    stored = app.documents(USER).find_first(filters={"id": ada["id"]}, populate=["role"])
    assert stored["role"]["type"] == "authenticated" and stored["blocked"] is False and stored["username"] == "ada"


def test_taken_names_and_bad_values(client, admin):
    _, ada = register(client, "ada")
    _, bob = register(client, "bob")
    cases = [
        ("POST", "/api/users", {"username": "ada", "email": "new@example.test", "password": PASSWORD},
         "ApplicationError", "Username already taken"),
        ("POST", "/api/users", {"username": "new", "email": "ADA@example.test", "password": PASSWORD},
         "ApplicationError", "Email already taken"),
        ("POST", "/api/users", {"username": "new", "password": PASSWORD}, "ValidationError",
         "email is a required field"),
        ("PUT", f"/api/users/{bob['id']}", {"username": "ada"}, "ApplicationError", "Username already taken"),
        ("PUT", f"/api/users/{bob['id']}", {"email": "ada@example.test"}, "ApplicationError", "Email already taken"),
        ("PUT", f"/api/users/{bob['id']}", {"email": "nope"}, "ValidationError", "email must be a valid email"),
        ("PUT", f"/api/users/{bob['id']}", {"password": ""}, "ValidationError",
         "password must be at least 1 characters"),
        ("PUT", f"/api/users/{bob['id']}", {"password": None}, "ValidationError", "password cannot be null"),
        ("PUT", f"/api/users/{bob['id']}", {"username": 5}, "ValidationError",
         "username must be a `string` type, but the final value was: `5`."),
    ]
    for method, path, body, name, message in cases:
        err = error(client.open(path, method=method, json=body, headers=admin), 400)
        assert (err["name"], err["message"]) == (name, message), body
    # Keeping one's own name is no conflict.
    assert client.put(f"/api/users/{bob['id']}", headers=admin, json={"username": "bob",
                                                                      "email": "bob@example.test"}).status_code == 200


def test_a_password_changed_through_the_api_voids_the_users_tokens(client, admin):
    jwt, ada = register(client, "ada")
    assert client.put(f"/api/users/{ada['id']}", headers=admin, json={"password": "Another-pass-2"}).status_code == 200
    assert client.get("/api/users/me", headers=bearer(jwt)).status_code == 401
    assert login(client, "ada", "Another-pass-2").status_code == 200


def test_roles_stay_hidden_from_who_may_not_read_them(client, admin):
    _, ada = register(client, "ada")
    assert "role" not in client.get(f"/api/users/{ada['id']}?populate=*", headers=admin).json
    assert all("role" not in u for u in client.get("/api/users?populate=*", headers=admin).json)
    for query, param in (("populate=role", "populate"), ("populate[0]=role", "populate"),
                         ("populate[role][fields][0]=name", "populate"), ("filters[role][type]=staff", "filters"),
                         ("filters[$or][0][role][name]=Staff", "filters"), ("sort=role.name:asc", "sort"),
                         ("sort[0]=username,role.type", "sort")):
        err = error(client.get(f"/api/users?{query}", headers=admin), 400)
        assert err["message"] == "Invalid key role" and err["details"]["param"] == param, query


def test_a_caller_that_may_read_roles_sees_them(app, client):
    """Only ``plugin::users-permissions.role.find`` shows a role, which a full-access API token holds."""
    _, ada = register(client, "ada")
    entry = app.documents(USER).find_first(filters={"id": ada["id"]}, populate=["role"])
    everything = Auth("api-token", None, Ability(everything=True))
    assert sanitize_user(app.content_types, entry, everything)["role"]["type"] == "authenticated"
    assert "role" not in sanitize_user(app.content_types, entry, Auth("users-permissions", ada, Ability()))
    assert "role" not in sanitize_user(app.content_types, entry, None)


def test_me_needs_a_user_not_just_the_action(app, client):
    """A route that answers ``me`` to an ability without a user (an API token) says 401, as Strapi does."""
    app.permissions.grant("public", ["plugin::users-permissions.user.me"])
    assert error(client.get("/api/users/me"), 401)["name"] == "UnauthorizedError"
