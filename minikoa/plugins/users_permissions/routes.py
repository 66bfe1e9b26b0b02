"""The plugin's content API: Strapi's routes table for users and auth, and mounting it.

Every route's handler is a plugin action, the UID a role is granted
(``plugin::users-permissions.auth.register``), and each is checked like any
content API route: Strapi's defaults (``defaults``) open login, register
and the password reset to the public, ``/users/me`` and the password change
to logged-in users; the rest waits for a grant. The ``/auth`` routes are
rate limited (``ratelimit``), as in Strapi.

=======  ========================  ==============================================
POST     /auth/local               plugin::users-permissions.auth.callback
POST     /auth/local/register      plugin::users-permissions.auth.register
POST     /auth/forgot-password     plugin::users-permissions.auth.forgotPassword
POST     /auth/reset-password      plugin::users-permissions.auth.resetPassword
POST     /auth/change-password     plugin::users-permissions.auth.changePassword
GET      /users/count              plugin::users-permissions.user.count
GET      /users                    plugin::users-permissions.user.find
GET      /users/me                 plugin::users-permissions.user.me
GET      /users/:id                plugin::users-permissions.user.findOne
POST     /users                    plugin::users-permissions.user.create
PUT      /users/:id                plugin::users-permissions.user.update
DELETE   /users/:id                plugin::users-permissions.user.destroy
=======  ========================  ==============================================

Paths get the content API prefix (``/api``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .auth_controller import USERS_SERVICE, AuthController
from .defaults import grant_defaults
from .permissions import Permissions
from .ratelimit import UID as RATE_LIMIT
from .ratelimit import RateLimiter, middleware_factory
from .settings import Settings
from .user_controller import UserController
from .users import UsersService

if TYPE_CHECKING:
    from ...app import App

__all__ = ["ROUTES", "AUTH_CONTROLLER", "USER_CONTROLLER", "mount"]

AUTH_CONTROLLER = "plugin::users-permissions.auth"
USER_CONTROLLER = "plugin::users-permissions.user"
_SOURCE = "<minikoa: users-permissions>"
_LIMITED = {"middlewares": [RATE_LIMIT]}


def _route(method: str, path: str, action: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"method": method, "path": path, "handler": f"plugin::users-permissions.{action}",
            "config": dict(config or {})}


ROUTES = [
    _route("POST", "/auth/local", "auth.callback", _LIMITED),
    _route("POST", "/auth/local/register", "auth.register", _LIMITED),
    _route("POST", "/auth/forgot-password", "auth.forgotPassword", _LIMITED),
    _route("POST", "/auth/reset-password", "auth.resetPassword", _LIMITED),
    _route("POST", "/auth/change-password", "auth.changePassword", _LIMITED),
    _route("GET", "/users/count", "user.count"),
    _route("GET", "/users", "user.find"),
    _route("GET", "/users/me", "user.me"),
    _route("GET", "/users/:id", "user.findOne"),
    _route("POST", "/users", "user.create"),
    _route("PUT", "/users/:id", "user.update"),
    _route("DELETE", "/users/:id", "user.destroy"),
]


def mount(app: App, permissions: Permissions, settings: Settings) -> None:
    """Register the plugin's service, controllers and rate limit, mount ``ROUTES``, and have the first
    start grant Strapi's defaults (after the roles are made)."""
    app.services.register(USERS_SERVICE, UsersService, source=_SOURCE)
    app.controllers.register(AUTH_CONTROLLER, type("AuthController", (AuthController,), {"settings": settings}),
                             source=_SOURCE)
    app.controllers.register(USER_CONTROLLER, UserController, source=_SOURCE)
    limiter = RateLimiter(lambda: app.db.db, settings.ratelimit) if settings.ratelimit is not None else None
    app.middlewares.register(RATE_LIMIT, middleware_factory(limiter), source=_SOURCE)
    if limiter is not None:
        app.db.on_setup(limiter.setup)
    app.mount(ROUTES, source=_SOURCE)
    app.db.on_setup(lambda: grant_defaults(permissions, app.db.db))
