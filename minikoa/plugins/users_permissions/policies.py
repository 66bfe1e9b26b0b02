"""Policies for the common checks, by their plugin UIDs.

* ``plugin::users-permissions.isAuthenticated``: a user is logged in (a JWT);
* ``plugin::users-permissions.hasRole`` with ``{"roles": ["editor", ...]}``:
  the user's role (by type or name) is one of them.

A refusal is Strapi's 403 ``PolicyError`` "Policy Failed".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...http.context import Context

if TYPE_CHECKING:
    from ...app import App

__all__ = ["is_authenticated", "has_role", "POLICIES"]


def is_authenticated(ctx: Context, config: Any, app: App) -> bool:
    return ctx.state.get("user") is not None


def has_role(ctx: Context, config: Any, app: App) -> bool:
    roles = config.get("roles") if isinstance(config, Mapping) else None
    if not isinstance(roles, (list, tuple)) or not roles:
        raise ValueError("plugin::users-permissions.hasRole needs {'roles': [role types or names]}")
    user = ctx.state.get("user")
    role = user.get("role") if isinstance(user, Mapping) else None
    if not isinstance(role, Mapping):
        return False
    return role.get("type") in roles or role.get("name") in roles


POLICIES = {
    "plugin::users-permissions.isAuthenticated": is_authenticated,
    "plugin::users-permissions.hasRole": has_role,
}
