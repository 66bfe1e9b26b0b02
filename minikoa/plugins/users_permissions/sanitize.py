"""What of a user a caller may see and name: the user routes' sanitizers.

A user leaves through the API as Strapi's content API sanitizes one:
without private attributes (the password, the reset and confirmation
tokens, minikoa's ``passwordChangedAt`` and reset expiry), and without its
``role`` unless the caller may read roles (Strapi drops a relation whose
target the caller cannot ``find``: ``plugin::users-permissions.role.find``,
which only a full-access API token has). So ``/users/me`` answers the bare
user the recording shows, whoever asks.

The query of a user route may name neither private attributes (the REST
query checks, 400 ``Invalid key password``) nor, for a caller who may not
read roles, ``role`` in ``filters``, ``sort`` or ``populate`` (400
``Invalid key role``): filtering by role would tell what the answer hides.
``populate=*`` is allowed; the role it reaches is dropped from the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...content.privacy import strip
from ...content.schema import Schemas
from ...errors import ValidationError
from .auth import Auth
from .schemas import ROLE, USER

__all__ = ["may_read_roles", "check_role_use", "sanitize_user"]

_ROLE = "role"
_LOGICAL = ("$and", "$or", "$not")


def may_read_roles(auth: Auth | None) -> bool:
    """Whether ``auth`` (``ctx.state.auth``) may see users' roles."""
    return auth is not None and auth.ability.can(f"{ROLE}.find")


def sanitize_user(schemas: Schemas, entry: Any, auth: Auth | None) -> Any:
    """``entry`` (a user, or a list of them) as the caller may see it (see the module docstring)."""
    clean = strip(schemas, schemas[USER], entry)
    if may_read_roles(auth):
        return clean
    if isinstance(clean, list):
        return [_without_role(item) for item in clean]
    return _without_role(clean)


def _without_role(entry: Any) -> Any:
    if isinstance(entry, dict) and _ROLE in entry:
        return {key: value for key, value in entry.items() if key != _ROLE}
    return entry


def check_role_use(query: Mapping[str, Any], auth: Auth | None) -> None:
    """400 ``Invalid key role`` when a caller who may not read roles names ``role`` in the query."""
    if may_read_roles(auth):
        return
    for param, named in (("filters", _in_filters), ("sort", _in_sort), ("populate", _in_populate)):
        value = query.get(param)
        if value is not None and named(value):
            raise ValidationError(f"Invalid key {_ROLE}", {"key": _ROLE, "path": _ROLE, "source": "query",
                                                          "param": param})


def _in_filters(value: Any) -> bool:
    if isinstance(value, list):
        return any(_in_filters(item) for item in value)
    if not isinstance(value, Mapping):
        return False
    return any(key == _ROLE or (key in _LOGICAL and _in_filters(item)) for key, item in value.items())


def _head(path: str) -> str:
    """The attribute a sort or populate path starts with: ``role`` of ``role.name:asc``."""
    return path.strip().split(":", 1)[0].split(".", 1)[0].strip()


def _in_sort(value: Any) -> bool:
    if isinstance(value, str):
        return any(_head(part) == _ROLE for part in value.split(","))
    if isinstance(value, list):
        return any(_in_sort(item) for item in value)
    if isinstance(value, Mapping):
        return any(_head(str(key)) == _ROLE or _in_sort(item) for key, item in value.items())
    return False


def _in_populate(value: Any) -> bool:
    if isinstance(value, str):
        return any(_head(part) == _ROLE for part in value.split(","))
    if isinstance(value, list):
        return any(_in_populate(item) for item in value)
    if isinstance(value, Mapping):
        return any(_head(str(key)) == _ROLE for key in value)
    return False
