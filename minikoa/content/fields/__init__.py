"""Field types: what each attribute type of a Strapi schema means, one object per type.

``base`` defines ``FieldType`` (storage and column type, schema checks,
filter casts, body validation, storing and reading back, JSON Schema) and
the protocols through which a type sees attributes and validation runs;
``registry`` maps type names and custom-field uids to objects
(``FIELD_TYPES``, and ``app.content_types.fields`` per app). The types are
grouped by kind: ``text``, ``numbers``, ``booleans``, ``dates``,
``jsonvalues``, ``links`` (relations, media), ``components`` (components,
dynamic zones). ``js`` reproduces JavaScript's number and string rules for
Strapi's exact messages; ``jsonschema`` holds what JSON Schemas share.
"""

from .base import (
    INVALID,
    MISSING,
    AttributeView,
    BadValue,
    Checks,
    Decoder,
    ErrorPath,
    FieldError,
    FieldType,
    ModelView,
    ScalarField,
    Storage,
    cast_text,
)
from .booleans import BooleanField
from .components import ComponentField, DynamicZoneField
from .dates import DateField, DateTimeField, TimeField, TimestampField
from .jsonschema import JSONSchema, Refs, SchemaRefs
from .jsonvalues import BlocksField, JsonField, decode_json
from .links import FILE_UID, MediaField, RelationField
from .numbers import BigIntegerField, DecimalField, FloatField, IntegerField
from .registry import CUSTOM_FIELD, FIELD_TYPES, FieldTypes
from .text import EmailField, EnumerationField, PasswordField, RichTextField, StringField, TextField, UidField

__all__ = [
    "FieldType", "ScalarField", "Storage", "FieldTypes", "FIELD_TYPES", "CUSTOM_FIELD", "FILE_UID",
    "BadValue", "FieldError", "INVALID", "MISSING", "AttributeView", "ModelView", "Checks", "ErrorPath", "Decoder",
    "JSONSchema", "SchemaRefs", "Refs", "cast_text", "decode_json",
    "StringField", "TextField", "RichTextField", "EmailField", "PasswordField", "UidField", "EnumerationField",
    "IntegerField", "BigIntegerField", "FloatField", "DecimalField", "BooleanField",
    "DateField", "TimeField", "DateTimeField", "TimestampField", "JsonField", "BlocksField",
    "RelationField", "MediaField", "ComponentField", "DynamicZoneField",
]
