"""The auth and user bodies checked as Strapi's yup schemas check them, worded as yup words it.

Each body is described as a list of rules (``Required``, ``Email``,
``Matches``, ``Known``) checked in order; the first failure is a 400
``ValidationError`` with yup's message and Strapi's ``details.errors``
(that one error: Strapi answers with its first)::

    {"message": "password is a required field",
     "details": {"errors": [{"path": ["password"], "message": "password is a required field",
                             "name": "ValidationError"}]}}

A value a client sent is echoed in ``value`` (at most 200 characters),
except passwords, which no answer repeats. Email addresses are checked as
yup checks them (the WHATWG form), without a backtracking pattern.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ...errors import ValidationError

__all__ = ["Rule", "Required", "Email", "Matches", "Known", "check", "invalid", "is_email", "body_object"]

_ECHO = 200
_LOCAL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


class Rule(Protocol):
    """One check of a body; returns the error (yup's shape) or None."""

    def __call__(self, body: Mapping[str, Any]) -> dict[str, Any] | None: ...


def is_email(value: str) -> bool:
    """yup's ``email()``: ``local@label(.label)*`` with the characters the WHATWG form allows."""
    local, at, domain = value.partition("@")
    if not at or not _LOCAL.fullmatch(local):
        return False
    return all(_LABEL.fullmatch(label) for label in domain.split("."))


def invalid(path: str, message: str, value: Any = None, *, echo: bool = False) -> dict[str, Any]:
    """One error in Strapi's ``details.errors`` shape (``value`` only when ``echo``)."""
    error: dict[str, Any] = {"path": [path] if path else [], "message": message, "name": "ValidationError"}
    if echo:
        error["value"] = value[:_ECHO] if isinstance(value, str) else value
    return error


def _printed(value: Any) -> str:
    """yup's ``printValue``: strings quoted, the rest as JSON, clipped."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = str(value)
    return text if len(text) <= _ECHO else text[:_ECHO] + "…"


def _secret(key: str) -> bool:
    return "password" in key.lower()


@dataclass(frozen=True)
class Required:
    """``yup.string().required()``: present, a string, not empty."""

    key: str

    def __call__(self, body: Mapping[str, Any]) -> dict[str, Any] | None:
        value = body.get(self.key)
        if value is None or value == "":
            return invalid(self.key, f"{self.key} is a required field")
        if not isinstance(value, str):
            return invalid(self.key, f"{self.key} must be a `string` type, but the final value was: "
                                     f"`{_printed(value)}`.", value, echo=not _secret(self.key))
        return None


@dataclass(frozen=True)
class Email:
    """``.email()`` on a string that ``Required`` let through."""

    key: str

    def __call__(self, body: Mapping[str, Any]) -> dict[str, Any] | None:
        value = body.get(self.key)
        if isinstance(value, str) and value and not is_email(value):
            return invalid(self.key, f"{self.key} must be a valid email", value, echo=True)
        return None


@dataclass(frozen=True)
class Matches:
    """``.oneOf([yup.ref(other)], message)``: the same value as ``other``."""

    key: str
    other: str
    message: str = "Passwords do not match"

    def __call__(self, body: Mapping[str, Any]) -> dict[str, Any] | None:
        if isinstance(body.get(self.key), str) and body.get(self.key) != body.get(self.other):
            return invalid(self.key, self.message)
        return None


@dataclass(frozen=True)
class Known:
    """``.noUnknown()``: no key but ``keys``."""

    keys: tuple[str, ...]

    def __call__(self, body: Mapping[str, Any]) -> dict[str, Any] | None:
        unknown = [str(key)[:_ECHO] for key in body if key not in self.keys]
        if unknown:
            return invalid("", f"this field has unspecified keys: {', '.join(unknown)}")
        return None


def check(body: Mapping[str, Any], rules: Sequence[Rule]) -> None:
    """Raise the first rule's error, as Strapi's ValidationError, if any rule fails."""
    for rule in rules:
        error = rule(body)
        if error is not None:
            raise ValidationError(error["message"], {"errors": [error]})


def body_object(body: Any) -> Mapping[str, Any]:
    """A request body as the object the rules read (anything else reads as empty: every field is missing)."""
    return body if isinstance(body, Mapping) else {}
