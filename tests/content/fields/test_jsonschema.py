"""JSON Schema (2020-12) of each field type's values, for API output and request bodies."""

from __future__ import annotations

import pytest

from minikoa.content.fields import Refs
from minikoa.content.schema import Schemas

ATTRIBUTES = {
    "title": {"type": "string", "required": True, "minLength": 2, "maxLength": 80},
    "code": {"type": "string", "regex": "^[A-Z]+$"},
    "body": {"type": "richtext"},
    "notes": {"type": "text"},
    "contact": {"type": "email", "required": True},
    "secret": {"type": "password"},
    "slug": {"type": "uid", "targetField": "title"},
    "state": {"type": "enumeration", "enum": ["draft", "live"]},
    "views": {"type": "integer", "min": 0, "max": 1000.5},
    "big": {"type": "biginteger"},
    "ratio": {"type": "float", "min": 0.5},
    "price": {"type": "decimal", "required": True},
    "active": {"type": "boolean", "required": True},
    "day": {"type": "date"},
    "at": {"type": "time"},
    "moment": {"type": "datetime", "required": True},
    "stamp": {"type": "timestamp"},
    "data": {"type": "json"},
    "content": {"type": "blocks", "required": True},
    "cover": {"type": "media"},
    "gallery": {"type": "media", "multiple": True},
    "author": {"type": "relation", "relation": "manyToOne", "target": "api::person.person"},
    "readers": {"type": "relation", "relation": "manyWay", "target": "api::person.person"},
    "seo": {"type": "component", "component": "shared.seo"},
    "links": {"type": "component", "component": "shared.seo", "repeatable": True, "min": 1, "max": 3},
    "parts": {"type": "component", "component": "shared.seo", "repeatable": True, "required": True, "min": 1},
    "zone": {"type": "dynamiczone", "components": ["shared.seo", "shared.quote"], "max": 5},
}
REF = "#/components/schemas/"


@pytest.fixture(scope="module")
def page():
    schemas = Schemas()
    schemas.register_component("shared.seo", {"attributes": {"title": {"type": "string"}}})
    schemas.register_component("shared.quote", {"attributes": {"text": {"type": "text"}}})
    schemas.register("api::person.person", {"info": {"singularName": "person", "pluralName": "people"},
                                            "attributes": {"name": {"type": "string"}}})
    schemas.register("api::page.page", {"info": {"singularName": "page", "pluralName": "pages"},
                                        "attributes": ATTRIBUTES})
    schemas.link()
    return schemas["api::page.page"]


def output(page, name):
    attr = page.attributes[name]
    return attr.field.json_schema(attr, Refs())


def given(page, name):
    attr = page.attributes[name]
    return attr.field.json_schema(attr, Refs(), input=True)


