"""Register, log in and /users/me: Strapi's routes, statuses, messages and shapes."""

from __future__ import annotations

import time

import jwt as pyjwt
import pytest

from minikoa.content.passwords import hash_password, verify_password
from minikoa.plugins.users_permissions import USER
from tests.content.test_passwords import scrypt_hash

from .conftest import PASSWORD, SECRET, bearer, error, login, register

USER_KEYS = ["id", "documentId", "username", "email", "provider", "confirmed", "blocked", "createdAt", "updatedAt",
             "publishedAt"]


def test_register_answers_a_jwt_and_the_bare_user_in_strapis_order(app, client):
    res = client.post("/api/auth/local/register",
                      json={"username": "ada", "email": "Ada@Example.TEST", "password": PASSWORD})
    assert res.status_code == 200 and list(res.json) == ["jwt", "user"]
    user = res.json["user"]
    assert list(user) == USER_KEYS  # no role, no data envelope, nothing private
    assert (user["username"], user["email"], user["provider"], user["confirmed"], user["blocked"]) == (
        "ada", "ada@example.test", "local", True, False)
    claims = pyjwt.decode(res.json["jwt"], SECRET, algorithms=["HS256"])
    assert set(claims) == {"id", "iat", "exp"} and claims["id"] == user["id"]
    assert claims["exp"] - claims["iat"] == 30 * 24 * 3600
    stored = app.documents(USER).find_first(filters={"id": user["id"]}, populate=["role"])
    assert stored["role"]["type"] == "authenticated"


def test_a_taken_username_or_email_as_either_is_strapis_application_error(client):
    register(client, "ada")
    for body in ({"username": "ada", "email": "other@example.test", "password": PASSWORD},
                 {"username": "bob", "email": "ADA@example.test", "password": PASSWORD},  # emails ignore case
                 {"username": "ada@example.test", "email": "bob@example.test", "password": PASSWORD}):
        res = client.post("/api/auth/local/register", json=body)
        assert error(res, 400) == {"status": 400, "name": "ApplicationError",
                                   "message": "Email or Username are already taken", "details": {}}, body


@pytest.mark.parametrize("body, message", [
    ({"username": "x", "email": "not-an-email", "password": "1"}, "email must be a valid email"),
    ({"username": "bob", "password": PASSWORD}, "email is a required field"),
    ({"email": "bob@example.test", "password": PASSWORD}, "username is a required field"),
    ({"username": "bob", "email": "bob@example.test"}, "password is a required field"),
    ({"username": "bob", "email": "bob@example.test", "password": 12345678},
     "password must be a `string` type, but the final value was: `12345678`."),
    ({"username": "bob", "email": "bob@example.test", "password": "12345"}, "password must be at least 6 characters"),
    ({"username": "bo", "email": "bob@example.test", "password": PASSWORD}, "username must be at least 3 characters"),
    ({"username": "bob", "email": "bob@example.test", "password": PASSWORD, "role": 1}, "Invalid parameters: role"),
    ({"username": "bob", "email": "bob@example.test", "password": PASSWORD, "blocked": False, "confirmed": True},
     "Invalid parameters: blocked, confirmed"),
    ({"username": "bob", "email": "bob@example.test", "password": hash_password("x")},
     "Your password cannot be a password hash"),
])
def test_register_validation_answers_the_first_error(client, body, message):
    err = error(client.post("/api/auth/local/register", json=body), 400)
    assert err["name"] == "ValidationError" and err["message"] == message
    errors = err["details"].get("errors")
    assert errors is None or (len(errors) == 1 and errors[0]["message"] == message)
    assert all("value" not in e for e in errors or () if e["path"] == ["password"])  # never echoed


def test_login_by_username_or_email_in_any_case(client):
    _, user = register(client, "ada")
    for identifier in ("ada", "ada@example.test", "ADA@EXAMPLE.test"):
        res = login(client, identifier)
        assert res.status_code == 200 and list(res.json) == ["jwt", "user"] and res.json["user"] == user
    assert error(login(client, "ADA"), 400)["message"] == "Invalid identifier or password"  # usernames keep case


