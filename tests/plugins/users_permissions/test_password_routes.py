"""Changing, forgetting and resetting a password; the JWTs issued before a change die with it."""

from __future__ import annotations

import hashlib
import re
import time

import pytest

from minikoa.plugins.users_permissions import USER
from minikoa.plugins.users_permissions.email import LogEmailProvider

from .conftest import PASSWORD, bearer, error, login, register

NEW = "Another-pass-2"


def change(client, jwt, current=PASSWORD, new=NEW, confirmation=None):
    return client.post("/api/auth/change-password", headers=bearer(jwt), json={
        "currentPassword": current, "password": new,
        "passwordConfirmation": new if confirmation is None else confirmation})


def code_in(outbox, address):
    """The reset code in the newest message to ``address`` (a link's ``?code=``, or the code alone)."""
    found = re.search(r"\b([0-9a-f]{64})\b", outbox.last_to(address).text)
    assert found, outbox.last_to(address).text
    return found[1]


def test_change_password_answers_a_new_jwt_and_voids_the_old_ones(client):
    jwt, user = register(client, "ada")
    other_session = login(client, "ada").json["jwt"]
    res = change(client, jwt)
    assert res.status_code == 200 and list(res.json) == ["jwt", "user"] and res.json["user"]["id"] == user["id"]
    fresh = res.json["jwt"]
    for old in (jwt, other_session):
        assert error(client.get("/api/users/me", headers=bearer(old)), 401)["message"] == (
            "Missing or invalid credentials")
    assert client.get("/api/users/me", headers=bearer(fresh)).status_code == 200
    assert error(login(client, "ada"), 400)["message"] == "Invalid identifier or password"
    again = login(client, "ada", NEW)
    assert again.status_code == 200
    assert client.get("/api/users/me", headers=bearer(again.json["jwt"])).status_code == 200


@pytest.mark.parametrize("body, message", [
    ({"currentPassword": "wrong-password", "password": NEW, "passwordConfirmation": NEW},
     "The provided current password is invalid"),
    ({"currentPassword": PASSWORD, "password": PASSWORD, "passwordConfirmation": PASSWORD},
     "Your new password must be different than your current password"),
    ({"currentPassword": PASSWORD, "password": NEW, "passwordConfirmation": "Other-pass-3"}, "Passwords do not match"),
    ({"currentPassword": PASSWORD, "password": NEW}, "passwordConfirmation is a required field"),
    ({"password": NEW, "passwordConfirmation": NEW}, "currentPassword is a required field"),
    ({"currentPassword": PASSWORD, "password": NEW, "passwordConfirmation": NEW, "role": 1},
     "this field has unspecified keys: role"),
    ({"currentPassword": PASSWORD, "password": "short", "passwordConfirmation": "short"},
     "password must be at least 6 characters"),
])
def test_change_password_refusals(client, body, message):
    jwt, _ = register(client, "ada")
    err = error(client.post("/api/auth/change-password", headers=bearer(jwt), json=body), 400)
    assert err["name"] == "ValidationError" and err["message"] == message
    assert client.get("/api/users/me", headers=bearer(jwt)).status_code == 200  # nothing changed


def test_change_password_needs_a_logged_in_user(client):
    assert error(client.post("/api/auth/change-password", json={}), 403)["name"] == "ForbiddenError"


def test_forgot_and_reset_password(app, client, outbox):
    jwt, user = register(client, "ada")
    res = client.post("/api/auth/forgot-password", json={"email": "ADA@example.test"})
    assert res.status_code == 200 and res.json == {"ok": True}
    message = outbox.last_to("ada@example.test")
    assert message.subject == "Reset password" and "60 minutes" in message.text
    code = code_in(outbox, "ada@example.test")
    stored = app.documents(USER).find_first(filters={"id": user["id"]})
    assert stored["resetPasswordToken"] == hashlib.sha256(code.encode()).hexdigest()  # a hash, not the code
    res = client.post("/api/auth/reset-password", json={"code": code, "password": NEW, "passwordConfirmation": NEW})
    assert res.status_code == 200 and list(res.json) == ["jwt", "user"] and res.json["user"]["id"] == user["id"]
    assert client.get("/api/users/me", headers=bearer(res.json["jwt"])).status_code == 200
    assert client.get("/api/users/me", headers=bearer(jwt)).status_code == 401  # the old session died
    assert login(client, "ada", NEW).status_code == 200
    again = client.post("/api/auth/reset-password", json={"code": code, "password": "Third-pass-3",
                                                           "passwordConfirmation": "Third-pass-3"})
    assert error(again, 400)["message"] == "Incorrect code provided"  # single use
    assert app.documents(USER).find_first(filters={"id": user["id"]})["resetPasswordToken"] is None


