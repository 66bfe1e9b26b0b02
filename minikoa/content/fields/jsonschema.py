"""JSON Schema (2020-12, as OpenAPI 3.1 uses) for attribute values: the pieces field types share.

A field type describes one value (``{"type": "string", "format": "email"}``);
relations, media and components point at other models through a
``SchemaRefs``, so the document that holds every schema (the OpenAPI
document) decides how those are named. ``Refs`` is the plain naming:
``#/components/schemas/<uid with "::" as ".">``, so ``api::article.article``
is ``api.article.article`` and the component ``shared.seo`` stays
``shared.seo`` (the two never clash: content-type uids have a prefix,
component uids do not).
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["JSONSchema", "SchemaRefs", "Refs", "nullable", "bounded"]

#: A JSON Schema object (keywords to values).
JSONSchema = dict[str, Any]


class SchemaRefs(Protocol):
    """Where the schemas of whole models are: one reference per content-type entry or component."""

    def entry(self, uid: str) -> JSONSchema:
        """The schema (usually a ``$ref``) of one entry of content-type ``uid``."""
        ...

    def component(self, uid: str) -> JSONSchema:
        """The schema (usually a ``$ref``) of one instance of component ``uid``."""
        ...


class Refs:
    """``$ref``s to ``<prefix><name>``, the name being the uid with ``::`` written as ``.``."""

    def __init__(self, prefix: str = "#/components/schemas/") -> None:
        self.prefix = prefix

    def name(self, uid: str) -> str:
        return uid.replace("::", ".")

    def entry(self, uid: str) -> JSONSchema:
        return {"$ref": self.prefix + self.name(uid)}

    def component(self, uid: str) -> JSONSchema:
        return {"$ref": self.prefix + self.name(uid)}


def nullable(schema: JSONSchema) -> JSONSchema:
    """``schema`` that also accepts ``null``: a type list where that is exact, else an ``anyOf``."""
    kind = schema.get("type")
    if isinstance(kind, str) and "$ref" not in schema:
        out = {**schema, "type": [kind, "null"]}
        if "enum" in schema:
            out["enum"] = [*schema["enum"], None]
        return out
    if schema.keys() == {"anyOf"}:  # one more alternative, not one more level
        return {"anyOf": [*schema["anyOf"], {"type": "null"}]}
    return {"anyOf": [schema, {"type": "null"}]}


def bounded(schema: JSONSchema, low_key: str, low: Any, high_key: str, high: Any) -> JSONSchema:
    """``schema`` with the two limits added when each is a number (JSON Schema has no use for others)."""
    for key, value in ((low_key, low), (high_key, high)):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            schema[key] = value
    return schema
