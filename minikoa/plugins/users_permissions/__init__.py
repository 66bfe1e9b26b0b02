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
  ``.hasRole`` (``policies``);
* Strapi's content API for users (``routes``): register, login, the
  password routes (``auth_controller``), ``/users/me`` and the users CRUD
  (``user_controller``), the users service (``users``), reset codes
  (``reset_codes``) sent through an email provider (``email``), the rate
  limit of ``/auth`` (``ratelimit``), and the grants of a first start
  (``defaults``).

Its ``config`` is ``config/plugins.py``'s ``users-permissions.config``
(``settings``): ``jwtSecret``, ``jwt: {"expiresIn": seconds}``,
``apiTokenSalt``, ``ratelimit``, ``email``, ``resetPassword``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...content.privacy import strip
from ...project.config import environment_name
from .api_token_admin import mount_admin as mount_api_token_admin
from .api_tokens import ApiTokens, ApiTokenStrategy, configured_salt, salt_for
from .auth import Auth, RouteAuth, Strategy
from .jwt import Jwt, JwtStrategy, configured_secret, secret_for
from .lazy import Lazy
from .permissions import Ability, Permissions
from .policies import POLICIES
from .routes import mount
from .schemas import PERMISSION, ROLE, SCHEMAS, USER
from .settings import Settings
from .users import UsersService

if TYPE_CHECKING:
    from ...app import App

__all__ = ["install", "Auth", "Ability", "ApiTokens", "Jwt", "Permissions", "RouteAuth", "Strategy", "USER", "ROLE",
           "PERMISSION", "mount_api_token_admin"]


def install(app: App, config: Mapping[str, Any]) -> None:
    """Add users-permissions to ``app`` (see the module docstring); a ValueError for bad config."""
    settings = Settings.parse(config)
    for uid, schema in SCHEMAS.items():
        app.content_types.register(uid, schema, source="<minikoa: users-permissions>")
    permissions = Permissions(lambda: app.db, lambda: app.actions)
    app.permissions = permissions
    folder = (app.root or Path.cwd()) / ".tmp"
    environment = environment_name()
    # A configured secret and salt are checked now (production refuses to start without them); a development
    # one is made in .tmp/ only when the app is built to serve or first needs it, so that loading a project to
    # list its routes writes nothing.
    secret = configured_secret(config, environment)
    salt = configured_salt(config, environment)
    jwt_config = config.get("jwt") or {}
    jwt = Jwt(secret or Lazy(lambda: secret_for(config, folder, environment)),
              jwt_config.get("expiresIn", 30 * 24 * 3600))
    app.jwt = jwt
    app.db.on_setup(jwt.ready)

    def user(user_id: int, issued_at: int) -> dict[str, Any] | None:
        """The user with ``user_id`` and its role, without private fields (``ctx.state.user``); None when
        there is none, or when a token issued at ``issued_at`` predates the user's last password change."""
        if not 0 < user_id < 2**63:  # no row has it (and the database could not even compare it)
            return None
        found = app.documents(USER).find_first(filters={"id": user_id}, populate=["role"])
        if found is None or not UsersService.token_valid(found, issued_at):
            return None
        return strip(app.content_types, app.content_types[USER], found)

    app.api_tokens = tokens = ApiTokens(lambda: app.db.db, lambda: app.actions,
                                        salt or Lazy(lambda: salt_for(config, folder, environment)))
    app.db.on_setup(tokens.setup)
    app.auth = RouteAuth(permissions, [JwtStrategy(jwt, user, permissions), ApiTokenStrategy(tokens)])
    for uid, policy in POLICIES.items():
        app.policies.register(uid, policy, source="<minikoa: users-permissions>")
    app.db.on_setup(permissions.ensure_roles)
    mount(app, permissions, settings)