def test_wrong_password_and_unknown_user_are_the_same_400(client):
    register(client, "ada")
    expected = {"status": 400, "name": "ValidationError", "message": "Invalid identifier or password",
                "details": {}}
    assert error(login(client, "ada@example.test", "wrong-password"), 400) == expected
    assert error(login(client, "nobody@example.test", "whatever1"), 400) == expected


def test_login_without_a_password_is_strapis_validation_error(client):
    err = error(client.post("/api/auth/local", json={"identifier": "ada@example.test"}), 400)
    assert err == {"status": 400, "name": "ValidationError", "message": "password is a required field",
                   "details": {"errors": [{"path": ["password"], "message": "password is a required field",
                                           "name": "ValidationError"}]}}
    assert error(client.post("/api/auth/local", data="[1]", content_type="application/json"),
                 400)["message"] == "identifier is a required field"


def test_a_blocked_user_is_told_only_with_the_right_password(app, client):
    _, user = register(client, "mallory")
    app.service("plugin::users-permissions.user").edit(user["id"], {"blocked": True})
    assert error(login(client, "mallory", "wrong-password"), 400)["message"] == "Invalid identifier or password"
    err = error(login(client, "mallory"), 400)
    assert err["name"] == "ApplicationError" and err["message"] == "Your account has been blocked by an administrator"


def test_me_is_the_bare_user_for_a_jwt_403_without_one_401_for_garbage(client):
    jwt, user = register(client, "ada")
    res = client.get("/api/users/me", headers=bearer(jwt))
    assert res.status_code == 200 and res.json == user and list(res.json) == USER_KEYS
    assert error(client.get("/api/users/me"), 403) == {"status": 403, "name": "ForbiddenError",
                                                       "message": "Forbidden", "details": {}}
    assert error(client.get("/api/users/me", headers=bearer("garbage")), 401)["message"] == (
        "Missing or invalid credentials")
    assert client.get("/api/users/me", headers={"Authorization": "Basic Zm9vOmJhcg=="}).status_code == 403
    assert client.get("/api/users/me?fields[0]=username", headers=bearer(jwt)).json == {
        "id": user["id"], "documentId": user["documentId"], "username": "ada"}
    assert error(client.get("/api/users/me?fields[0]=password", headers=bearer(jwt)), 400)["message"] == (
        "Invalid key password")


def test_an_old_scrypt_hash_logs_in_and_is_upgraded(app, client):
    _, user = register(client, "ada")
    service = app.service("plugin::users-permissions.user")
    service._store_hash(user["id"], scrypt_hash(PASSWORD))
    assert service._stored_hash(user["id"]).startswith("scrypt$")
    updated = app.documents(USER).find_first(filters={"id": user["id"]})["updatedAt"]
    assert login(client, "ada").status_code == 200
    upgraded = service._stored_hash(user["id"])
    assert upgraded.startswith("$argon2id$") and verify_password(PASSWORD, upgraded)
    assert app.documents(USER).find_first(filters={"id": user["id"]})["updatedAt"] == updated  # not an edit


def test_a_new_user_keeps_only_a_hash(app, client):
    _, user = register(client, "ada")
    stored = app.service("plugin::users-permissions.user")._stored_hash(user["id"])
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_tokens_are_for_now_and_expire(app, client):
    jwt, user = register(client, "ada")
    claims = pyjwt.decode(jwt, SECRET, algorithms=["HS256"])
    assert abs(claims["iat"] - time.time()) < 5
    expired = pyjwt.encode({"id": user["id"], "iat": 1000, "exp": 2000}, SECRET, algorithm="HS256")
    assert error(client.get("/api/users/me", headers=bearer(expired)), 401)["name"] == "UnauthorizedError"
    for user_id in (0, -1, 2**70):  # signed, but no user could have it
        token = pyjwt.encode({"id": user_id, "iat": int(time.time()), "exp": int(time.time()) + 60}, SECRET,
                             algorithm="HS256")
        assert error(client.get("/api/users/me", headers=bearer(token)), 401)["name"] == "UnauthorizedError"
