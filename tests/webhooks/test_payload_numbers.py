"""Webhook payloads write numbers as Strapi's (JavaScript's JSON.stringify) do: the body a real receiver
gets has ``5`` for a whole float, not Python's ``5.0``, and JavaScript's exponents."""

from __future__ import annotations

from minikoa import App
from tests.receiver import FAST


def test_a_webhook_body_writes_numbers_as_javascript(tmp_path, receiver):
    app = App(config={"database": {"connection": {"connection": {"filename": str(tmp_path / "n.db")}}},
                      "server": {"webhooks": FAST}})
    app.content_types.register("api::item.item", {
        "kind": "collectionType", "collectionName": "items", "info": {"singularName": "item", "pluralName": "items"},
        "attributes": {"price": {"type": "decimal"}, "weight": {"type": "float"}, "meta": {"type": "json"}}})
    app.build()
    try:
        app.webhooks.create(name="all", url=receiver.url(), events=["entry.create"])
        app.documents("api::item.item").create(data={"price": "12.00", "weight": 5, "meta": {"tiny": 1e-7,
                                                                                             "zero": -0.0}})
        body = receiver.wait_for(1)[0].body
        assert b'"price":12,' in body and b'"weight":5,' in body, body
        assert b'"meta":{"tiny":1e-7,"zero":0}' in body, body
    finally:
        app.destroy()
