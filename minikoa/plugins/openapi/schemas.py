"""The ``components.schemas`` of the OpenAPI document: entries, inputs and components, from the schemas.

Each content-type gives two schemas, named by ``Refs`` (the uid with ``::``
as ``.``): the entry as the REST API answers it (``api.article.article``:
``id``, ``documentId``, every public attribute, the system fields; relations,
media and components only when populated, so nothing but the ids is
required) and what a write's ``data`` takes (``api.article.article.input``:
every writable attribute; the create's request body adds which are
required, as an update may give any). Components get the same pair. Attribute schemas come from the field-type registry
(``FieldType.json_schema``), so a custom field documents itself.

Schemas leave ``additionalProperties`` open on entries (a plugin or a
controller may add keys, as the upload API adds ``isUrlSigned``) and closed on
inputs (an unknown key is a 400).
"""

from __future__ import annotations

from typing import Any

from ...content.fields import Refs
from ...content.privacy import shown, system_nameable
from ...content.schema import Component, ContentType, Schemas

__all__ = ["Names", "model_schemas", "required_on_create", "ERROR", "PAGINATION"]

JSONSchema = dict[str, Any]
_TIMESTAMP: JSONSchema = {"type": "string", "format": "date-time"}
_NULLABLE_TIMESTAMP: JSONSchema = {"type": ["string", "null"], "format": "date-time"}

#: Strapi's error answer: ``{"data": null, "error": {...}}``.
ERROR: JSONSchema = {
    "type": "object", "required": ["data", "error"],
    "properties": {
        "data": {"type": "null"},
        "error": {"type": "object", "required": ["status", "name", "message"], "properties": {
            "status": {"type": "integer"}, "name": {"type": "string"}, "message": {"type": "string"},
            "details": {}}},
    },
}
#: ``meta.pagination`` of a list: by page or by offset.
PAGINATION: JSONSchema = {"anyOf": [
    {"type": "object", "required": ["page", "pageSize", "pageCount"], "properties": {
        "page": {"type": "integer"}, "pageSize": {"type": "integer"}, "pageCount": {"type": "integer"},
        "total": {"type": "integer"}}},
    {"type": "object", "required": ["start", "limit"], "properties": {
        "start": {"type": "integer"}, "limit": {"type": "integer"}, "total": {"type": "integer"}}},
]}


class Names(Refs):
    """``$ref`` names: entries and components as ``Refs`` names them, inputs with ``.input``."""

    def input(self, uid: str) -> JSONSchema:
        return {"$ref": f"{self.prefix}{self.name(uid)}.input"}


class _InputRefs(Names):
    """Inside an input, a component is its input schema."""

    def component(self, uid: str) -> JSONSchema:
        return self.input(uid)


def _output(model: ContentType | Component, names: Names) -> JSONSchema:
    properties: JSONSchema = {"id": {"type": "integer"}}
    if isinstance(model, ContentType):
        properties["documentId"] = {"type": "string"}
    for attr in model:
        if shown(attr, public=True):
            properties[attr.name] = attr.field.json_schema(attr, names)
    if isinstance(model, ContentType):
        for key, schema in (("createdAt", _TIMESTAMP), ("updatedAt", _TIMESTAMP),
                            ("publishedAt", _NULLABLE_TIMESTAMP)):
            if system_nameable(model, key, public=True):
                properties[key] = schema
    required = ["id", "documentId"] if isinstance(model, ContentType) else []
    out: JSONSchema = {"type": "object", "properties": properties}
    if required:
        out["required"] = required
    return out


def _input(model: ContentType | Component, names: Names) -> JSONSchema:
    refs = _InputRefs(names.prefix)
    properties: JSONSchema = {}
    for attr in model:
        properties[attr.name] = attr.field.json_schema(attr, refs, input=True)
    if isinstance(model, Component):
        properties["id"] = {"type": "integer"}  # an existing instance, kept by id
    out: JSONSchema = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [attr.name for attr in model if attr.required and not attr.is_linked]
    if isinstance(model, Component) and required:
        out["required"] = required  # a component instance is written whole
    return out


def required_on_create(model: ContentType) -> list[str]:
    """The attributes a create must give (an update gives any of them)."""
    return [attr.name for attr in model if attr.required and not attr.is_linked]


def model_schemas(schemas: Schemas, names: Names) -> dict[str, JSONSchema]:
    """Every content-type's and component's entry and input schema, by name."""
    found: dict[str, JSONSchema] = {}
    models: list[ContentType | Component] = [*schemas.types.values(), *schemas.components.values()]
    for model in models:
        name = names.name(model.uid)
        found[name] = _output(model, names)
        found[f"{name}.input"] = _input(model, names)
    return found
