"""Entry payloads carry the entry's components and dynamic zones, at every depth, whatever the write
populated and with ``populateRelations`` on or off (on, they were once dropped); private fields stay out.
Checked on the bodies a real receiver got."""

from __future__ import annotations

import pytest

from minikoa import App
from tests.receiver import FAST
from tests.webhooks.test_payload_privacy import ARTICLE, CATEGORY, LEAK, _schema, article
from tests.webhooks.test_payload_privacy import make_app as privacy_app

DRAFTS = "api::page.page"


def components_of(entry, n):
    """The article ``n``'s components as the payload should hold them (private fields gone)."""
    assert entry["seo"]["title"] == f"seo{n}" and entry["seo"]["meta"]["robots"] == f"robots{n}"
    assert set(entry["seo"]) == {"id", "title", "meta"} and set(entry["seo"]["meta"]) == {"id", "robots"}
    assert [(q["text"], set(q)) for q in entry["quotes"]] == [(f"quote{n}", {"id", "text"})]
    blocks = entry["blocks"]
    assert [b["__component"] for b in blocks] == ["shared.seo", "shared.quote"]
    assert blocks[0]["title"] == f"block{n}" and blocks[0]["meta"]["robots"] == f"block-robots{n}"
    assert blocks[1]["text"] == f"block-quote{n}" and "note" not in blocks[1] and "pw" not in blocks[1]
    return True


@pytest.mark.parametrize("populate_relations", [False, True], ids=["populateRelations-off", "populateRelations-on"])
def test_every_entry_event_carries_components_and_zones(tmp_path, receiver, populate_relations):
    app = privacy_app(tmp_path, populate_relations)
    try:
        app.webhooks.create(name="all", url=receiver.url(), events=["entry.create", "entry.update", "entry.delete"])
        client = app.test_client()
        category = app.documents(CATEGORY).create(data={"name": "Tech", "code": "PRIVATE-code"})
        by_code = app.documents(ARTICLE).create(data=article(1, category["documentId"]))  # trusted code
        rest = client.post("/api/articles?fields[0]=title", json={"data": article(2, category["documentId"])})
        assert rest.status_code == 201 and set(rest.json["data"]) == {"id", "documentId", "title"}
        document = rest.json["data"]["documentId"]
        assert client.put(f"/api/articles/{document}", json={"data": {"title": "A2b"}}).status_code == 200
        assert client.delete(f"/api/articles/{by_code['documentId']}").status_code == 204
        hits = receiver.wait_for(5)
        for hit in hits:
            assert LEAK not in hit.body, hit.body.decode()
        entries = {(hit.event, hit.json()["entry"]["documentId"]): hit.json()["entry"] for hit in hits}

        assert components_of(entries[("entry.create", by_code["documentId"])], 1)
        assert components_of(entries[("entry.create", document)], 2)
        assert components_of(entries[("entry.update", document)], 2)   # the update touched no component
        assert components_of(entries[("entry.delete", by_code["documentId"])], 1)  # read before the delete
        created = entries[("entry.create", document)]
        if populate_relations:  # the whole entry, relations one level deep
            assert created["category"]["name"] == "Tech" and "code" not in created["category"]
        else:  # the entry as the request read it back (fields=title), with its components
            assert "category" not in created and "secret" not in created
            assert set(created) == {"id", "documentId", "title", "seo", "quotes", "blocks"}
    finally:
        app.destroy()


def test_publish_and_unpublish_payloads_carry_components(tmp_path, receiver):
    app = App(config={"database": {"connection": {"connection": {"filename": str(tmp_path / "p.db")}}},
                      "server": {"webhooks": FAST}})
    app.content_types.register_component("shared.hero", {"attributes": {
        "heading": {"type": "string"}, "draftNote": {"type": "string", "private": True}}})
    schema = _schema("page", "pages", {"title": {"type": "string"},
                                       "hero": {"type": "component", "component": "shared.hero"}})
    app.content_types.register(DRAFTS, {**schema, "options": {"draftAndPublish": True}})
    app.build()
    try:
        app.webhooks.create(name="p", url=receiver.url(), events=["entry.publish", "entry.unpublish"])
        pages = app.documents(DRAFTS)
        page = pages.create(data={"title": "Home", "hero": {"heading": "Hi", "draftNote": "PRIVATE-x"}})
        pages.publish(page["documentId"])
        pages.unpublish(page["documentId"])
        hits = receiver.wait_for(2)
        assert [hit.event for hit in hits] == ["entry.publish", "entry.unpublish"]
        for hit in hits:
            assert LEAK not in hit.body
            assert hit.json()["entry"]["hero"]["heading"] == "Hi"  # the unpublished row was read before removal
    finally:
        app.destroy()
