"""Linked field types: relation and media, kept in link tables rather than in the row.

A body gives their targets by id; validation checks only the shape (whether
the targets exist is the document service's business, in the database).
Relations take documentIds, ids, lists of them, or ``connect`` /
``disconnect`` / ``set``; media take file ids (``n`` or ``{"id": n}``) and,
on a content-type, documentIds and the same moves.
Populated, they are whole entries of the target content-type.
"""

from __future__ import annotations

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
        """Files by id (``n``, ``"n"``, ``{"id": n}``), normalised to ints, a list of them when ``multiple``.

        On a content-type (link tables) a file may also be named by its documentId (``"abc..."``,
        ``{"documentId": ...}``), and a multiple field takes ``connect``/``disconnect``/``set`` as a
        relation does (``connect`` on a single one sets it); inside a component, ids only.
        """
        multiple = bool(attr.get("multiple"))
        linked = "::" in attr.parent.uid
        if linked and isinstance(value, Mapping) and value.keys() & set(_MOVES):
            moves: dict[str, Any] = {}
            for key, items in value.items():
                if key not in _MOVES:
                    run.invalid_key(path, key)
                    continue
                listed = items if isinstance(items, list) else [] if items is None else [items]
                refs = [self._file_ref(run, item, (*path, key, i), linked) for i, item in enumerate(listed)]
                moves[key] = [{"id": r} if isinstance(r, int) else {"documentId": r} for r in refs]
            if any(INVALID in refs for refs in moves.values()):
                return INVALID
            return moves
        if isinstance(value, list):
            if not multiple:
                return run.fail(path, "accepts one file, not a list", value)
            ids = [self._file_ref(run, item, (*path, i), linked) for i, item in enumerate(value)]
            return INVALID if INVALID in ids else ids
        file_id = self._file_ref(run, value, path, linked)
        if file_id is INVALID:
            return INVALID
        return [file_id] if multiple else file_id

    def _file_ref(self, run: Checks, item: Any, path: ErrorPath, linked: bool) -> Any:
        if isinstance(item, Mapping):  # {"id": n}, {"documentId": ...}, or a whole file record sent back
            item = item.get("id") if "id" in item or not linked else item.get("documentId")
        if isinstance(item, str) and 0 < len(item) < 20 and item.isascii() and item.isdigit():
            item = int(item)
        if _is_id(item):
            return item
        if linked and isinstance(item, str) and 0 < len(item) <= 64:
            return item
        return run.fail(path, "must be a file id or an object with an id", item)

    def nullable(self, attr: AttributeView, input: bool) -> bool:
        return input or not attr.many

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        if input:
            by_id = {"type": "object", "properties": {"id": {"type": "integer", "minimum": 0}}, "required": ["id"]}
            one: JSONSchema = {"anyOf": [{"type": "integer", "minimum": 0},
                                         {"type": "string", "pattern": r"^[0-9]{1,19}$"}, by_id]}
            if "::" in attr.parent.uid:  # a content-type's media also take documentIds and moves
                by_document = {"type": "object", "properties": {"documentId": {"type": "string", "minLength": 1}},
                               "required": ["documentId"]}
                one = {"anyOf": [*one["anyOf"], {"type": "string", "minLength": 1, "maxLength": 64}, by_document]}
                listed = {"anyOf": [one, {"type": "array", "items": one}]}
                moves = {"type": "object", "properties": {k: listed for k in _MOVES}, "minProperties": 1,
                         "additionalProperties": False}
                return {"anyOf": [one, {"type": "array", "items": one}, moves]} if attr.get("multiple") \
                    else {"anyOf": [one, moves]}
            return {"anyOf": [one, {"type": "array", "items": one}]} if attr.get("multiple") else one
        entry = refs.entry(FILE_UID)
        return {"type": "array", "items": entry} if attr.many else entry
