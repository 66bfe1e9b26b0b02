"""JWTs of users (PyJWT): issued at login, checked on every request that carries one.

HS256 only, pinned when a token is checked (``alg: none`` and every other
algorithm are refused), ``exp`` required (30 days by default,
``jwt.expiresIn`` in seconds), ``iat`` set. The payload is Strapi's
``{"id": <user id>}``.

The secret is ``config/plugins.py``'s ``users-permissions.config.jwtSecret``
or ``JWT_SECRET``. In production (``MINIKOA_ENV``/``NODE_ENV`` =
``production``) an app without one does not start. In development one is
made, kept in ``.tmp/jwt-secret`` beside the database so every worker (and
the next start) uses the same, and the log says so; it is made when the app
is built to serve or a token is first issued, never by merely loading the
project (``minikoa routes`` writes nothing).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jwt as pyjwt

from .auth import Auth, unauthorized
from .dev_secrets import JWT_SECRET
from .lazy import Lazy
from .permissions import Permissions

__all__ = ["Jwt", "JwtStrategy", "secret_for", "configured_secret", "DEFAULT_EXPIRES_IN"]

log = logging.getLogger("minikoa.users-permissions")

#: 30 days, Strapi's default.
DEFAULT_EXPIRES_IN = 30 * 24 * 3600
_ALGORITHM = "HS256"
#: Seconds of clock difference a check tolerates (``iat`` a little ahead, ``exp`` a little past): machines
#: sharing a database disagree by that much, and a password change issues its token for the next second.
CLOCK_LEEWAY = 5


def configured_secret(config: Mapping[str, Any], environment: str) -> str | None:
    """The JWT secret the config or ``JWT_SECRET`` gives (``dev_secrets.Secret.configured``)."""
    return JWT_SECRET.configured(config, environment)


def secret_for(config: Mapping[str, Any], folder: Path, environment: str) -> str:
    """The JWT secret: the config's, ``JWT_SECRET``, or (outside production) one kept in ``folder``."""
    return JWT_SECRET.resolve(config, folder, environment)


class Jwt:
    """Issues and checks the tokens of users."""

    def __init__(self, secret: str | Lazy[str], expires_in: int = DEFAULT_EXPIRES_IN) -> None:
        if not isinstance(expires_in, int) or isinstance(expires_in, bool) or expires_in < 1:
            raise ValueError(f"users-permissions: jwt.expiresIn must be a positive number of seconds, "
                             f"not {expires_in!r}")
        #: The secret, or how to make it on first use (the development one kept in ``.tmp``).
        self._source = secret if isinstance(secret, Lazy) else Lazy(lambda: secret)
        self.expires_in = expires_in

    @property
    def _secret(self) -> str:
        return self._source.get()

    def ready(self) -> None:
        """Work out the secret now (the app's build does, so a development one is made at start-up)."""
        self._source.get()

    def issue(self, user_id: int, now: float | None = None) -> str:
        issued = int(time.time() if now is None else now)
        return pyjwt.encode({"id": user_id, "iat": issued, "exp": issued + self.expires_in}, self._secret,
                            algorithm=_ALGORITHM)

    def verify(self, token: str) -> dict[str, Any]:
        """The payload of a genuine, unexpired token; 401 for anything else."""
        try:
            payload = pyjwt.decode(token, self._secret, algorithms=[_ALGORITHM],
                                   options={"require": ["exp", "iat"]}, leeway=CLOCK_LEEWAY)
        except pyjwt.PyJWTError:
            raise unauthorized() from None
        if not isinstance(payload.get("id"), int) or isinstance(payload.get("id"), bool):
            raise unauthorized()
        return payload


class JwtStrategy:
    """The users-permissions strategy: a JWT names a user, whose role says what they may do."""

    name = "users-permissions"

    def __init__(self, jwt: Jwt, user: Callable[[int, int], dict[str, Any] | None],
                 permissions: Permissions) -> None:
        self.jwt = jwt
        self._user = user
        self.permissions = permissions

    def authenticate(self, token: str) -> Auth | None:
        if token.count(".") != 2:
            return None  # not a JWT: another strategy's token, perhaps
        payload = self.jwt.verify(token)
        user = self._user(payload["id"], int(payload["iat"]))  # None too for a token a password change voided
        if user is None or user.get("blocked"):
            raise unauthorized()
        role = user.get("role")
        role_id = role.get("id") if isinstance(role, Mapping) else None
        return Auth(self.name, user, self.permissions.ability(role_id))
