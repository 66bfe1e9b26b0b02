"""The field-type seam: what one attribute type knows, and what it sees of the rest of minikoa.

Each attribute type of a Strapi schema (``string``, ``integer``,
``relation``...) is one ``FieldType`` object, found in a ``FieldTypes``
registry when the schemas are linked and kept on the attribute
(``attr.field``). It knows:

* its storage: a column (``storage`` COLUMN, with a neutral ``column_type``
  each database dialect maps to SQL), component instances as JSON in a
  column (COMPONENTS), or link tables (LINKS);
* the checks of its schema options at load time (``check``, raising
  FieldError, which the schema loader prefixes with the file and attribute);
* how a filter value is cast to what the column stores (``cast``, raising
  BadValue, which the filter compiler turns into a 400 naming the key);
* how a request body's value is validated, with Strapi's (yup's) messages
  (``validate``, reporting through the validation run it is given);
* how a value is stored (``to_db``) and read back from its column
  (``from_db``) or from a component's JSON (``from_json``): these two are
  plain functions, or None where the value reads back as stored, since
  they run once per value of every row read;
* its JSON Schema, for output and for input (``json_schema``).

Nothing here imports the schema module: a field type sees attributes and
models through the ``AttributeView`` and ``ModelView`` protocols, and the
validation run through ``Checks``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ...db import ColumnType
from .js import is_number
from .jsonschema import JSONSchema, SchemaRefs, nullable

__all__ = [
    "FieldType", "ScalarField", "Storage", "BadValue", "FieldError", "AttributeView", "ModelView", "Checks",
    "ErrorPath", "Decoder", "INVALID", "MISSING", "cast_text",
]

#: Where a value is in the submitted data: keys and list indexes.
ErrorPath = tuple[Any, ...]
#: A stored value -> the value in API output.
Decoder = Callable[[Any], Any]


class Storage(enum.Enum):
    """Where an attribute's values live."""

    #: a column of the row: selectable in ``fields``, filterable and sortable
    COLUMN = "column"
    #: component instances, as JSON in a column of the row
    COMPONENTS = "components"
    #: link tables (relations, media; media inside a component keep file ids in its JSON)
    LINKS = "links"


class BadValue(Exception):
    """A filter value that cannot be cast to what the column stores."""


class FieldError(ValueError):
    """A schema option a field type cannot use (the message says which; the loader adds where)."""


class _Sentinel:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


#: No ``value`` key in a validation error (yup's ``undefined``).
MISSING: Any = _Sentinel("MISSING")
#: What a validation returns once it has reported an error.
INVALID: Any = _Sentinel("INVALID")


class ModelView(Protocol):
    """A content-type or component, as a field type sees it."""

    @property
    def uid(self) -> str: ...

    @property
    def attributes(self) -> Mapping[str, AttributeView]: ...


class AttributeView(Protocol):
    """One attribute of a schema, as a field type sees it (``minikoa.content.schema.Attribute``)."""

    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def parent(self) -> ModelView: ...

    @property
    def required(self) -> bool: ...

    # Relations: their kind (``manyToOne``...); relations and media: whether this side holds a
    # list, and the uid of the content-type they point at.
    @property
    def relation(self) -> str | None: ...

    @property
    def many(self) -> bool: ...

    @property
    def target(self) -> str | None: ...

    # Components: the component's uid and whether it repeats; dynamic zones: their components.
    @property
    def component(self) -> str | None: ...

    @property
    def repeatable(self) -> bool: ...

    @property
    def components(self) -> tuple[str, ...]: ...

    def get(self, key: str, default: Any = None) -> Any:
        """A schema option (``maxLength``, ``enum``...)."""
        ...


