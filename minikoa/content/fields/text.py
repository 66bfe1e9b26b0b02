"""Text-like field types: string, text, richtext, email, password, uid, enumeration.

All are stored as text and filtered as text. Validation is yup's string
schema as Strapi builds it: a string (no cast from numbers, except for
enumerations), then every test at once (``minLength``, ``maxLength``,
``regex``, and the type's own), so one value can fail several.
"""

from __future__ import annotations

import re
from typing import Any

from ...db import ColumnType
from ..passwords import hash_password, is_hash
from .base import INVALID, AttributeView, Checks, ErrorPath, FieldError, ScalarField
from .js import js_integer, js_length, js_number, js_regex
from .jsonschema import JSONSchema, SchemaRefs, bounded

__all__ = ["StringField", "TextField", "RichTextField", "EmailField", "PasswordField", "UidField",
           "EnumerationField"]

UID_PATTERN = "^[A-Za-z0-9-_.~]*$"
# Both are used with fullmatch: Python's ``$`` also matches before a final newline, which
# JavaScript's does not, so ``match`` would take "slug\n" where Strapi refuses it.
# Both run in linear time: each quantified part ends where a character it cannot hold must come.
_UID = re.compile(UID_PATTERN)
# local@domain.tld: dot-separated atoms of the characters RFC 5322 allows unquoted.
_EMAIL = re.compile(r"^[\w!#$%&'*+/=?^`{|}~-]+(\.[\w!#$%&'*+/=?^`{|}~-]+)*"
                    r"@([^\W_]([\w-]*[^\W_])?\.)+[^\W\d_]{2,}$")


class StringField(ScalarField):
    """``string``: a short text, with ``minLength``, ``maxLength`` and ``regex``."""

    name = "string"
    yup_type = "string"
    column_type = ColumnType.TEXT

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        if not isinstance(value, str):
            return run.type_error(path, "string", value)
        mark = run.mark()
        self.test(run, attr, value, path)
        return value if run.ok_since(mark) else INVALID

    def test(self, run: Checks, attr: AttributeView, value: str, path: ErrorPath) -> None:
        """yup's string tests, each reporting its own error; subclasses add theirs after these."""
        length = js_length(value)
        least, most = attr.get("minLength"), attr.get("maxLength")
        if js_integer(least) and least and length < least and not run.draft:
            run.fail(path, f"must be at least {js_number(least)} characters", value)
        if js_integer(most) and most and length > most:
            run.fail(path, f"must be at most {js_number(most)} characters", value)
        regex = attr.get("regex")
        # an empty string passes `regex` unless the attribute is required
        if regex is not None and (value or attr.required) and not re.search(regex, value):
            run.fail(path, f'must match the following: "{js_regex(regex)}"', value)

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        schema = bounded({"type": "string"}, "minLength", attr.get("minLength"), "maxLength", attr.get("maxLength"))
        if attr.get("regex") is not None:
            schema["pattern"] = attr.get("regex")
        return schema


class TextField(StringField):
    """``text``: a long text."""

    name = "text"


class RichTextField(StringField):
    """``richtext``: Markdown text."""

    name = "richtext"

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        return {**super().value_schema(attr, refs, input), "contentMediaType": "text/markdown"}


class EmailField(StringField):
    """``email``: an address, never empty."""

    name = "email"

    def test(self, run: Checks, attr: AttributeView, value: str, path: ErrorPath) -> None:
        super().test(run, attr, value, path)
        if value and not _EMAIL.fullmatch(value):
            run.fail(path, "must be a valid email", value)
        if not value:
            run.fail(path, "cannot be empty", value)

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        schema = super().value_schema(attr, refs, input)
        return {**schema, "minLength": max(1, schema.get("minLength", 1)), "format": "email"}  # never empty


class PasswordField(StringField):
    """``password``: stored as a salted hash (see ``minikoa.content.passwords``), never read back."""

    name = "password"
    write_only = True

    def to_db(self, value: Any) -> Any:
        # A value that is already a hash (a row copied on publish) is kept, not hashed twice.
        return value if is_hash(value) else hash_password(value)

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        return {**super().value_schema(attr, refs, input), "writeOnly": True}


class UidField(StringField):
    """``uid``: a URL-safe identifier, unique, filled from ``targetField`` when required and left out."""

    name = "uid"

    def check(self, attr: AttributeView) -> None:
        super().check(attr)
        target = attr.get("targetField")
        if target is not None:
            other = attr.parent.attributes.get(target)
            if other is None or other.type not in ("string", "text"):
                raise FieldError(f"targetField {target!r} must name a string or text attribute")

    def test(self, run: Checks, attr: AttributeView, value: str, path: ErrorPath) -> None:
        super().test(run, attr, value, path)
        if not _UID.fullmatch(value):
            run.fail(path, f'must match the following: "/{UID_PATTERN}/"', value)

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        schema = super().value_schema(attr, refs, input)
        if "pattern" in schema:  # both must hold
            return {"allOf": [schema, {"pattern": UID_PATTERN}]}
        return {**schema, "pattern": UID_PATTERN}


class EnumerationField(ScalarField):
    """``enumeration``: one of the strings of ``enum``."""

    name = "enumeration"
    yup_type = "string"
    column_type = ColumnType.TEXT

    def check(self, attr: AttributeView) -> None:
        super().check(attr)
        values = attr.get("enum")
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise FieldError("an enumeration needs a non-empty `enum` list of strings")

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        # No preventCast here in Strapi: yup's string cast turns 1 into "1", true into "true".
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = js_number(value)
        elif not isinstance(value, str):
            return run.type_error(path, "string", value)
        allowed = [str(v) for v in attr.get("enum") or ()]
        if value not in allowed:
            # Strapi adds null to the allowed values, which yup prints as an empty last item.
            return run.fail(path, f"must be one of the following values: {', '.join([*allowed, ''])}", value)
        return value

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        return {"type": "string", "enum": list(attr.get("enum") or ())}
