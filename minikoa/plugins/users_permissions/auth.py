"""Authentication and authorization of a route, compiled once per route when the app is built.

Strapi's order and answers (its ``compose-endpoint``, recorded from Strapi 5):

* a route whose config says ``auth: False`` is not checked at all:
  credentials are ignored and ``ctx.state.user`` is None;
* ``Authorization: Bearer <token>``: each strategy (a users-permissions JWT,
  an API token) is asked in turn; a token none of them takes is 401
  ``UnauthorizedError`` "Missing or invalid credentials", even on a route
  the public role may use. Any other ``Authorization`` scheme is ignored;
* no credentials: the caller has the ``public`` role;
* the route's actions (its controller action, or its ``auth.scope``) must
  all be allowed to the credentials, else 403 ``ForbiddenError``
  "Forbidden". A logged-in user has their own role's actions only, not the
  public role's.

``ctx.state.user`` (the user, without private fields, with its role) and
``ctx.state.auth`` (``strategy``, ``credentials``, ``ability``) are set
before the route's policies run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ...errors import ForbiddenError, UnauthorizedError
from ...http.context import Context
from .permissions import ACTION, Ability, Permissions

if TYPE_CHECKING:
    from ...app import Route

__all__ = ["Auth", "Strategy", "RouteAuth", "unauthorized", "forbidden"]


@dataclass(frozen=True)
class Auth:
    """``ctx.state.auth``: who is calling, as a strategy vouched for them."""

    #: ``"users-permissions"`` (a JWT, or no credentials) or ``"api-token"``
    strategy: str
    #: the user (JWT), the token (API token), or None for the public
    credentials: Any
    ability: Ability

    @property
    def user(self) -> dict[str, Any] | None:
        """The user the credentials are, when they are a user's."""
        return self.credentials if self.strategy == "users-permissions" else None


class Strategy(Protocol):
    """One way a Bearer token is checked (a JWT, an API token)."""

    name: str

    def authenticate(self, token: str) -> Auth | None:
        """The caller ``token`` proves, or None when the token is not of this strategy's kind.

        A token of this kind that does not check out (tampered, expired, a
        blocked user's) raises ``unauthorized()``.
        """


def unauthorized() -> UnauthorizedError:
    """Strapi's 401 for credentials that do not check out."""
    return UnauthorizedError("Missing or invalid credentials", {})


def forbidden() -> ForbiddenError:
    """Strapi's 403 for credentials (or none) whose role lacks the route's action."""
    return ForbiddenError("Forbidden", {})


class RouteAuth:
    """``app.auth``: makes each route's authentication and authorization step."""

    def __init__(self, permissions: Permissions, strategies: Sequence[Strategy]) -> None:
        self.permissions = permissions
        self.strategies = list(strategies)

    def actions_of(self, route: Route) -> tuple[str, ...] | None:
        """The actions ``route`` needs, () for none (credentials still checked), or None: not checked.

        ``config.auth`` False: not checked. ``{"scope": [...]}``: those. A
        route whose handler is a controller action (an api's routes, core
        routers, plugins' routes): that action. Any other route added in
        code: not checked. A function handler in an api needs ``config.auth``.
        """
        auth = route.config.get("auth", True)
        if auth is False:
            return None
        if isinstance(auth, Mapping):
            unknown = set(auth) - {"scope"}
            if unknown:
                raise ValueError(f"{route.where}: unknown auth key {sorted(unknown)[0]!r} (auth takes scope)")
            scope = auth.get("scope", [])
            scope = [scope] if isinstance(scope, str) else list(scope)
            for action in scope:
                if not isinstance(action, str) or not ACTION.match(action):
                    raise ValueError(f"{route.where}: auth scope {action!r} is not an action UID")
            return tuple(scope)
        if auth is not True:
            raise ValueError(f"{route.where}: auth is False or {{'scope': [...]}}, not {auth!r}")
        if route.action is not None:
            return (route.action,)
        if route.api is not None:
            raise ValueError(f"{route.where}: a function handler has no action a role could be granted; "
                             "set config.auth to False (public) or {'scope': [actions]}")
        return None

    def step(self, route: Route) -> Callable[[Context], None] | None:
        """The check that runs before ``route``'s policies, or None when the route is not checked."""
        needed = self.actions_of(route)
        if needed is None:
            return None
        permissions = self.permissions
        strategies = self.strategies

        def authenticate(ctx: Context) -> None:
            header = ctx.environ.get("HTTP_AUTHORIZATION")
            if header and header[:7].lower() == "bearer ":
                token = header[7:].strip()
                for strategy in strategies:
                    auth = strategy.authenticate(token)
                    if auth is not None:
                        break
                else:
                    raise unauthorized()
            else:
                auth = Auth("users-permissions", None, permissions.public())
            state = ctx.state
            state["auth"] = auth
            state["user"] = auth.user
            ability = auth.ability
            for action in needed:
                if not ability.can(action):
                    raise forbidden()

        return authenticate
