"""The password, the reset and confirmation tokens (and minikoa's private stamps) never leave: not in an
answer, not through a filter, sort, field list or populate of users from another type, not in a webhook."""

from __future__ import annotations

import json
import re

import pytest

from minikoa import core_router
from minikoa.plugins.users_permissions import USER
from tests.receiver import FAST

from .conftest import PASSWORD, bearer, error, give_role, register

ARTICLE = "api::article.article"
PRIVATE = ("password", "resetPasswordToken", "confirmationToken", "passwordChangedAt", "resetPasswordTokenExpiresAt")
#: What a leak would look like in any body: a hash, a private key, the password itself.
LEAKS = re.compile(r'\$argon2id\$|scrypt\$|"(?:' + "|".join(PRIVATE) + r')"|' + re.escape(PASSWORD))


def with_articles(app):
    app.content_types.register(ARTICLE, {
        "kind": "collectionType", "collectionName": "articles",
        "info": {"singularName": "article", "pluralName": "articles"},
        "attributes": {"title": {"type": "string"},
                       "author": {"type": "relation", "relation": "manyToOne", "target": USER}}})
    app.mount(core_router(ARTICLE))


@pytest.fixture
def app(make):
    app = make(setup=with_articles, webhooks=FAST)
    app.permissions.grant("public", [f"{ARTICLE}.find", f"{ARTICLE}.create"])
    app.permissions.create_role("Staff")
    app.permissions.grant("staff", [f"plugin::users-permissions.user.{a}" for a in ("find", "findOne", "count")])
    return app


def secrets_of(app, user_id):
    """Give the user a reset code and a confirmation token, so there is something to leak."""
    app.service("plugin::users-permissions.user").edit(user_id, {"resetPasswordToken": "PRIVATE-reset",
                                                                 "confirmationToken": "PRIVATE-confirm"})


def staff(app, client):
    jwt, user = register(client, "staff")
    give_role(app, user["id"], "staff")
    return bearer(jwt)


@pytest.mark.parametrize("query", [
    "filters[password][$eq]=x", "filters[password][$null]=true", "filters[$or][0][password][$startsWith]=$",
    "filters[resetPasswordToken][$notNull]=true", "filters[confirmationToken][$eq]=PRIVATE-confirm",
    "filters[passwordChangedAt][$gt]=2000-01-01", "sort=password", "sort=password:asc", "sort[0]=resetPasswordToken",
    "fields[0]=password", "fields=password", "fields[0]=confirmationToken", "fields[0]=resetPasswordTokenExpiresAt",
])
def test_private_user_fields_cannot_be_named_in_a_user_query(app, client, query):
    headers = staff(app, client)
    err = error(client.get(f"/api/users?{query}", headers=headers), 400)
    assert err["name"] == "ValidationError" and err["message"].startswith("Invalid key ")
    if query.startswith("filters"):  # the count reads filters (and nothing else)
        assert error(client.get(f"/api/users/count?{query}", headers=headers), 400)["message"] == err["message"]


@pytest.mark.parametrize("query", [
    "populate[author][fields][0]=password", "filters[author][password][$eq]=x", "sort=author.password",
    "filters[author][resetPasswordToken][$null]=false", "populate[author][populate]=*&fields[0]=password",
])
def test_private_user_fields_cannot_be_named_from_another_type(app, client, query):
    err = error(client.get(f"/api/articles?{query}"), 400)
    assert err["message"].startswith("Invalid key ")


def test_no_answer_carries_a_private_field(app, client, outbox):
    jwt, user = register(client, "ada")
    secrets_of(app, user["id"])
    headers = staff(app, client)
    created = client.post("/api/articles?populate=author", json={"data": {"title": "T", "author": user["documentId"]}})
    assert created.status_code == 201 and created.json["data"]["author"]["username"] == "ada"
    answers = [
        created,
        client.get("/api/articles?populate=author"), client.get("/api/articles?populate=*"),
        client.get("/api/articles?populate[author][populate]=*"),
        client.get("/api/users/me", headers=bearer(jwt)), client.get("/api/users/me?populate=*", headers=bearer(jwt)),
        client.get("/api/users", headers=headers), client.get("/api/users?populate=*", headers=headers),
        client.get(f"/api/users/{user['id']}", headers=headers),
        client.post("/api/auth/local", json={"identifier": "ada", "password": PASSWORD}),
        client.post("/api/auth/change-password", headers=bearer(jwt), json={
            "currentPassword": PASSWORD, "password": PASSWORD + "x", "passwordConfirmation": PASSWORD + "x"}),
        client.post("/api/auth/forgot-password", json={"email": "ada@example.test"}),
    ]
    for res in answers:
        assert res.status_code in (200, 201), res.get_data(as_text=True)
        body = res.get_data(as_text=True)
        assert not LEAKS.search(body) and "PRIVATE-" not in body, body
    assert "author" in answers[1].json["data"][0] and answers[1].json["data"][0]["author"]["username"] == "ada"


def test_webhook_payloads_of_users_carry_no_private_field(app, client, receiver):
    app.webhooks.create(name="users", url=receiver.url(), events=["entry.create", "entry.update", "entry.delete"])
    heard = []
    app.events.on("*", lambda name, payload: heard.append(payload))
    jwt, user = register(client, "ada")  # entry.create of the user
    secrets_of(app, user["id"])  # entry.update
    client.post("/api/auth/change-password", headers=bearer(jwt), json={
        "currentPassword": PASSWORD, "password": "Another-pass-2", "passwordConfirmation": "Another-pass-2"})
    client.post("/api/articles", json={"data": {"title": "T", "author": user["documentId"]}})
    app.service("plugin::users-permissions.user").remove(user["id"])  # entry.delete
    hits = receiver.wait_for(5)
    models = sorted(hit.json()["model"] for hit in hits)
    assert models == ["article", "user", "user", "user", "user"]
    for hit in hits:
        body = hit.body.decode()
        assert not LEAKS.search(body) and "PRIVATE-" not in body, body
    for payload in heard:
        text = json.dumps(payload)
        assert not LEAKS.search(text) and "PRIVATE-" not in text, text
    users = [hit.json()["entry"] for hit in hits if hit.json()["model"] == "user"]
    assert all(entry["username"] == "ada" for entry in users)
