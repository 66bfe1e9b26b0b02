"""Linked field types: relation and media, kept in link tables rather than in the row.

A body gives their targets by id; validation checks only the shape (whether
the targets exist is the document service's business, in the database).
Relations take documentIds, ids, lists of them, or ``connect`` /
``disconnect`` / ``set``; media take file ids, as ``n`` or ``{"id": n}``.
Populated, they are whole entries of the target content-type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...db import ColumnType
from .base import INVALID, AttributeView, Checks, ErrorPath, FieldType, Storage
from .jsonschema import JSONSchema, SchemaRefs

__all__ = ["RelationField", "MediaField", "FILE_UID"]

#: Media attributes point at uploaded-file records of this built-in type.
FILE_UID = "plugin::upload.file"

_MOVES = ("connect", "disconnect", "set")


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class RelationField(FieldType):
    """``relation``: documents of another content-type, by documentId."""

    name = "relation"
    storage = Storage.LINKS
    column_type = None

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        """Only the shape: ids, lists of them, or connect/disconnect/set; passed through unchanged."""
        mark = run.mark()
        if isinstance(value, list):
            for i, item in enumerate(value):
                self._item(run, item, (*path, i))
            self._to_one(run, attr, value, path)
        elif isinstance(value, Mapping) and value.keys() & set(_MOVES):
            for key, items in value.items():
                if key not in _MOVES:
                    run.invalid_key(path, key)
                elif isinstance(items, list):
                    for i, item in enumerate(items):
                        self._item(run, item, (*path, key, i), positioned=key != "disconnect")
                    if key != "disconnect":
                        self._to_one(run, attr, items, (*path, key))
                elif items is not None:
                    self._item(run, items, (*path, key), positioned=key != "disconnect")
        else:
            self._item(run, value, path)
        return value if run.ok_since(mark) else INVALID

    def _item(self, run: Checks, item: Any, path: ErrorPath, positioned: bool = False) -> None:
        """A documentId, an id, or ``{"documentId"|"id": ..., "position"?, "locale"?, "status"?}``."""
        if isinstance(item, str) and item or _is_id(item):
            return
        if isinstance(item, Mapping):
            document_id, item_id = item.get("documentId"), item.get("id")
            allowed = {"documentId", "id", "locale", "status"} | ({"position"} if positioned else set())
            unknown = [k for k in item if k not in allowed]
            position = item.get("position")
            if ((isinstance(document_id, str) and document_id or _is_id(item_id)) and not unknown
                    and (position is None or isinstance(position, Mapping))):
                return
        run.fail(path, "must be a documentId, an id, or an object with a documentId or an id", item)

    def _to_one(self, run: Checks, attr: AttributeView, items: list[Any], path: ErrorPath) -> None:
        if not attr.many and len(items) > 1:
            run.fail(path, f"accepts one relation ({attr.relation}), not {len(items)}", items)

    def nullable(self, attr: AttributeView, input: bool) -> bool:
        return input or not attr.many  # a to-many side reads as a list, possibly empty

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        if input:
            return _relation_input(attr.many)
        entry = refs.entry(attr.target or "")
        return {"type": "array", "items": entry} if attr.many else entry


def _relation_input(many: bool) -> JSONSchema:
    """What a body may send for a relation: ids, objects naming one, lists, or connect/disconnect/set."""
    reference: JSONSchema = {"type": "object", "properties": {
        "documentId": {"type": "string", "minLength": 1}, "id": {"type": "integer", "minimum": 0},
        "locale": {"type": "string"}, "status": {"enum": ["draft", "published"]},
    }, "anyOf": [{"required": ["documentId"]}, {"required": ["id"]}], "additionalProperties": False}
    positioned = {**reference, "properties": {**reference["properties"], "position": {"type": "object"}}}
    one = {"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer", "minimum": 0}, reference]}
    one_positioned = {"anyOf": [*one["anyOf"][:2], positioned]}
    items: JSONSchema = {"type": "array", "items": one}
    if not many:
        items["maxItems"] = 1
    moves = {"type": "object", "properties": {
        "connect": {"anyOf": [{**items, "items": one_positioned}, one_positioned]},
        "set": {"anyOf": [{**items, "items": one_positioned}, one_positioned]},
        "disconnect": {"anyOf": [{"type": "array", "items": one}, one]},
    }, "minProperties": 1, "additionalProperties": False}
    return {"anyOf": [one, items, moves]}


class MediaField(FieldType):
    """``media``: uploaded files (``multiple`` for a list); inside a component, file ids in its JSON."""

    name = "media"
    storage = Storage.LINKS
    #: the column a media attribute has inside a component's JSON (content-types get a link table)
    column_type = ColumnType.JSON

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        """File ids: an id or ``{"id": n}``, a list of them when ``multiple``; normalised to ints."""
        multiple = bool(attr.get("multiple"))
        if isinstance(value, list):
            if not multiple:
                return run.fail(path, "accepts one file, not a list", value)
            ids = [self._file_id(run, item, (*path, i)) for i, item in enumerate(value)]
            return INVALID if INVALID in ids else ids
        file_id = self._file_id(run, value, path)
        if file_id is INVALID:
            return INVALID
        return [file_id] if multiple else file_id

    def _file_id(self, run: Checks, item: Any, path: ErrorPath) -> Any:
        if isinstance(item, Mapping):  # {"id": n}, or a whole file record sent back
            item = item.get("id")
        if isinstance(item, str) and len(item) < 20 and re.fullmatch(r"\d+", item):  # length first: no 1 MB scan
            item = int(item)
        if _is_id(item):
            return item
        return run.fail(path, "must be a file id or an object with an id", item)

    def nullable(self, attr: AttributeView, input: bool) -> bool:
        return input or not attr.many

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        if input:
            one = {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": r"^\d{1,19}$"},
                             {"type": "object", "properties": {"id": {"type": "integer", "minimum": 0}},
                              "required": ["id"]}]}
            return {"anyOf": [one, {"type": "array", "items": one}]} if attr.get("multiple") else one
        entry = refs.entry(FILE_UID)
        return {"type": "array", "items": entry} if attr.many else entry
