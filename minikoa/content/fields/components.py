"""Component field types: component (one, or a repeatable list) and dynamiczone (a list of any of several).

Their instances are kept as JSON in a column of the row, each with an ``id``
the document service gives it; validation checks each instance against its
component's schema through the validation run, which walks models.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ...db import ColumnType
from .base import INVALID, MISSING, AttributeView, Checks, ErrorPath, FieldType, Storage
from .js import js_integer, js_number
from .jsonschema import JSONSchema, SchemaRefs
from .jsonvalues import decode_json

__all__ = ["ComponentField", "DynamicZoneField"]


class _Nested(FieldType):
    """What both share: JSON storage, and lists bounded by ``min``/``max``."""

    storage = Storage.COMPONENTS
    column_type = ColumnType.JSON
    from_db = staticmethod(decode_json)

    def to_db(self, value: Any) -> Any:
        return json.dumps(value, ensure_ascii=False)

    def validate_list(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath,
                      check: Callable[[Any, ErrorPath], Any]) -> Any:
        """A repeatable component or dynamic zone: a list within ``min``/``max``, each item checked."""
        if not isinstance(value, list):
            return run.type_error(path, "array", value)
        mark = run.mark()
        least, most = attr.get("min"), attr.get("max")
        # Strapi enforces `min` only on required or non-empty lists.
        if js_integer(least) and (attr.required or value) and len(value) < least:
            run.fail(path, f"field must have at least {js_number(least)} items", value)
        if js_integer(most) and len(value) > most:
            run.fail(path, f"field must have less than or equal to {js_number(most)} items", value)
        items = []
        for i, item in enumerate(value):
            if item is None:
                run.fail((*path, i), "cannot be null.", None)
            else:
                items.append(check(item, (*path, i)))
        return items if run.ok_since(mark) else INVALID

    def list_schema(self, attr: AttributeView, items: JSONSchema) -> JSONSchema:
        schema: JSONSchema = {"type": "array", "items": items}
        least, most = attr.get("min"), attr.get("max")
        if js_integer(most):
            schema["maxItems"] = int(most)
        if js_integer(least) and least > 0:
            if attr.required:
                schema["minItems"] = int(least)
            else:  # as validation: an optional list may be empty
                schema["anyOf"] = [{"maxItems": 0}, {"minItems": int(least)}]
        return schema


class ComponentField(_Nested):
    """``component``: one instance of ``component``, or a list with ``repeatable``."""

    name = "component"

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        uid = attr.component or ""
        if not attr.repeatable:
            return run.component(uid, value, path)
        return self.validate_list(run, attr, value, path, lambda item, at: run.component(uid, item, at))

    def nullable(self, attr: AttributeView, input: bool) -> bool:
        return not attr.repeatable and not attr.required  # a repeatable one is a list, never null

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        one = refs.component(attr.component or "")
        return self.list_schema(attr, one) if attr.repeatable else one


class DynamicZoneField(_Nested):
    """``dynamiczone``: a list of instances of any of ``components``, each naming its ``__component``."""

    name = "dynamiczone"

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        return self.validate_list(run, attr, value, path, lambda item, at: self._item(run, attr, item, at))

    def _item(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        if not isinstance(value, Mapping):
            return run.type_error(path, "object", value)
        uid = value.get("__component")
        at = (*path, "__component")
        if uid is None:
            return run.fail(at, "is a required field", uid if "__component" in value else MISSING)
        if isinstance(uid, (int, float)) and not isinstance(uid, bool):
            uid = js_number(uid)  # yup's string cast
        elif not isinstance(uid, str):
            return run.type_error(at, "string", uid)
        if uid not in attr.components:
            return run.fail(at, f"must be one of the following values: {', '.join(attr.components)}", uid)
        checked = run.component(uid, value, path, extra=("__component",))
        return INVALID if checked is INVALID else {"__component": uid, **checked}

    def nullable(self, attr: AttributeView, input: bool) -> bool:
        return False  # a list, never null

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        # Each item is one of the components, told apart by its `__component`.
        items = [{"allOf": [refs.component(uid), {"type": "object", "properties": {"__component": {"const": uid}},
                                                  "required": ["__component"]}]} for uid in attr.components]
        return self.list_schema(attr, {"oneOf": items})
