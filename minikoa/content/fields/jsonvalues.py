"""JSON-valued field types: json (any JSON value) and blocks (Strapi's rich-text nodes).

Both are kept as JSON text in their column and decoded when read. Filters
compare them as text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from ...db import ColumnType
from .base import INVALID, AttributeView, Checks, ErrorPath, ScalarField
from .jsonschema import JSONSchema, SchemaRefs

__all__ = ["JsonField", "BlocksField", "decode_json", "jsonable", "BLOCK_TYPES"]

#: The node types a blocks value may hold at its top level.
BLOCK_TYPES = ("paragraph", "heading", "quote", "list", "image", "code")
_BLOCK_TYPES = frozenset(BLOCK_TYPES)


def decode_json(value: Any) -> Any:
    """A JSON column's value decoded (text that is not JSON is returned as it is)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def jsonable(value: Any) -> bool:
    """Whether ``value`` is made of JSON types only (finite numbers, string keys); no recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            if not all(isinstance(k, str) for k in item):
                return False
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, float):
            if not math.isfinite(item):
                return False
        elif item is not None and not isinstance(item, (str, int, bool)):
            return False
    return True


class JsonField(ScalarField):
    """``json``: any JSON value."""

    name = "json"
    column_type = ColumnType.JSON
    from_db = staticmethod(decode_json)
    # inside a component's JSON the value is already decoded: from_json stays None

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        if not jsonable(value):
            return run.fail(path, "must be a JSON value")
        return value

    def to_db(self, value: Any) -> Any:
        return json.dumps(value, ensure_ascii=False)

    def nullable(self, attr: AttributeView, input: bool) -> bool:
        return False  # the empty schema takes null already

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        return {}


class BlocksField(JsonField):
    """``blocks``: a list of nodes of known types; their content is not checked deeply."""

    name = "blocks"

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        if not isinstance(value, list):
            return run.type_error(path, "array", value)
        mark = run.mark()
        if not jsonable(value):
            run.fail(path, "must be a JSON value")
        for i, node in enumerate(value):
            if not isinstance(node, Mapping) or not isinstance(node.get("type"), str) \
                    or node["type"] not in _BLOCK_TYPES:
                run.fail((*path, i), "Block node is of invalid type", node, labelled=False)
        return value if run.ok_since(mark) else INVALID

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        node = {"type": "object", "properties": {"type": {"enum": list(BLOCK_TYPES)}}, "required": ["type"]}
        return {"type": "array", "items": node}
