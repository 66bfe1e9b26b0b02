"""Each field type's storage: column types, what is written, what is read back."""

from __future__ import annotations

import inspect
import json

import pytest

from minikoa.content.fields import FIELD_TYPES, Storage
from minikoa.content.passwords import is_hash, verify_password
from minikoa.db import ColumnType

COLUMNS = {
    "string": ColumnType.TEXT, "text": ColumnType.TEXT, "richtext": ColumnType.TEXT, "email": ColumnType.TEXT,
    "password": ColumnType.TEXT, "uid": ColumnType.TEXT, "enumeration": ColumnType.TEXT,
    "blocks": ColumnType.JSON, "json": ColumnType.JSON, "integer": ColumnType.INTEGER,
    "biginteger": ColumnType.BIGINT, "float": ColumnType.FLOAT, "decimal": ColumnType.DECIMAL,
    "boolean": ColumnType.BOOLEAN, "date": ColumnType.DATE, "time": ColumnType.TIME,
    "datetime": ColumnType.DATETIME, "timestamp": ColumnType.DATETIME,
}


def test_every_strapi_type_is_registered_once():
    assert set(FIELD_TYPES) == {*COLUMNS, "media", "relation", "component", "dynamiczone"}
    for name in FIELD_TYPES:
        assert FIELD_TYPES[name].name == name


@pytest.mark.parametrize("name, column", COLUMNS.items())
def test_column_types(name, column):
    field = FIELD_TYPES[name]
    assert field.storage is Storage.COLUMN and field.column_type is column


def test_other_storage():
    assert FIELD_TYPES["relation"].storage is Storage.LINKS and FIELD_TYPES["relation"].column_type is None
    assert FIELD_TYPES["media"].storage is Storage.LINKS
    assert FIELD_TYPES["media"].column_type is ColumnType.JSON  # file ids inside a component's JSON
    for name in ("component", "dynamiczone"):
        assert FIELD_TYPES[name].storage is Storage.COMPONENTS and FIELD_TYPES[name].column_type is ColumnType.JSON


@pytest.mark.parametrize("name, value, stored, read", [
    ("boolean", True, 1, True), ("boolean", False, 0, False),
    ("json", {"a": [1, "é"]}, '{"a": [1, "é"]}', {"a": [1, "é"]}),
    ("blocks", [{"type": "paragraph"}], '[{"type": "paragraph"}]', [{"type": "paragraph"}]),
    ("component", {"id": 1, "t": "x"}, '{"id": 1, "t": "x"}', {"id": 1, "t": "x"}),
    ("biginteger", 2**62, 2**62, str(2**62)),
    ("string", "x", "x", "x"), ("integer", 4, 4, 4), ("float", 1.5, 1.5, 1.5),
    ("datetime", "2026-01-02T03:04:05.000Z", "2026-01-02T03:04:05.000Z", "2026-01-02T03:04:05.000Z"),
])
def test_stored_and_read_back(name, value, stored, read):
    field = FIELD_TYPES[name]
    assert field.to_db(value) == stored
    decode = field.from_db
    assert (stored if decode is None else decode(stored)) == read


def test_decoders_are_plain_functions_or_none():
    """Row decoding calls these once per value: no bound methods on the hot path."""
    for name in FIELD_TYPES:
        for decoder in (FIELD_TYPES[name].from_db, FIELD_TYPES[name].from_json):
            assert decoder is None or not inspect.ismethod(decoder)
    assert FIELD_TYPES["boolean"].from_db is bool and FIELD_TYPES["biginteger"].from_json is str
    assert FIELD_TYPES["json"].from_json is None  # already decoded inside a component's JSON


def test_json_text_that_is_not_json_reads_as_it_is():
    assert FIELD_TYPES["json"].from_db("{nope") == "{nope"
    assert json.loads(FIELD_TYPES["json"].to_db("é")) == "é"


def test_passwords_are_hashed_once_and_never_read():
    field = FIELD_TYPES["password"]
    stored = field.to_db("secret")
    assert is_hash(stored) and verify_password("secret", stored)
    assert field.to_db(stored) == stored  # a copied row keeps its hash
    assert field.write_only and not FIELD_TYPES["string"].write_only