def test_the_reset_link_uses_the_configured_page(make, outbox):
    client = make({"resetPassword": {"url": "https://example.test/reset", "expiresIn": 120}}).test_client()
    register(client, "ada")
    client.post("/api/auth/forgot-password", json={"email": "ada@example.test"})
    text = outbox.last_to("ada@example.test").text
    assert re.search(r"https://example\.test/reset\?code=[0-9a-f]{64}\n", text) and "2 minutes" in text


def test_forgot_password_never_tells_whether_an_address_has_an_account(app, client, outbox):
    register(client, "ada")
    _, blocked = register(client, "mallory")
    app.service("plugin::users-permissions.user").edit(blocked["id"], {"blocked": True})
    for email in ("nobody@example.test", "mallory@example.test"):
        res = client.post("/api/auth/forgot-password", json={"email": email})
        assert res.status_code == 200 and res.json == {"ok": True}
    assert outbox.messages == []


def test_a_failing_email_provider_is_logged_not_shown(make, caplog):
    class Broken:
        def send(self, message):
            raise ConnectionError("smtp down")

    client = make({"email": {"provider": Broken()}}).test_client()
    register(client, "ada")
    res = client.post("/api/auth/forgot-password", json={"email": "ada@example.test"})
    assert res.status_code == 200 and res.json == {"ok": True}
    assert "reset email" in caplog.text and "smtp down" in caplog.text


def test_the_default_provider_writes_the_message_to_the_log(make, caplog):
    client = make({"email": {"provider": LogEmailProvider()}}).test_client()
    register(client, "ada")
    client.post("/api/auth/forgot-password", json={"email": "ada@example.test"})
    assert "ada@example.test" in caplog.text and "Reset password" in caplog.text


@pytest.mark.parametrize("body, message", [
    ({"email": "not-an-email"}, "email must be a valid email"),
    ({}, "email is a required field"),
    ({"email": "ada@example.test", "url": "https://evil.test"}, "this field has unspecified keys: url"),
])
def test_forgot_password_validation(client, body, message):
    assert error(client.post("/api/auth/forgot-password", json=body), 400)["message"] == message


@pytest.mark.parametrize("body, message", [
    ({"code": "0" * 64, "password": NEW, "passwordConfirmation": NEW}, "Incorrect code provided"),
    ({"code": "x" * 10_000, "password": NEW, "passwordConfirmation": NEW}, "Incorrect code provided"),
    ({"code": "0" * 64, "password": NEW, "passwordConfirmation": "Other-pass-3"}, "Passwords do not match"),
    ({"password": NEW, "passwordConfirmation": NEW}, "code is a required field"),
    ({"code": "0" * 64, "password": NEW}, "passwordConfirmation is a required field"),
])
def test_reset_password_refusals(client, body, message):
    assert error(client.post("/api/auth/reset-password", json=body), 400)["message"] == message


def test_a_reset_code_expires_and_a_new_one_replaces_it(app, client, outbox, monkeypatch):
    register(client, "ada")
    client.post("/api/auth/forgot-password", json={"email": "ada@example.test"})
    first = code_in(outbox, "ada@example.test")
    client.post("/api/auth/forgot-password", json={"email": "ada@example.test"})
    second = code_in(outbox, "ada@example.test")
    body = {"password": NEW, "passwordConfirmation": NEW}
    assert error(client.post("/api/auth/reset-password", json={**body, "code": first}), 400)
    later = time.time() + 3601
    monkeypatch.setattr("minikoa.plugins.users_permissions.reset_codes.now_iso",
                        lambda: time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(later)))
    assert error(client.post("/api/auth/reset-password", json={**body, "code": second}), 400)["message"] == (
        "Incorrect code provided")
    monkeypatch.undo()
    assert client.post("/api/auth/reset-password", json={**body, "code": second}).status_code == 200


def test_a_blocked_user_cannot_reset(app, client, outbox):
    _, user = register(client, "ada")
    client.post("/api/auth/forgot-password", json={"email": "ada@example.test"})
    code = code_in(outbox, "ada@example.test")
    app.service("plugin::users-permissions.user").edit(user["id"], {"blocked": True})
    res = client.post("/api/auth/reset-password", json={"code": code, "password": NEW, "passwordConfirmation": NEW})
    assert error(res, 400)["message"] == "Incorrect code provided"


def test_a_password_set_by_server_code_voids_the_tokens_too(app, client):
    jwt, user = register(client, "ada")
    app.service("plugin::users-permissions.user").set_password(user["id"], NEW)
    assert client.get("/api/users/me", headers=bearer(jwt)).status_code == 401
    fresh = login(client, "ada", NEW).json["jwt"]  # issued for the second the change starts from
    assert client.get("/api/users/me", headers=bearer(fresh)).status_code == 200


def test_another_edit_keeps_the_tokens(app, client):
    jwt, user = register(client, "ada")
    app.service("plugin::users-permissions.user").edit(user["id"], {"username": "ada2"})
    assert client.get("/api/users/me", headers=bearer(jwt)).json["username"] == "ada2"
