"""The field-type registry: registering types and custom fields, and resolving a schema's attributes."""

from __future__ import annotations

import pytest

from minikoa.content.fields import (
    FIELD_TYPES,
    FieldError,
    FieldTypes,
    IntegerField,
    RelationField,
    ScalarField,
    StringField,
)
from minikoa.content.schema import Attribute, SchemaError, Schemas


class Percent(IntegerField):
    name = "percent"


def ctype(**attributes):
    return {"kind": "collectionType", "collectionName": "things",
            "info": {"singularName": "thing", "pluralName": "things"}, "attributes": attributes}


def link(attributes, fields=None, source="thing/schema.json"):
    schemas = Schemas()
    for register in fields or ():
        register(schemas.fields)
    schemas.register("api::thing.thing", ctype(**attributes), source=source)
    schemas.link()
    return schemas["api::thing.thing"]


def test_register_a_type():
    fields = FieldTypes()
    percent = fields.register(Percent())
    assert fields["percent"] is percent and "percent" in fields and fields.get("nope") is None
    with pytest.raises(ValueError, match="'percent' is already registered"):
        fields.register(Percent())
    with pytest.raises(TypeError, match="FieldType instance"):
        fields.register(Percent)  # the class, not an object
    with pytest.raises(ValueError, match="invalid field type name 'customField'"):
        fields.register(type("Bad", (StringField,), {"name": "customField"})())
    with pytest.raises(ValueError, match="'link': a new type is stored in a column"):
        fields.register(type("Link", (RelationField,), {"name": "link"})())


def test_register_custom_fields():
    fields = FIELD_TYPES.copy()
    assert fields.register_custom("global::color", "string") is FIELD_TYPES["string"]
    hex_color = fields.register_custom("plugin::colors.hex", StringField())
    assert fields.custom("plugin::colors.hex") is hex_color
    assert set(fields.custom_fields) == {"global::color", "plugin::colors.hex"}
    with pytest.raises(ValueError, match="already registered"):
        fields.register_custom("global::color", "text")
    with pytest.raises(ValueError, match="invalid custom field uid 'color'"):
        fields.register_custom("color", "string")
    with pytest.raises(ValueError, match="unknown field type 'strng'; did you mean 'string'"):
        fields.register_custom("global::name", "strng")
    with pytest.raises(ValueError, match="builds on a type stored in a column, not 'relation'"):
        fields.register_custom("global::link", RelationField())
    with pytest.raises(ValueError, match="needs the name of the type it builds on, not ''"):
        fields.register_custom("global::nameless", ScalarField())
    assert FIELD_TYPES.custom("global::color") is None  # the copy is its own


def test_each_app_has_its_own_registry():
    one, two = Schemas(), Schemas()
    one.fields.register(Percent())
    assert "percent" in one.fields and "percent" not in two.fields and "percent" not in FIELD_TYPES


def test_attributes_get_their_field_once():
    thing = link({"name": {"type": "string"}, "share": {"type": "percent", "max": 100}},
                 fields=[lambda f: f.register(Percent())])
    share = thing.attributes["share"]
    assert isinstance(share.field, Percent) and share.column == "share" and share.is_scalar
    assert thing.attributes["name"].field is FIELD_TYPES["string"]


def test_custom_field_attributes_take_the_type_they_build_on():
    thing = link({"tint": {"type": "customField", "customField": "global::color", "required": True}},
                 fields=[lambda f: f.register_custom("global::color", "string")])
    tint = thing.attributes["tint"]
    assert tint.type == "string" and tint.custom_field == "global::color" and tint.field is FIELD_TYPES["string"]
    assert tint.options["type"] == "customField" and tint.column == "tint"


@pytest.mark.parametrize("attribute, fields, message", [
    ({"type": "strng"}, [],
     r"thing/schema.json: attribute 'x': unknown attribute type 'strng'; did you mean 'string'\?"),
    ({"type": "customfield"}, [], r"attribute 'x': unknown attribute type 'customfield'; did you mean 'customField'\?"),
    ({"type": "percnt"}, [lambda f: f.register(Percent())],
     r"unknown attribute type 'percnt'; did you mean 'percent'\?"),
    ({"type": "zzz"}, [], r"attribute 'x': unknown attribute type 'zzz'$"),
    ({"type": "customField", "customField": "global::colour"}, [lambda f: f.register_custom("global::color", "string")],
     r"thing/schema.json: attribute 'x': unknown custom field 'global::colour'; did you mean 'global::color'\?"),
    ({"type": "customField", "customField": "global::color"}, [],
     r"attribute 'x': unknown custom field 'global::color' \(no custom field is registered\)"),
    ({"type": "customField"}, [], r"attribute 'x': a customField attribute needs a `customField` uid"),
    ({"type": "customField", "customField": "global::n", "maxLength": "9"},
     [lambda f: f.register_custom("global::n", "string")], r"attribute 'x': maxLength must be a number, not '9'"),
])
def test_unknown_types_and_custom_fields_name_file_attribute_and_closest(attribute, fields, message):
    with pytest.raises(SchemaError, match=message):
        link({"x": attribute}, fields=fields)


@pytest.mark.parametrize("attribute, message", [
    ({"type": "integer", "min": "0"}, "min must be a number, not '0'"),
    ({"type": "string", "regex": "("}, "invalid regex '\\('"),
    ({"type": "enumeration", "enum": []}, "an enumeration needs a non-empty `enum` list of strings"),
    ({"type": "enumeration", "enum": ["a", 1]}, "an enumeration needs"),
    ({"type": "uid", "targetField": "count"}, "targetField 'count' must name a string or text attribute"),
])
def test_schema_checks_of_each_type(attribute, message):
    with pytest.raises(SchemaError, match=f"thing/schema.json: attribute 'x': {message}"):
        link({"x": attribute, "count": {"type": "integer"}})


def test_field_checks_raise_field_error_without_location():
    parent = Schemas()["plugin::upload.file"]
    with pytest.raises(FieldError, match="^maxLength must be a number"):
        FIELD_TYPES["string"].check(Attribute("x", {"type": "string", "maxLength": []}, parent))


def test_uid_target_may_be_a_custom_text_field():
    thing = link({"slug": {"type": "uid", "targetField": "title"},
                  "title": {"type": "customField", "customField": "global::title"}},
                 fields=[lambda f: f.register_custom("global::title", "text")])
    assert thing.attributes["slug"].get("targetField") == "title"
