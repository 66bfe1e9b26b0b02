"""A custom field and a new type, end to end: schema, create, validation messages, read back, filters."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest

from minikoa import App, ValidationError, core_router
from minikoa.content.fields import INVALID, AttributeView, Checks, ErrorPath, FloatField, StringField
from minikoa.content.schema import SchemaError

_HEX = re.compile(r"^#[0-9a-f]{6}$")


class HexColor(StringField):
    """A string that must be ``#rrggbb``, stored in lowercase; filters compare in lowercase too."""

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        value = super().validate(run, attr, value, path)
        if value is INVALID:
            return INVALID
        if not _HEX.match(value.lower()):
            return run.fail(path, "must be a hex color (#rrggbb)", value)
        return value

    def to_db(self, value: Any) -> Any:
        return value.lower()

    def cast(self, value: Any) -> Any:
        return super().cast(value).lower()


class Percent(FloatField):
    """A new attribute type: ``{"type": "percent"}``, a float from 0 to 100."""

    name = "percent"

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        number = super().validate(run, attr, value, path)
        if number is not INVALID and not 0 <= number <= 100:
            return run.fail(path, "must be a percentage (0 to 100)", number)
        return number


PALETTE = {
    "kind": "collectionType", "collectionName": "palettes",
    "info": {"singularName": "palette", "pluralName": "palettes"},
    "options": {"draftAndPublish": False},
    "attributes": {
        "main": {"type": "customField", "customField": "global::color", "required": True},
        "label": {"type": "customField", "customField": "plugin::palette.label", "maxLength": 5},
        "opacity": {"type": "percent"},
    },
}


@pytest.fixture
def app(tmp_path):
    app = App(config={"database": {"connection": {"connection": {"filename": str(tmp_path / "c.db")}}}})
    fields = app.content_types.fields
    fields.register_custom("global::color", HexColor())
    fields.register_custom("plugin::palette.label", "string")
    fields.register(Percent())
    app.content_types.register("api::palette.palette", PALETTE, source="palette/schema.json")
    app.mount(core_router("api::palette.palette"))
    app.build()
    yield app
    app.destroy()


def test_create_read_back_and_filter(app):
    palettes = app.documents("api::palette.palette")
    warm = palettes.create(data={"main": "#FF8800", "label": "warm", "opacity": "50"})
    assert (warm["main"], warm["label"], warm["opacity"]) == ("#ff8800", "warm", 50.0)
    palettes.create(data={"main": "#0000ff", "label": "cold", "opacity": 90})
    assert palettes.find_one(warm["documentId"])["main"] == "#ff8800"
    assert [p["label"] for p in palettes.find_many(filters={"main": {"$eq": "#FF8800"}})] == ["warm"]
    assert [p["label"] for p in palettes.find_many(filters={"main": {"$in": ["#0000FF", "#123456"]}})] == ["cold"]
    assert [p["label"] for p in palettes.find_many(filters={"opacity": {"$gt": 60}}, sort="opacity")] == ["cold"]
    assert [p["label"] for p in palettes.find_many(filters={"label": {"$startsWith": "co"}})] == ["cold"]


def test_validation_messages(app):
    palettes = app.documents("api::palette.palette")
    with pytest.raises(ValidationError) as caught:
        palettes.create(data={"main": "orange", "label": "too long", "opacity": 150})
    errors = caught.value.details["errors"]
    assert [(e["path"], e["message"]) for e in errors] == [
        (["main"], "main must be a hex color (#rrggbb)"),
        (["label"], "label must be at most 5 characters"),
        (["opacity"], "opacity must be a percentage (0 to 100)"),
    ]
    with pytest.raises(ValidationError, match="main must be defined."):
        palettes.create(data={"label": "x"})
    with pytest.raises(ValidationError, match=r"main must be a `string` type, but the final value was: `12`\."):
        palettes.create(data={"main": 12})


def test_over_rest(app):
    client = app.test_client()
    created = client.post("/api/palettes", json={"data": {"main": "#ABCDEF", "opacity": 10}})
    assert created.status_code == 201 and created.json["data"]["main"] == "#abcdef"
    found = client.get(f"/api/palettes?filters[main][$eq]={quote('#ABCDEF')}").json["data"]
    assert [p["documentId"] for p in found] == [created.json["data"]["documentId"]]
    refused = client.post("/api/palettes", json={"data": {"main": "#abc"}})
    assert refused.status_code == 400
    assert refused.json["error"]["message"] == "main must be a hex color (#rrggbb)"
    bad_filter = client.get("/api/palettes?filters[opacity][$gt]=lots")
    assert bad_filter.status_code == 400 and "Invalid value lots" in bad_filter.json["error"]["message"]


def test_another_app_does_not_know_them(tmp_path):
    other = App()
    other.content_types.register("api::palette.palette", PALETTE, source="palette/schema.json")
    with pytest.raises(SchemaError, match=r"palette/schema.json: attribute 'main': unknown custom field "
                                          r"'global::color' \(no custom field is registered\)"):
        other.content_types.link()
