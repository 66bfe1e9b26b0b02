"""The registry of field types: attribute type names, and Strapi's custom fields, to their objects.

``FIELD_TYPES`` holds the built-in types. Each app's schemas start from a
copy of it (``app.content_types.fields``), so a type or custom field
registered on one app is that app's alone; one registered on
``FIELD_TYPES`` itself reaches every app made afterwards.

Adding an attribute type is registering one object::

    app.content_types.fields.register(GeoPointField())      # "type": "geopoint"

and a custom field, as Strapi's ``strapi.customFields.register`` does, is a
uid naming the type it builds on, or an object with its own behaviour::

    fields.register_custom("global::color", "string")
    fields.register_custom("plugin::colors.hex", HexColorField())

A schema uses it as Strapi writes it: ``{"type": "customField",
"customField": "global::color", ...}``. A custom field is stored and
filtered as the type it builds on, which must live in a column (Strapi's
custom fields cannot be relations, media, components or dynamic zones).
Register before the app is built: the schemas resolve their types then.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .base import FieldError, FieldType, Storage
from .booleans import BooleanField
from .components import ComponentField, DynamicZoneField
from .dates import DateField, DateTimeField, TimeField, TimestampField
from .jsonvalues import BlocksField, JsonField
from .links import MediaField, RelationField
from .numbers import BigIntegerField, DecimalField, FloatField, IntegerField
from .text import EmailField, EnumerationField, PasswordField, RichTextField, StringField, TextField, UidField

__all__ = ["FieldTypes", "FIELD_TYPES", "CUSTOM_FIELD"]

#: The schema type of an attribute that uses a custom field.
CUSTOM_FIELD = "customField"
#: The types stored outside a column of their own, which the schema loader links up itself.
_LINKED_TYPES = frozenset({"relation", "media", "component", "dynamiczone"})
_TYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_CUSTOM_UID = re.compile(r"^(global::[\w-]+|plugin::[\w-]+\.[\w-]+)$")


class FieldTypes:
    """Type names and custom-field uids -> field types (see the module docstring)."""

    def __init__(self, types: Iterable[FieldType] = (), custom: Mapping[str, FieldType] | None = None) -> None:
        self._types: dict[str, FieldType] = {}
        self._custom: dict[str, FieldType] = dict(custom or {})
        for field in types:
            self.register(field)

    def register(self, field: FieldType) -> FieldType:
        """Add an attribute type, named by ``field.name``; a name already taken is a ValueError."""
        if not isinstance(field, FieldType):
            raise TypeError(f"a field type must be a FieldType instance, not {field!r}")
        name = field.name
        if not isinstance(name, str) or not _TYPE_NAME.match(name) or name == CUSTOM_FIELD:
            raise ValueError(f"invalid field type name {name!r}")
        if name in self._types:
            raise ValueError(f"field type {name!r} is already registered ({self._types[name]!r})")
        if field.storage is not Storage.COLUMN and name not in _LINKED_TYPES:
            raise ValueError(f"field type {name!r}: a new type is stored in a column; links and components "
                             "are only relation, media, component and dynamiczone")
        self._types[name] = field
        return field

    def register_custom(self, uid: str, field: FieldType | str) -> FieldType:
        """Add a custom field ``uid`` (``global::<name>`` or ``plugin::<plugin>.<name>``).

        ``field`` is the type it builds on, by name (``"string"``), or a
        FieldType with its own behaviour (usually a subclass of a built-in).
        """
        if not isinstance(uid, str) or not _CUSTOM_UID.match(uid):
            raise ValueError(f"invalid custom field uid {uid!r} (expected global::<name> or plugin::<plugin>.<name>)")
        if uid in self._custom:
            raise ValueError(f"custom field {uid!r} is already registered")
        if isinstance(field, str):
            found = self._types.get(field)
            if found is None:
                raise ValueError(f"custom field {uid!r}: unknown field type {field!r}{_hint(field, self._types)}")
            field = found
        if not isinstance(field, FieldType):
            raise TypeError(f"custom field {uid!r}: expected a FieldType or a type name, not {field!r}")
        if not isinstance(field.name, str) or not _TYPE_NAME.match(field.name) or field.name == CUSTOM_FIELD:
            raise ValueError(f"custom field {uid!r}: its field type needs the name of the type it builds on, "
                             f"not {field.name!r}")
        if field.storage is not Storage.COLUMN:
            raise ValueError(f"custom field {uid!r}: a custom field builds on a type stored in a column, "
                             f"not {field.name!r}")
        self._custom[uid] = field
        return field

    def __getitem__(self, name: str) -> FieldType:
        return self._types[name]

    def get(self, name: str) -> FieldType | None:
        return self._types.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def custom(self, uid: str) -> FieldType | None:
        """The custom field ``uid``, or None."""
        return self._custom.get(uid)

    @property
    def custom_fields(self) -> Mapping[str, FieldType]:
        return dict(self._custom)

    def resolve(self, options: Mapping[str, Any]) -> FieldType:
        """The field type of an attribute's schema options; FieldError naming the closest valid name."""
        kind = options.get("type")
        if kind == CUSTOM_FIELD:
            uid = options.get(CUSTOM_FIELD)
            if not isinstance(uid, str) or not uid:
                raise FieldError("a customField attribute needs a `customField` uid "
                                 "(global::<name> or plugin::<plugin>.<name>)")
            field = self._custom.get(uid)
            if field is None:
                known = _hint(uid, self._custom) or " (no custom field is registered)"
                raise FieldError(f"unknown custom field {uid!r}{known}")
            return field
        field = self._types.get(kind) if isinstance(kind, str) else None
        if field is None:
            raise FieldError(f"unknown attribute type {kind!r}{_hint(kind, [*self._types, CUSTOM_FIELD])}")
        return field

    def copy(self) -> FieldTypes:
        """A registry with the same types and custom fields, to add to without changing this one."""
        return FieldTypes(self._types.values(), self._custom)

    def __repr__(self) -> str:
        return f"<FieldTypes {sorted(self._types)} custom={sorted(self._custom)}>"


def _hint(name: Any, known: Iterable[str]) -> str:
    """``"; did you mean 'string'?"`` for the closest known name, or ''."""
    close = difflib.get_close_matches(name, list(known), n=1) if isinstance(name, str) else []
    return f"; did you mean {close[0]!r}?" if close else ""


#: The built-in types, in Strapi's order. Each app's schemas start from a copy.
FIELD_TYPES = FieldTypes([
    StringField(), TextField(), RichTextField(), BlocksField(), EmailField(), PasswordField(), UidField(),
    EnumerationField(), IntegerField(), BigIntegerField(), FloatField(), DecimalField(), BooleanField(),
    DateField(), TimeField(), DateTimeField(), TimestampField(), JsonField(), MediaField(), RelationField(),
    ComponentField(), DynamicZoneField(),
])