class Checks(Protocol):
    """One validation run, as a field type reports to it (``minikoa.content.validation``)."""

    #: a draftAndPublish draft: ``required`` and ``minLength`` wait until publishing
    @property
    def draft(self) -> bool: ...

    def fail(self, path: ErrorPath, message: str, value: Any = MISSING, *, labelled: bool = True) -> Any:
        """Record an error (yup's path label before ``message`` when ``labelled``); returns INVALID."""
        ...

    def type_error(self, path: ErrorPath, type_name: str, original: Any, final: Any = MISSING) -> Any:
        """Record yup's typeError; ``final`` is the cast value when it differs. Returns INVALID."""
        ...

    def invalid_key(self, path: ErrorPath, key: Any) -> Any:
        """Record Strapi's ``Invalid key <key>`` for a key ``path`` does not take. Returns INVALID."""
        ...

    def format_error(self, message: str) -> Any:
        """Record a value Strapi's validator lets through and its storage step refuses (a date it
        cannot parse): a 400 with ``message`` and empty details, if nothing else failed. Returns INVALID."""
        ...

    def mark(self) -> int:
        """A mark to pass to ``ok_since``."""
        ...

    def ok_since(self, mark: int) -> bool:
        """No error was recorded since ``mark``."""
        ...

    def component(self, uid: str, value: Any, path: ErrorPath, extra: tuple[str, ...] = ()) -> Any:
        """Validate one component instance (an object of component ``uid``): its values, or INVALID."""
        ...


def cast_text(value: Any) -> str:
    """A filter value compared as text: strings, numbers, and booleans as ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise BadValue


class FieldType:
    """One attribute type. Subclasses set the class attributes and override what differs.

    Instances hold no per-attribute state: one object serves every attribute
    of its type, reading the attribute's options from the ``attr`` it is given.
    """

    #: the type's name in a schema (``"string"``); a custom field names the type it builds on
    name: str = ""
    storage: Storage = Storage.COLUMN
    #: the neutral column type (None: no column, as for relations)
    column_type: ColumnType | None = ColumnType.TEXT
    #: stored but never read back (passwords): absent from entries, write-only in JSON Schema
    write_only: bool = False
    #: column value -> API value, for types whose stored form differs; never given None
    from_db: Decoder | None = None
    #: the same for a value inside a component's JSON
    from_json: Decoder | None = None
    #: the yup schema type Strapi validates this type with, as its typeError names it (``string``)
    yup_type: str = "mixed"

    def check(self, attr: AttributeView) -> None:
        """Check the attribute's schema options; raise FieldError naming the option."""

    def cast(self, value: Any) -> Any:
        """A filter value (query-string text, or a value from code) as the column stores it; BadValue if not."""
        return cast_text(value)

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        """A non-null body value as it is stored, or INVALID after reporting to ``run``."""
        return value

    def to_db(self, value: Any) -> Any:
        """A validated, non-null value as its column stores it."""
        return value

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        """The JSON Schema of a non-null value (``input``: in a request body, else in API output)."""
        return {}

    def nullable(self, attr: AttributeView, input: bool) -> bool:
        """Whether the value may be null in output (or, with ``input``, sent as null)."""
        return not attr.required

    def json_schema(self, attr: AttributeView, refs: SchemaRefs, *, input: bool = False) -> JSONSchema:
        """The JSON Schema (2020-12) of the attribute's value in API output, or with ``input`` in a body."""
        schema = self.value_schema(attr, refs, input)
        return nullable(schema) if self.nullable(attr, input) else schema

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


class ScalarField(FieldType):
    """A value in a column of its own, with the options every such type may have."""

    storage = Storage.COLUMN

    def check(self, attr: AttributeView) -> None:
        for key in ("min", "max", "minLength", "maxLength"):
            value = attr.get(key)
            if value is not None and not is_number(value):
                raise FieldError(f"{key} must be a number, not {value!r}")
        regex = attr.get("regex")
        if regex is not None:
            try:
                re.compile(regex)
            except (re.error, TypeError) as exc:
                raise FieldError(f"invalid regex {regex!r}: {exc}") from None
