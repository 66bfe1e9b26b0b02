"""What an API token may be made or changed with, checked as Strapi's admin checks it.

Strapi validates the admin API's bodies with yup (``name`` required,
``type`` one of the three, ``permissions`` a list of strings, ``lifespan``
one of its four values, no other key; on update no ``lifespan``), trimming
``name`` and ``description`` first. These functions do the same for the
admin API and for ``app.api_tokens`` alike, and answer as Strapi does: a
400 ``ValidationError`` whose message is the one problem found, or "N errors
occurred", with every problem in ``details.errors`` (``path``, ``message``,
``name``, and the ``value`` at fault when there was one).

minikoa is stricter in two places: a ``name`` or ``description`` that is
not a string is refused (Strapi turns ``123`` into ``"123"``), and both are
at most 255 characters (Strapi leaves that to the database, which may cut
or refuse them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NoReturn

from ...errors import ValidationError

__all__ = ["TYPES", "LIFESPANS", "DAY_MS", "UNSET", "Problems", "check_create", "check_update"]

#: The token types, in Strapi's order.
TYPES = ("read-only", "full-access", "custom")
#: A day in milliseconds, the unit of ``lifespan``.
DAY_MS = 24 * 60 * 60 * 1000
#: The lifespans a token may have (Strapi's): unlimited, 7, 30 or 90 days.
LIFESPANS = (None, 7 * DAY_MS, 30 * DAY_MS, 90 * DAY_MS)
_MAX_TEXT = 255
_CREATE_KEYS = ("name", "description", "type", "permissions", "lifespan")
_UPDATE_KEYS = ("name", "description", "type", "permissions")


class _Unset:
    """The default of a field ``update`` is not given (None is a value: ``description=None`` empties it)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()
_MISSING = object()


def _shown(value: object) -> str:
    """A value as yup prints it in a message: JSON, cut at 60 characters."""
    return json.dumps(value, default=repr)[:60]


class Problems:
    """The problems found in one body, raised together as Strapi's 400."""

    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    def add(self, path: list[str], message: str, value: object = _MISSING) -> None:
        error: dict[str, Any] = {"path": path, "message": message, "name": "ValidationError"}
        if value is not _MISSING:
            error["value"] = value
        self.errors.append(error)

    def wrong_type(self, field: str, kind: str, value: object) -> None:
        self.add([field], f"{field} must be a `{kind}` type, but the final value was: `{_shown(value)}`.", value)

    def raise_any(self) -> None:
        errors = self.errors
        if errors:
            message = errors[0]["message"] if len(errors) == 1 else f"{len(errors)} errors occurred"
            raise ValidationError(message, {"errors": errors})

    @staticmethod
    def fail(message: str) -> NoReturn:
        """A 400 ``ValidationError`` for a rule beyond the body's shape (``details`` empty, as Strapi's)."""
        raise ValidationError(message, {})


def _unknown(problems: Problems, fields: Mapping[str, object], allowed: tuple[str, ...]) -> None:
    unknown = [str(key) for key in fields if key not in allowed]
    if unknown:
        problems.add([], f"this field has unspecified keys: {', '.join(unknown)}")


def _text(problems: Problems, field: str, value: object) -> str | None:
    """A trimmed string of at most 255 characters, or None (a problem recorded)."""
    if not isinstance(value, str):
        problems.wrong_type(field, "string", value)
        return None
    text = value.strip()
    if len(text) > _MAX_TEXT:
        problems.add([field], f"{field} must be at most {_MAX_TEXT} characters", value)
        return None
    return text


def _name(problems: Problems, value: object, *, null: str) -> str | None:
    if value is None:
        problems.add(["name"], null)
        return None
    text = _text(problems, "name", value)
    if text == "":
        problems.add(["name"], "name is a required field", value)
        return None
    return text


def _type(problems: Problems, value: object, *, null: str) -> str | None:
    if value is None:
        problems.add(["type"], null)
    elif not isinstance(value, str) or value not in TYPES:
        problems.add(["type"], f"type must be one of the following values: {', '.join(TYPES)}", value)
    else:
        return value
    return None


def _permissions(problems: Problems, value: object) -> list[str] | None:
    """A list of actions without repeats (in the order given), or None."""
    if value is None:
        return None
    if not isinstance(value, (list, tuple)):
        problems.wrong_type("permissions", "array", value)
        return None
    for index, action in enumerate(value):
        if not isinstance(action, str):
            problems.add(["permissions", str(index)], f"permissions[{index}] must be a `string` type, "
                         f"but the final value was: `{_shown(action)}`.", action)
    return list(dict.fromkeys(value))


def _lifespan(problems: Problems, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.wrong_type("lifespan", "number", value)
    elif value not in LIFESPANS:
        shown = ", ".join("null" if span is None else str(span) for span in LIFESPANS)
        problems.add(["lifespan"], f"lifespan must be one of the following values: {shown}", value)
    else:
        return int(value)
    return None


def check_create(fields: Mapping[str, object]) -> tuple[str, str, str, list[str] | None, int | None]:
    """``(name, description, type, permissions, lifespan)`` of a new token; a 400 naming every problem."""
    problems = Problems()
    _unknown(problems, fields, _CREATE_KEYS)
    name = _name(problems, fields.get("name"), null="name is a required field")
    description = fields.get("description")
    text = "" if description is None else _text(problems, "description", description)
    kind = _type(problems, fields.get("type"), null="type is a required field")
    permissions = _permissions(problems, fields.get("permissions"))
    lifespan = _lifespan(problems, fields.get("lifespan"))
    problems.raise_any()
    assert name is not None and text is not None and kind is not None
    return name, text, kind, permissions, lifespan


def check_update(fields: Mapping[str, object]) -> dict[str, Any]:
    """The changes a body asks for (only the fields it gives; ``permissions`` may be None); a 400 naming
    every problem."""
    problems = Problems()
    _unknown(problems, fields, _UPDATE_KEYS)
    changes: dict[str, Any] = {}
    if "name" in fields:
        changes["name"] = _name(problems, fields["name"], null="name cannot be null")
    if "description" in fields:
        description = fields["description"]
        changes["description"] = "" if description is None else _text(problems, "description", description)
    if "type" in fields:
        changes["type"] = _type(problems, fields["type"], null="type cannot be null")
    if "permissions" in fields:
        changes["permissions"] = _permissions(problems, fields["permissions"])
    problems.raise_any()
    return changes
