"""Webhook and event payloads carry no private field, at any depth: populated relations (two levels, as
in the issue: ``?populate[category][populate]=articles`` on a REST create), components (nested ones
included), repeatable components and dynamic zones; passwords never. Checked on the bodies a real
receiver got, on what in-process listeners heard, and on the REST answers themselves.

Every private value starts with ``PRIVATE-``, so one search of a body finds a leak wherever it is; the
public values next to them are asserted present, so the search is not vacuous.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from minikoa import App, core_router
from tests.receiver import FAST

ARTICLE, CATEGORY = "api::article.article", "api::category.category"
LEAK = b"PRIVATE-"


def _schema(singular: str, plural: str, attributes: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "collectionType", "collectionName": plural,
            "info": {"singularName": singular, "pluralName": plural}, "attributes": attributes}


def make_app(tmp_path, populate_relations: bool) -> App:
    app = App(config={"database": {"connection": {"connection": {"filename": str(tmp_path / "privacy.db")}}},
                      "server": {"webhooks": {**FAST, "populateRelations": populate_relations}}})
    ct = app.content_types
    ct.register_component("shared.meta", {"attributes": {
        "robots": {"type": "string"}, "key": {"type": "string", "private": True}}})
    ct.register_component("shared.seo", {"attributes": {
        "title": {"type": "string"}, "token": {"type": "string", "private": True},
        "meta": {"type": "component", "component": "shared.meta"}}})
    ct.register_component("shared.quote", {"attributes": {
        "text": {"type": "string"}, "note": {"type": "string", "private": True}, "pw": {"type": "password"}}})
    ct.register(CATEGORY, _schema("category", "categories", {
        "name": {"type": "string"}, "code": {"type": "string", "private": True},
        "articles": {"type": "relation", "relation": "oneToMany", "target": ARTICLE, "mappedBy": "category"}}))
    ct.register(ARTICLE, _schema("article", "articles", {
        "title": {"type": "string"}, "secret": {"type": "string", "private": True}, "pw": {"type": "password"},
        "category": {"type": "relation", "relation": "manyToOne", "target": CATEGORY, "inversedBy": "articles"},
        "seo": {"type": "component", "component": "shared.seo"},
        "quotes": {"type": "component", "component": "shared.quote", "repeatable": True},
        "blocks": {"type": "dynamiczone", "components": ["shared.seo", "shared.quote"]}}))
    app.mount(core_router(ARTICLE))
    app.mount(core_router(CATEGORY))
    app.build()
    return app


def article(n: int, category: str) -> dict[str, Any]:
    """An article whose every private field (and password) holds a ``PRIVATE-`` value."""
    return {
        "title": f"A{n}", "secret": f"PRIVATE-a{n}-secret", "pw": f"PRIVATE-a{n}-pw", "category": category,
        "seo": {"title": f"seo{n}", "token": f"PRIVATE-a{n}-token",
                "meta": {"robots": f"robots{n}", "key": f"PRIVATE-a{n}-key"}},
        "quotes": [{"text": f"quote{n}", "note": f"PRIVATE-a{n}-quote-note", "pw": f"PRIVATE-a{n}-quote-pw"}],
        "blocks": [{"__component": "shared.seo", "title": f"block{n}", "token": f"PRIVATE-a{n}-block-token",
                    "meta": {"robots": f"block-robots{n}", "key": f"PRIVATE-a{n}-block-key"}},
                   {"__component": "shared.quote", "text": f"block-quote{n}", "note": f"PRIVATE-a{n}-block-note",
                    "pw": f"PRIVATE-a{n}-block-pw"}],
    }


DEEP = "populate[category][populate]=articles"
COMPONENTS = ("populate[seo][populate]=meta&populate[quotes]=true"
              "&populate[blocks][on][shared.seo][populate]=meta&populate[blocks][on][shared.quote]=true")


@pytest.mark.parametrize("populate_relations", [False, True], ids=["populateRelations-off", "populateRelations-on"])
def test_webhook_payloads_carry_no_private_field_at_any_depth(tmp_path, receiver, populate_relations):
    app = make_app(tmp_path, populate_relations)
    try:
        heard: list[dict[str, Any]] = []
        app.events.on("*", lambda name, payload: heard.append(payload))
        app.webhooks.create(name="all", url=receiver.url(), events=["entry.create", "entry.update", "entry.delete"])
        client = app.test_client()
        category = app.documents(CATEGORY).create(data={"name": "Tech", "code": "PRIVATE-category-code"})
        other = app.documents(ARTICLE).create(data=article(1, category["documentId"]))  # trusted code, no REST

        created = client.post(f"/api/articles?{DEEP}&{COMPONENTS}", json={"data": article(2, category["documentId"])})
        assert created.status_code == 201, created.get_data(as_text=True)
        document = created.json["data"]["documentId"]
        updated = client.put(f"/api/articles/{document}?{COMPONENTS}",
                             json={"data": {"title": "A2b", "secret": "PRIVATE-a2-secret-changed",
                                            "seo": article(3, "")["seo"]}})
        assert updated.status_code == 200, updated.get_data(as_text=True)
        assert client.delete(f"/api/articles/{document}").status_code == 204
        # category create, A1 create, A2 create, update, delete
        hits = receiver.wait_for(5)

        for answer in (created, updated):  # the REST answers keep the same promise
            assert LEAK not in answer.get_data()
        for hit in hits:
            assert LEAK not in hit.body, hit.body.decode()
        assert len(heard) == 5  # in-process listeners get the same payloads
        for payload in heard:
            assert LEAK.decode() not in json.dumps(payload), payload

        by_event = {(hit.event, hit.json()["entry"]["documentId"]): hit.json()["entry"] for hit in hits}
        entry = by_event[("entry.create", document)]
        update = by_event[("entry.update", document)]
        assert entry["title"] == "A2" and update["title"] == "A2b"
        assert by_event[("entry.delete", document)]["documentId"] == document
        assert by_event[("entry.create", other["documentId"])]["title"] == "A1"
        if populate_relations:
            # Strapi's populateRelations: the entry's relations, one level deep, whatever the request populated.
            assert entry["category"]["name"] == "Tech" and "articles" not in entry["category"]
        else:
            # The entry as the request read it back: two levels of relations, components, the dynamic zone.
            assert entry["category"]["name"] == "Tech"
            assert sorted(a["title"] for a in entry["category"]["articles"]) == ["A1", "A2"]  # another article
            assert entry["seo"]["title"] == "seo2" and entry["seo"]["meta"]["robots"] == "robots2"
            assert [q["text"] for q in entry["quotes"]] == ["quote2"]
            assert [b.get("title", b.get("text")) for b in entry["blocks"]] == ["block2", "block-quote2"]
            assert entry["blocks"][0]["meta"]["robots"] == "block-robots2"
            assert update["seo"]["title"] == "seo3" and update["seo"]["meta"]["robots"] == "robots3"
    finally:
        app.destroy()
