"""Body validation: Strapi 5's entity validator (yup) for create and update data.

``validate(model, data, schemas=..., partial=...)`` checks a request's ``data``
against a content-type or component and returns the values to store. Every
failure is collected and raised at once as a ValidationError shaped as Strapi
shapes it::

    {"message": "2 errors occurred",
     "details": {"errors": [{"path": ["title"], "message": "title must be defined.",
                             "name": "ValidationError"}, ...]}}

Messages are yup's (as Strapi configures it), so clients see the same text as
from Strapi: ``views must be greater than or equal to 0``, ``published must be
a `boolean` type, but the final value was: `"maybe"`.`` Submitted values are
echoed in messages and in ``value`` at most 200 characters long: a validation
error must never send a huge payload back.

Not checked here: uniqueness (needs the database) and whether relation or
media targets exist (the document service resolves them); only their shape.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ..errors import ValidationError
from .schema import Attribute, Component, ContentType, Schemas

__all__ = ["validate", "ECHO_LIMIT"]

#: Longest piece of a submitted value echoed back in an error.
ECHO_LIMIT = 200

_INT32 = (-2**31, 2**31 - 1)
_INT64 = (-2**63, 2**63 - 1)

_STRING_TYPES = frozenset({"string", "text", "richtext", "password", "email", "uid"})
_BLOCK_TYPES = frozenset({"paragraph", "heading", "quote", "list", "image", "code"})
_UID_PATTERN = "^[A-Za-z0-9-_.~]*$"
_UID = re.compile(_UID_PATTERN)
# local@domain.tld: dot-separated atoms of the characters RFC 5322 allows unquoted.
_EMAIL = re.compile(r"^[\w!#$%&'*+/=?^`{|}~-]+(\.[\w!#$%&'*+/=?^`{|}~-]+)*"
                    r"@([^\W_]([\w-]*[^\W_])?\.)+[^\W\d_]{2,}$")
_JS_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_JS_RADIX = {"0x": 16, "0o": 8, "0b": 2}
_DIGITS = re.compile(r"^[+-]?\d+$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})"
                  r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
                  r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$")
_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

#: The check of each attribute type (a method of _Run).
_CHECKS = {
    **{t: "_string" for t in _STRING_TYPES}, "enumeration": "_enumeration",
    "integer": "_integer", "biginteger": "_biginteger", "float": "_float", "decimal": "_float",
    "boolean": "_boolean", "date": "_date", "time": "_time", "datetime": "_datetime", "timestamp": "_datetime",
    "json": "_json", "blocks": "_blocks", "component": "_component", "dynamiczone": "_dynamiczone",
    "relation": "_relation", "media": "_media",
}

_MISSING: Any = object()   # no `value` key in the error (yup's `undefined`)
_INVALID: Any = object()   # a converter's answer when it reported an error


def validate(model: ContentType | Component, data: Mapping[str, Any], *, schemas: Schemas,
             partial: bool = False, draft: bool = False) -> dict[str, Any]:
    """Check and convert ``data`` for a create (or, with ``partial``, an update) of ``model``.

    ``draft``: a draftAndPublish draft, which Strapi lets be incomplete:
    ``required`` and ``minLength`` are checked when it is published instead.

    Returns a new dict of storage-ready values for the keys given (on create,
    plus absent attributes that have a ``default``, and ``[]`` for absent
    optional repeatable components and dynamic zones, as Strapi fills them).
    Raises ValidationError listing every failure.
    """
    if not isinstance(data, Mapping):
        kind = "creation" if not partial else "update"
        raise ValidationError(f"Invalid payload submitted for the {kind} of an entity of type "
                              f"{model.display_name}. Expected an object, but got {_js_typeof(data)}", {})
    run = _Run(schemas, partial, draft)
    try:
        result = run.model(model, data, (), partial)
    except RecursionError:
        raise ValidationError("data is nested too deeply", {}) from None
    if run.errors:
        message = run.errors[0]["message"] if len(run.errors) == 1 else f"{len(run.errors)} errors occurred"
        raise ValidationError(message, {"errors": run.errors})
    return result


class _Run:
    """One validation: the schemas, the errors found so far, and a check per attribute type."""

    def __init__(self, schemas: Schemas, partial: bool, draft: bool = False) -> None:
        self.schemas = schemas
        self.partial = partial
        self.draft = draft
        self.errors: list[dict[str, Any]] = []

    # -- reporting --------------------------------------------------------

    def fail(self, path: tuple[Any, ...], message: str, value: Any = _MISSING, *, labelled: bool = True) -> Any:
        """Record an error and return _INVALID; ``labelled`` puts yup's path label before the message."""
        shown = [p if isinstance(p, int) else _clip(str(p)) for p in path]
        if labelled and shown:
            message = f"{_label(shown)} {message}"
        error: dict[str, Any] = {"path": shown, "message": message, "name": "ValidationError"}
        if value is not _MISSING:
            error["value"] = _shown(value)
        self.errors.append(error)
        return _INVALID

    def type_error(self, path: tuple[Any, ...], type_name: str, original: Any,
                   final: Any = _MISSING) -> Any:
        """yup's typeError; ``final`` is the value after casting when it differs from ``original``."""
        if final is _MISSING:
            message = f"must be a `{type_name}` type, but the final value was: `{_print(original)}`."
            return self.fail(path, message, original)
        message = (f"must be a `{type_name}` type, but the final value was: `{_print(final)}` "
                   f"(cast from the value `{_print(original)}`).")
        return self.fail(path, message, final)

    # -- models -----------------------------------------------------------

    def model(self, model: ContentType | Component, data: Mapping[str, Any], path: tuple[Any, ...],
              partial: bool, extra: Iterable[str] = ()) -> dict[str, Any]:
        """Validate one object (entry or component) attribute by attribute, in schema order."""
        for key in data:
            attr = model.attributes.get(key) if isinstance(key, str) else None
            if (attr is None or attr.get("writable") is False) and key not in extra:
                shown = _clip(key if isinstance(key, str) else str(key))
                self.fail((*path, shown), f"Invalid key {shown}", labelled=False)
        out: dict[str, Any] = {}
        for attr in model:
            if attr.get("writable") is False:
                continue
            name = attr.name
            many = attr.type == "dynamiczone" or (attr.type == "component" and attr.repeatable)
            if name in data:
                value = data[name]
            elif partial:
                continue
            elif "default" in attr.options:
                value = copy.deepcopy(attr.get("default"))
            elif many and not attr.required:
                out[name] = []
                continue
            elif attr.required and not attr.is_linked and not self.draft:
                self.fail((*path, name), "must be defined.")
                continue
            else:
                continue
            if value is None:
                # Strapi's repeatables and dynamic zones are never nullable; relations and media never required.
                if (attr.required and not attr.is_linked and not self.draft) or many:
                    self.fail((*path, name), "cannot be null." if partial else "must be defined.", None)
                else:
                    out[name] = None
                continue
            converted = self.attribute(attr, value, (*path, name))
            if converted is not _INVALID:
                out[name] = converted
        return out

    def attribute(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        """The storage value of one attribute's non-null ``value``, or _INVALID."""
        name = _CHECKS.get(attr.type)
        if name is None:  # a type schema.py accepts that has no check here: stored as given
            return value
        return getattr(self, name)(attr, value, path)

    def ok_since(self, before: int) -> bool:
        """No error was added since ``len(self.errors)`` was ``before``."""
        return len(self.errors) == before

    # -- strings ----------------------------------------------------------

    def _string(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        if not isinstance(value, str):
            return self.type_error(path, "string", value)
        # yup runs every test once the type is right, so one value can fail several.
        before = len(self.errors)
        length = _js_length(value)
        least, most = attr.get("minLength"), attr.get("maxLength")
        if _js_integer(least) and least and length < least and not self.draft:
            self.fail(path, f"must be at least {_js_number(least)} characters", value)
        if _js_integer(most) and most and length > most:
            self.fail(path, f"must be at most {_js_number(most)} characters", value)
        regex = attr.get("regex")
        # an empty string passes `regex` unless the attribute is required
        if regex is not None and (value or attr.required) and not re.search(regex, value):
            self.fail(path, f'must match the following: "{_js_regex(regex)}"', value)
        if attr.type == "email":
            if value and not _EMAIL.match(value):
                self.fail(path, "must be a valid email", value)
            if not value:
                self.fail(path, "cannot be empty", value)
        if attr.type == "uid" and not _UID.match(value):
            self.fail(path, f'must match the following: "/{_UID_PATTERN}/"', value)
        return value if self.ok_since(before) else _INVALID

    def _enumeration(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        # No preventCast here in Strapi: yup's string cast turns 1 into "1", true into "true".
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = _js_number(value)
        elif not isinstance(value, str):
            return self.type_error(path, "string", value)
        allowed = [str(v) for v in attr.get("enum") or ()]
        if value not in allowed:
            # Strapi adds null to the allowed values, which yup prints as an empty last item.
            return self.fail(path, f"must be one of the following values: {', '.join([*allowed, ''])}", value)
        return value

    # -- numbers and booleans --------------------------------------------

    def _number(self, value: Any, path: tuple[Any, ...]) -> Any:
        """yup's number cast, or a type error: a number, or _INVALID."""
        number = _js_to_number(value)
        if isinstance(number, float) and math.isnan(number):
            # NaN !== NaN, so yup reports even a NaN input as cast
            return self.type_error(path, "number", value, final=math.nan)
        return number

    def _bounds(self, attr: Attribute, number: int | float, path: tuple[Any, ...], whole: bool) -> bool:
        """Check ``min``/``max`` (truncated to integers for integer types, as Strapi does)."""
        before = len(self.errors)
        least, most = attr.get("min"), attr.get("max")
        if _is_number(least):
            least = int(least) if whole else least
            if number < least:
                self.fail(path, f"must be greater than or equal to {_js_number(least)}", number)
        if _is_number(most):
            most = int(most) if whole else most
            if number > most:
                self.fail(path, f"must be less than or equal to {_js_number(most)}", number)
        return self.ok_since(before)

    def _whole(self, attr: Attribute, value: Any, path: tuple[Any, ...], limits: tuple[int, int]) -> Any:
        """integer and biginteger: a whole number within ``min``/``max`` and the column's range."""
        stripped = re.sub(r"\s", "", value) if isinstance(value, str) else ""
        if _DIGITS.match(stripped) and len(stripped) <= 40:
            number: int | float = int(stripped)  # exact, even past 2**53 (bigintegers arrive as strings)
        else:
            number = self._number(value, path)
            if number is _INVALID:
                return _INVALID
        before = len(self.errors)
        if isinstance(number, float):
            if number.is_integer():
                number = int(number)
            else:
                self.fail(path, "must be an integer", number)
        if self._bounds(attr, number, path, whole=True) and self.ok_since(before):
            # the column's range, once the attribute's own bounds pass
            if number < limits[0]:
                self.fail(path, f"must be greater than or equal to {limits[0]}", number)
            elif number > limits[1]:
                self.fail(path, f"must be less than or equal to {limits[1]}", number)
        return number if self.ok_since(before) else _INVALID

    def _integer(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        return self._whole(attr, value, path, _INT32)

    def _biginteger(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        return self._whole(attr, value, path, _INT64)

    def _float(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        number = self._number(value, path)
        if number is _INVALID:
            return _INVALID
        try:
            stored = float(number)
        except OverflowError:
            stored = math.inf
        if not math.isfinite(stored):
            return self.fail(path, "must be a finite number", stored)
        # bounds report the number as given (2, as JS prints it, not 2.0)
        return stored if self._bounds(attr, number, path, whole=False) else _INVALID

    def _boolean(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, (str, int, float)):
            text = value if isinstance(value, str) else _js_number(value)
            if re.fullmatch(r"(?i)true|1", text):
                return True
            if re.fullmatch(r"(?i)false|0", text):
                return False
        return self.type_error(path, "boolean", value)

    # -- dates and times -------------------------------------------------

    def _date(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(value, dt.date):  # a date, or a datetime (its date part)
            return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        match = _ISO.match(value) if isinstance(value, str) else None
        if match:
            try:
                day = dt.date(int(match[1]), int(match[2]), int(match[3]))
                return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
            except ValueError:
                pass
        return self.fail(path, "must be a valid date (YYYY-MM-DD)", value)

    def _time(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(value, dt.time):
            return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond // 1000:03d}"
        match = _TIME.match(value) if isinstance(value, str) else None
        if match:
            hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
            if hour < 24 and minute < 60 and second < 60:
                return f"{hour:02d}:{minute:02d}:{second:02d}.{(match[4] or '').ljust(3, '0')}"
        return self.fail(path, "must be a valid time (HH:mm:ss.SSS)", value)

    def _datetime(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        moment = _parse_datetime(value)
        if moment is None:
            return self.fail(path, "must be a valid datetime (ISO 8601, or a timestamp in milliseconds)", value)
        moment = moment.astimezone(dt.timezone.utc)
        return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:"
                f"{moment.second:02d}.{moment.microsecond // 1000:03d}Z")

    # -- JSON values -----------------------------------------------------

    def _json(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        if not _jsonable(value):
            return self.fail(path, "must be a JSON value")
        return value

    def _blocks(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        """Blocks (rich text): a list of nodes of known types; their content is not checked deeply."""
        if not isinstance(value, list):
            return self.type_error(path, "array", value)
        before = len(self.errors)
        if not _jsonable(value):
            self.fail(path, "must be a JSON value")
        for i, node in enumerate(value):
            if not isinstance(node, Mapping) or node.get("type") not in _BLOCK_TYPES:
                self.fail((*path, i), "Block node is of invalid type", node, labelled=False)
        return value if self.ok_since(before) else _INVALID

    # -- components and dynamic zones -------------------------------------

    def _component(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        component = self.schemas.components[attr.component]
        if not attr.repeatable:
            return self._one_component(component, value, path)
        return self._list(attr, value, path, lambda item, at: self._one_component(component, item, at))

    def _dynamiczone(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        return self._list(attr, value, path, lambda item, at: self._zone_item(attr, item, at))

    def _list(self, attr: Attribute, value: Any, path: tuple[Any, ...], check: Any) -> Any:
        """A repeatable component or dynamic zone: a list within ``min``/``max``, each item checked."""
        if not isinstance(value, list):
            return self.type_error(path, "array", value)
        before = len(self.errors)
        least, most = attr.get("min"), attr.get("max")
        # Strapi enforces `min` only on required or non-empty lists.
        if _js_integer(least) and (attr.required or value) and len(value) < least:
            self.fail(path, f"field must have at least {_js_number(least)} items", value)
        if _js_integer(most) and len(value) > most:
            self.fail(path, f"field must have less than or equal to {_js_number(most)} items", value)
        items = []
        for i, item in enumerate(value):
            if item is None:
                self.fail((*path, i), "cannot be null.", None)
            else:
                items.append(check(item, (*path, i)))
        return items if self.ok_since(before) else _INVALID

    def _one_component(self, component: Component, value: Any, path: tuple[Any, ...],
                       extra: tuple[str, ...] = ()) -> Any:
        if not isinstance(value, Mapping):
            return self.type_error(path, "object", value)
        before = len(self.errors)
        out: dict[str, Any] = {}
        item_id = value.get("id")
        if item_id is not None:
            if isinstance(item_id, int) and not isinstance(item_id, bool):
                out["id"] = item_id
            else:
                self.type_error((*path, "id"), "number", item_id)
        # An update replaces a component; only one with an id (an existing one) may be partial.
        partial = self.partial and item_id is not None
        out.update(self.model(component, value, path, partial, extra=("id", *extra)))
        return out if len(self.errors) == before else _INVALID

    def _zone_item(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        if not isinstance(value, Mapping):
            return self.type_error(path, "object", value)
        uid = value.get("__component")
        at = (*path, "__component")
        if uid is None:
            return self.fail(at, "is a required field", uid if "__component" in value else _MISSING)
        if isinstance(uid, (int, float)) and not isinstance(uid, bool):
            uid = _js_number(uid)  # yup's string cast
        elif not isinstance(uid, str):
            return self.type_error(at, "string", uid)
        if uid not in attr.components:
            return self.fail(at, f"must be one of the following values: {', '.join(attr.components)}", uid)
        checked = self._one_component(self.schemas.components[uid], value, path, extra=("__component",))
        return _INVALID if checked is _INVALID else {"__component": uid, **checked}

    # -- relations and media ----------------------------------------------

    def _relation(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        """Only the shape: ids, lists of them, or connect/disconnect/set; passed through unchanged."""
        before = len(self.errors)
        if isinstance(value, list):
            for i, item in enumerate(value):
                self._relation_item(item, (*path, i))
            self._to_one(attr, value, path)
        elif isinstance(value, Mapping) and value.keys() & {"connect", "disconnect", "set"}:
            for key, items in value.items():
                if key not in ("connect", "disconnect", "set"):
                    self.fail((*path, key), f"Invalid key {_clip(str(key))}", labelled=False)
                elif isinstance(items, list):
                    for i, item in enumerate(items):
                        self._relation_item(item, (*path, key, i), positioned=key != "disconnect")
                    if key != "disconnect":
                        self._to_one(attr, items, (*path, key))
                elif items is not None:
                    self._relation_item(items, (*path, key), positioned=key != "disconnect")
        else:
            self._relation_item(value, path)
        return value if self.ok_since(before) else _INVALID

    def _relation_item(self, item: Any, path: tuple[Any, ...], positioned: bool = False) -> None:
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
        self.fail(path, "must be a documentId, an id, or an object with a documentId or an id", item)

    def _to_one(self, attr: Attribute, items: list[Any], path: tuple[Any, ...]) -> None:
        if not attr.many and len(items) > 1:
            self.fail(path, f"accepts one relation ({attr.relation}), not {len(items)}", items)

    def _media(self, attr: Attribute, value: Any, path: tuple[Any, ...]) -> Any:
        """File ids: an id or ``{"id": n}``, a list of them when ``multiple``; normalised to ints."""
        multiple = bool(attr.get("multiple"))
        if isinstance(value, list):
            if not multiple:
                return self.fail(path, "accepts one file, not a list", value)
            ids = [self._file_id(item, (*path, i)) for i, item in enumerate(value)]
            return _INVALID if _INVALID in ids else ids
        file_id = self._file_id(value, path)
        if file_id is _INVALID:
            return _INVALID
        return [file_id] if multiple else file_id

    def _file_id(self, item: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(item, Mapping):  # {"id": n}, or a whole file record sent back
            item = item.get("id")
        if isinstance(item, str) and re.fullmatch(r"\d+", item) and len(item) < 20:
            item = int(item)
        if _is_id(item):
            return item
        return self.fail(path, "must be a file id or an object with an id", item)


# -- helpers ---------------------------------------------------------------------

def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _js_integer(value: Any) -> bool:
    """JS ``Number.isInteger``: 3 and 3.0 are integers."""
    return _is_number(value) and math.isfinite(value) and float(value).is_integer()


def _js_typeof(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"


def _js_length(text: str) -> int:
    """A JS string's length: UTF-16 code units (an emoji counts 2), which is what maxLength limits."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _js_regex(source: str) -> str:
    """How JS prints ``new RegExp(source)``: between slashes, with bare slashes escaped."""
    return "/" + re.sub(r"(?<!\\)/", r"\\/", source) + "/"


def _js_to_number(value: Any) -> int | float:
    """yup's number cast: JS ``+string`` (whitespace removed) for strings; NaN for non-numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return math.nan
    if not isinstance(value, str):
        return value
    text = re.sub(r"\s", "", value)
    if _JS_DECIMAL.match(text):
        return float(text)
    radix = _JS_RADIX.get(text[:2].lower())
    if radix:
        try:
            return int(text[2:], radix)
        except ValueError:
            return math.nan
    if text in ("Infinity", "+Infinity", "-Infinity"):
        return -math.inf if text[0] == "-" else math.inf
    return math.nan


def _js_number(value: int | float) -> str:
    """A number as JS's ``String(n)`` writes it: 1.0 -> "1", 1e-7 -> "1e-7", 1e21 -> "1e+21"."""
    if isinstance(value, int):
        return _int_text(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    # repr gives the shortest round-trip digits, as JS does; lay them out by ECMAScript's rules.
    _, digits_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digits_tuple)).rstrip("0") or "0"
    point = len("".join(map(str, digits_tuple))) + int(exponent)  # value = 0.digits * 10**point
    if len(digits) <= point <= 21:
        return sign + digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'+' if point > 0 else '-'}{abs(point - 1)}"


def _int_text(value: int) -> str:
    try:
        return str(value)
    except ValueError:  # more digits than Python prints
        return "-Infinity" if value < 0 else "Infinity"


def _parse_datetime(value: Any) -> dt.datetime | None:
    """An aware datetime from ISO 8601 text (no offset: UTC), epoch milliseconds, or a datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    try:
        if isinstance(value, str) and _DIGITS.match(value):
            value = int(value)
        if _is_number(value):
            return _EPOCH + dt.timedelta(milliseconds=value)
        match = _ISO.match(value) if isinstance(value, str) else None
        if not match:
            return None
        year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
        zone = dt.timezone.utc
        if sign:
            offset = dt.timedelta(hours=int(off_h), minutes=int(off_m or 0))
            zone = dt.timezone(-offset if sign == "-" else offset)
        return dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                           int((fraction or "")[:3].ljust(3, "0")) * 1000, tzinfo=zone)
    except (ValueError, OverflowError):
        return None


def _jsonable(value: Any) -> bool:
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


def _label(path: list[Any]) -> str:
    """yup's path text: ``links[0].url``."""
    text = str(path[0])
    for part in path[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _clip(text: str) -> str:
    return text if len(text) <= ECHO_LIMIT else text[:ECHO_LIMIT] + "…"


def _shown(value: Any) -> Any:
    """A submitted value as it may appear in an error's ``value``: JSON-safe and short."""
    if isinstance(value, str):
        return _clip(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if value.bit_length() < 600 else _clip(_int_text(value))
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # JSON.stringify(NaN) is null
    if isinstance(value, (Mapping, list, tuple)):
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (ValueError, TypeError, RecursionError):
            return "…"
        if len(text) > ECHO_LIMIT:
            return _clip(text)
        if isinstance(value, Mapping):  # small, hence shallow: made JSON-safe item by item
            return {str(k): _shown(v) for k, v in value.items()}
        return [_shown(v) for v in value]
    return _clip(str(value))


def _print(value: Any) -> str:
    """yup's ``printValue(value, true)``, clipped: strings in quotes, containers as indented JSON."""
    simple = _print_simple(value)
    if simple is not None:
        return simple
    try:
        text = json.dumps(_print_leaves(value), indent=2, ensure_ascii=False)
    except (ValueError, TypeError, RecursionError):
        return "…"
    return _clip(text)


def _print_simple(value: Any) -> str | None:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _clip(_js_number(value))
    if isinstance(value, str):
        return f'"{_clip(value)}"'
    if isinstance(value, (Mapping, list, tuple)):
        return None
    return _clip(str(value))


def _print_leaves(value: Any) -> Any:
    # yup's replacer prints every leaf as text, so nested numbers and strings both come out quoted.
    if isinstance(value, Mapping):
        return {str(k): _print_leaves(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_print_leaves(v) for v in value]
    return _print_simple(value)
