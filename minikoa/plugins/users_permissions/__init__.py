"""The users-permissions plugin: users, roles and permissions, JWT and API tokens (Strapi's).

``install(app, config)`` adds, before the app is built:

* the content-types ``plugin::users-permissions.user``, ``.role`` and
  ``.permission`` (``schemas``);
* ``app.permissions`` (``permissions``): roles and the actions they may
  run; ``public`` and ``authenticated`` are made at the first start;
* ``app.auth`` (``auth``): each route's authentication and authorization,
  compiled when the app is built, with the strategies that check a Bearer
  token (``jwt``: users' JWTs, then ``api_tokens``: API tokens);
* ``app.api_tokens`` (``api_tokens``), managed over ``/admin/api-tokens``
  too when ``App.mount_admin`` runs (``api_token_admin``);
* the policies ``plugin::users-permissions.isAuthenticated`` and
  ``.hasRole`` (``policies``).

Its ``config`` is ``config/plugins.py``'s ``users-permissions.config``:
``jwtSecret``, ``jwt: {"expiresIn": seconds}``, ``apiTokenSalt``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...content.privacy import strip
from ...project.config import environment_name
from .api_token_admin import mount_admin as mount_api_token_admin
from .api_tokens import ApiTokens, ApiTokenStrategy, salt_for
from .auth import Auth, RouteAuth, Strategy
from .jwt import Jwt, JwtStrategy, secret_for
from .permissions import Ability, Permissions
from .policies import POLICIES
from .schemas import PERMISSION, ROLE, SCHEMAS, USER

if TYPE_CHECKING:
    from ...app import App

__all__ = ["install", "Auth", "Ability", "ApiTokens", "Jwt", "Permissions", "RouteAuth", "Strategy", "USER", "ROLE",
           "PERMISSION", "mount_api_token_admin"]

_KEYS = ("jwtSecret", "jwt", "apiTokenSalt")


def install(app: App, config: Mapping[str, Any]) -> None:
    """Add users-permissions to ``app`` (see the module docstring); a ValueError for bad config."""
    unknown = set(config) - set(_KEYS)
    if unknown:
        raise ValueError(f"users-permissions: unknown config key {sorted(unknown)[0]!r} (keys: {', '.join(_KEYS)})")
    for uid, schema in SCHEMAS.items():
        app.content_types.register(uid, schema, source="<minikoa: users-permissions>")
    permissions = Permissions(lambda: app.db, lambda: app.actions)
    app.permissions = permissions
    folder = (app.root or Path.cwd()) / ".tmp"
    jwt_config = config.get("jwt") or {}
    jwt = Jwt(secret_for(config, folder, environment_name()), jwt_config.get("expiresIn", 30 * 24 * 3600))
    app.jwt = jwt

    def user(user_id: int) -> dict[str, Any] | None:
        """The user with ``user_id`` and its role, without private fields (``ctx.state.user``)."""
        found = app.documents(USER).find_first(filters={"id": user_id}, populate=["role"])
        return None if found is None else strip(app.content_types, app.content_types[USER], found)

    app.api_tokens = tokens = ApiTokens(lambda: app.db.db, lambda: app.actions,
                                        salt_for(config, folder, environment_name()))
    app.db.on_setup(tokens.setup)
    app.auth = RouteAuth(permissions, [JwtStrategy(jwt, user, permissions), ApiTokenStrategy(tokens)])
    for uid, policy in POLICIES.items():
        app.policies.register(uid, policy, source="<minikoa: users-permissions>")
    app.db.on_setup(permissions.ensure_roles)