@pytest.mark.parametrize("name, schema", [
    ("title", {"type": "string", "minLength": 2, "maxLength": 80}),
    ("code", {"type": ["string", "null"], "pattern": "^[A-Z]+$"}),
    ("body", {"type": ["string", "null"], "contentMediaType": "text/markdown"}),
    ("notes", {"type": ["string", "null"]}),
    ("contact", {"type": "string", "minLength": 1, "format": "email"}),
    ("secret", {"type": ["string", "null"], "writeOnly": True}),
    ("slug", {"type": ["string", "null"], "pattern": "^[A-Za-z0-9-_.~]*$"}),
    ("state", {"type": ["string", "null"], "enum": ["draft", "live", None]}),
    ("views", {"type": ["integer", "null"], "format": "int32", "minimum": 0, "maximum": 1000}),
    ("big", {"type": ["string", "null"], "pattern": r"^-?\d+$"}),
    ("ratio", {"type": ["number", "null"], "minimum": 0.5}),
    ("price", {"type": "number"}),
    ("active", {"type": "boolean"}),
    ("day", {"type": ["string", "null"], "format": "date"}),
    ("at", {"type": ["string", "null"], "format": "time"}),
    ("moment", {"type": "string", "format": "date-time"}),
    ("stamp", {"type": ["string", "null"], "format": "date-time"}),
    ("data", {}),
    ("content", {"type": "array", "items": {
        "type": "object", "properties": {"type": {"enum": ["paragraph", "heading", "quote", "list", "image", "code"]}},
        "required": ["type"]}}),
    ("cover", {"anyOf": [{"$ref": REF + "plugin.upload.file"}, {"type": "null"}]}),
    ("gallery", {"type": "array", "items": {"$ref": REF + "plugin.upload.file"}}),
    ("author", {"anyOf": [{"$ref": REF + "api.person.person"}, {"type": "null"}]}),
    ("readers", {"type": "array", "items": {"$ref": REF + "api.person.person"}}),
    ("seo", {"anyOf": [{"$ref": REF + "shared.seo"}, {"type": "null"}]}),
    ("links", {"type": "array", "items": {"$ref": REF + "shared.seo"}, "maxItems": 3,
               "anyOf": [{"maxItems": 0}, {"minItems": 1}]}),
    ("parts", {"type": "array", "items": {"$ref": REF + "shared.seo"}, "minItems": 1}),
    ("zone", {"type": "array", "maxItems": 5, "items": {"oneOf": [
        {"allOf": [{"$ref": REF + "shared.seo"}, {"type": "object", "required": ["__component"],
                                                  "properties": {"__component": {"const": "shared.seo"}}}]},
        {"allOf": [{"$ref": REF + "shared.quote"}, {"type": "object", "required": ["__component"],
                                                    "properties": {"__component": {"const": "shared.quote"}}}]},
    ]}}),
])
def test_output_schemas(page, name, schema):
    assert output(page, name) == schema


def test_slug_with_its_own_regex_must_match_both():
    schemas = Schemas()
    schemas.register("api::tag.tag", {"info": {"singularName": "tag", "pluralName": "tags"},
                                      "attributes": {"slug": {"type": "uid", "regex": "^[a-z]+$", "required": True}}})
    schemas.link()
    slug = schemas["api::tag.tag"].attributes["slug"]
    assert slug.field.json_schema(slug, Refs()) == {
        "allOf": [{"type": "string", "pattern": "^[a-z]+$"}, {"pattern": "^[A-Za-z0-9-_.~]*$"}]}


def test_input_schemas_where_they_differ(page):
    assert given(page, "big") == {"anyOf": [{"type": "string", "pattern": r"^-?\d+$"},
                                            {"type": "integer", "format": "int64"}, {"type": "null"}]}
    assert given(page, "moment") == {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "integer"}]}
    assert given(page, "title") == output(page, "title")
    assert given(page, "secret") == output(page, "secret")
    # media: ids or documentIds, lists of them when multiple, or connect/disconnect/set; null clears
    one_file, files, moves, null = given(page, "gallery")["anyOf"]
    assert files == {"type": "array", "items": one_file} and null == {"type": "null"}
    assert {"type": "integer", "minimum": 0} in one_file["anyOf"]
    assert set(moves["properties"]) == {"connect", "disconnect", "set"}
    assert given(page, "cover") == {"anyOf": [one_file, moves, {"type": "null"}]}
    # relations: documentIds, ids, objects naming one, lists, or connect/disconnect/set; null clears a to-one
    one, items, moves, null = given(page, "author")["anyOf"]
    assert null == {"type": "null"}
    assert one["anyOf"][:2] == [{"type": "string", "minLength": 1}, {"type": "integer", "minimum": 0}]
    assert items == {"type": "array", "items": one, "maxItems": 1}
    assert "maxItems" not in given(page, "readers")["anyOf"][1]
    assert set(moves["properties"]) == {"connect", "disconnect", "set"}
    # components: the same references as in output
    assert given(page, "links") == output(page, "links")


def test_refs_are_pluggable(page):
    class Named:
        def entry(self, uid):
            return {"$ref": f"#/entries/{uid}"}

        def component(self, uid):
            return {"$ref": f"#/parts/{uid}"}

    attr = page.attributes["readers"]
    assert attr.field.json_schema(attr, Named()) == {"type": "array", "items": {"$ref": "#/entries/api::person.person"}}
    attr = page.attributes["seo"]
    assert attr.field.json_schema(attr, Named())["anyOf"][0] == {"$ref": "#/parts/shared.seo"}
