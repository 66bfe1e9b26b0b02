"""The grants a database gets at its first start: Strapi's defaults for ``public`` and ``authenticated``.

As Strapi's users-permissions does on a fresh project, the ``public`` role
may log in, register and reset a forgotten password, and the
``authenticated`` role may read itself (``/users/me``) and change its
password. Nothing else is open until the project grants it.

"First start" is a marker row in the database, written under the write
lock, so of several workers starting together exactly one grants, and a
revoke made later is never undone by a restart.
"""

from __future__ import annotations

from ...content.tables import SEQUENCES
from ...db import Database
from .permissions import Permissions

__all__ = ["DEFAULT_GRANTS", "grant_defaults"]

_PREFIX = "plugin::users-permissions."
#: role type -> the actions it gets at the first start (Strapi's, for the routes minikoa has)
DEFAULT_GRANTS: dict[str, tuple[str, ...]] = {
    "public": tuple(_PREFIX + a for a in ("auth.callback", "auth.register", "auth.forgotPassword",
                                          "auth.resetPassword")),
    "authenticated": tuple(_PREFIX + a for a in ("user.me", "auth.changePassword")),
}
_MARKER = "users-permissions.default-grants"


def grant_defaults(permissions: Permissions, db: Database) -> None:
    """Grant ``DEFAULT_GRANTS`` if the database ``db`` never got them (run after the roles are made)."""
    with db.atomic():
        cursor = db.execute(db.dialect.insert_or_ignore(SEQUENCES, ("name", "value")), [_MARKER, 1])
        if cursor.rowcount:
            for role, actions in DEFAULT_GRANTS.items():
                permissions.grant(role, actions)
