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

This module is the engine: it walks a model's attributes, fills defaults,
collects errors and words them as yup does (path labels, printed values).
What a value of each type must be is the field type's business
(``attr.field.validate``, see ``minikoa.content.fields``), which reports
through the run it is given.

Not checked here: uniqueness (needs the database) and whether relation or
media targets exist (the document service resolves them); only their shape.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ValidationError
from .fields import INVALID, MISSING, ErrorPath
from .fields.js import int_text, js_number, js_typeof
from .schema import Attribute, Component, ContentType, Schemas

__all__ = ["validate", "ECHO_LIMIT"]

#: Longest piece of a submitted value echoed back in an error.
ECHO_LIMIT = 200


def validate(model: ContentType | Component, data: Mapping[str, Any], *, schemas: Schemas,
             partial: bool = False, draft: bool = False, publishing: bool = False) -> dict[str, Any]:
    """Check and convert ``data`` for a create (or, with ``partial``, an update) of ``model``.

    ``draft``: a draftAndPublish draft, which Strapi lets be incomplete:
    ``required`` and ``minLength`` are checked when it is published instead.
    ``publishing``: a draftAndPublish document being published. Strapi checks
    the draft as stored, where an absent value is ``null``, so a missing
    required value is yup's type error (``name must be a `string` type, but
    the final value was: `null`.``), not ``must be defined.``.

    A value yup lets through but Strapi cannot store (a date, time or datetime
    in no format it reads) is a 400 of its own, with empty details, raised
    only when nothing else failed: Strapi meets it after validation.

    Returns a new dict of storage-ready values for the keys given (on create,
    plus absent attributes that have a ``default``, and ``[]`` for absent
    optional repeatable components and dynamic zones, as Strapi fills them).
    Raises ValidationError listing every failure.
    """
    if not isinstance(data, Mapping):
        kind = "creation" if not partial else "update"
        raise ValidationError(f"Invalid payload submitted for the {kind} of an entity of type "
                              f"{model.display_name}. Expected an object, but got {js_typeof(data)}", {})
    run = _Run(schemas, partial, draft, publishing)
    try:
        result = run.model(model, data, (), partial)
    except RecursionError:
        raise ValidationError("data is nested too deeply", {}) from None
    if run.errors:
        message = run.errors[0]["message"] if len(run.errors) == 1 else f"{len(run.errors)} errors occurred"
        raise ValidationError(message, {"errors": run.errors})
    if run.format_errors:
        raise ValidationError(run.format_errors[0], {})
    return result


class _Run:
    """One validation: the schemas, the errors found so far, and the walk over models.

    Each value is checked by its attribute's field type (``attr.field.validate``),
    which reports here: this is the ``Checks`` a field type sees.
    """

    def __init__(self, schemas: Schemas, partial: bool, draft: bool = False, publishing: bool = False) -> None:
        self.schemas = schemas
        self.partial = partial
        self.draft = draft
        self.publishing = publishing
        self.errors: list[dict[str, Any]] = []
        self.format_errors: list[str] = []

    # -- reporting --------------------------------------------------------

    def fail(self, path: ErrorPath, message: str, value: Any = MISSING, *, labelled: bool = True) -> Any:
        """Record an error and return INVALID; ``labelled`` puts yup's path label before the message.

        The error's path is strings, indexes included (``["blocks", "0", "__component"]``), as
        Strapi's lodash ``toPath`` gives it; the label keeps yup's ``blocks[0].__component``."""
        if labelled and path:
            message = f"{_label(path)} {message}"
        shown = [_clip(str(p)) for p in path]
        error: dict[str, Any] = {"path": shown, "message": message, "name": "ValidationError"}
        if value is not MISSING:
            error["value"] = _shown(value)
        self.errors.append(error)
        return INVALID

    def type_error(self, path: ErrorPath, type_name: str, original: Any, final: Any = MISSING) -> Any:
        """yup's typeError; ``final`` is the value after casting when it differs from ``original``."""
        if final is MISSING:
            message = f"must be a `{type_name}` type, but the final value was: `{_print(original)}`."
            return self.fail(path, message, original)
        message = (f"must be a `{type_name}` type, but the final value was: `{_print(final)}` "
                   f"(cast from the value `{_print(original)}`).")
        return self.fail(path, message, final)

    def format_error(self, message: str) -> Any:
        self.format_errors.append(message)
        return INVALID

    def invalid_key(self, path: ErrorPath, key: Any) -> Any:
        """Strapi's ``Invalid key`` for a key the object at ``path`` does not take."""
        shown = _clip(key if isinstance(key, str) else str(key))
        return self.fail((*path, shown), f"Invalid key {shown}", labelled=False)

    def mark(self) -> int:
        return len(self.errors)

    def ok_since(self, mark: int) -> bool:
        """No error was added since ``mark()`` returned ``mark``."""
        return len(self.errors) == mark

    # -- models -----------------------------------------------------------

    def model(self, model: ContentType | Component, data: Mapping[str, Any], path: ErrorPath,
              partial: bool, extra: Iterable[str] = ()) -> dict[str, Any]:
        """Validate one object (entry or component) attribute by attribute, in schema order."""
        for key in data:
            attr = model.attributes.get(key) if isinstance(key, str) else None
            if (attr is None or attr.get("writable") is False) and key not in extra:
                self.invalid_key(path, key)
        out: dict[str, Any] = {}
        for attr in model:
            if attr.get("writable") is False:
                continue
            name = attr.name
            many = attr.repeatable  # repeatable components and dynamic zones
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
                if self.publishing:  # the stored draft holds null
                    self.type_error((*path, name), attr.field.yup_type, None)
                else:
                    self.fail((*path, name), "must be defined.")
                continue
            else:
                continue
            if value is None:
                # Strapi's repeatables and dynamic zones are never nullable; relations and media never required.
                if self.publishing and attr.required and not attr.is_linked and not many:
                    self.type_error((*path, name), attr.field.yup_type, None)
                elif (attr.required and not attr.is_linked and not self.draft) or many:
                    self.fail((*path, name), "cannot be null." if partial else "must be defined.", None)
                else:
                    out[name] = None
                continue
            converted = self.attribute(attr, value, (*path, name))
            if converted is not INVALID:
                out[name] = converted
        return out

    def attribute(self, attr: Attribute, value: Any, path: ErrorPath) -> Any:
        """The storage value of one attribute's non-null ``value``, or INVALID."""
        return attr.field.validate(self, attr, value, path)

    def component(self, uid: str, value: Any, path: ErrorPath, extra: tuple[str, ...] = ()) -> Any:
        """One instance of component ``uid``: its values (with its ``id`` if it has one), or INVALID."""
        component = self.schemas.components[uid]
        if not isinstance(value, Mapping):
            return self.type_error(path, "object", value)
        mark = self.mark()
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
        return out if self.ok_since(mark) else INVALID


# -- messages ---------------------------------------------------------------------

def _label(path: ErrorPath) -> str:
    """yup's path text: ``links[0].url``."""
    text = _clip(str(path[0]))
    for part in path[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{_clip(str(part))}"
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
        return value if value.bit_length() < 600 else _clip(int_text(value))
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
        return _clip(js_number(value))
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
