"""``app.permissions``: roles and the actions each may run, kept in the database, checked from memory.

Roles are Strapi's: ``public`` (callers without credentials) and
``authenticated`` (every user registered) exist from the first start;
``create_role`` adds more. An action is a controller action's UID,
``api::article.article.findOne``, or a plugin's
(``plugin::users-permissions.user.me``).

A request checks its role's actions in memory. Every change (grant,
revoke, a role made) bumps a counter in the database; a process that sees
the counter moved reloads, looking at most once a second, so every gunicorn
worker follows a change made by another within a second.
"""

from __future__ import annotations

import difflib
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ...content.documents import DocumentService
from ...content.tables import SEQUENCES
from ...db import Database
from .schemas import PERMISSION, ROLE

if TYPE_CHECKING:
    from ...content.layer import ModelLayer

__all__ = ["Permissions", "Ability", "ACTION", "FULL_ACCESS"]

#: An action UID: ``api::<api>.<controller>.<action>`` or ``plugin::<plugin>.<controller>.<action>``.
ACTION = re.compile(r"^(?:api|plugin)::[a-z0-9][a-z0-9-]*\.[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_]*$")
_VERSION = "users-permissions.permissions"
#: Seconds a process trusts its copy of the permissions before it looks at the counter again.
_RECHECK = 1.0


class Ability:
    """What one set of credentials may do: ``can(action)``."""

    __slots__ = ("actions", "everything")

    def __init__(self, actions: Iterable[str] = (), everything: bool = False) -> None:
        self.actions = frozenset(actions)
        self.everything = everything

    def can(self, action: str) -> bool:
        return self.everything or action in self.actions

    def __repr__(self) -> str:
        return "<Ability: everything>" if self.everything else f"<Ability {sorted(self.actions)}>"


#: The ability of a full-access API token.
FULL_ACCESS = Ability(everything=True)


class Permissions:
    """Roles and their actions (``app.permissions``); see the module docstring."""

    def __init__(self, layer: Callable[[], ModelLayer], known_actions: Callable[[], set[str]]) -> None:
        self._layer = layer
        #: every action the app's routes and controllers offer, for checking what is granted
        self._known = known_actions
        self._lock = threading.Lock()
        self._abilities: dict[int, Ability] = {}
        self._types: dict[str, int] = {}
        self._version: int | None = None
        self._checked = 0.0

    # -- roles -------------------------------------------------------------------

    @property
    def _roles(self) -> DocumentService:
        return self._layer().documents(ROLE)

    def ensure_roles(self) -> None:
        """Make the ``public`` and ``authenticated`` roles if they are not there (the first start)."""
        with self._db.atomic():
            for name, type_, description in (
                    ("Authenticated", "authenticated", "Default role given to authenticated user."),
                    ("Public", "public", "Default role given to unauthenticated user.")):
                if self._roles.count(filters={"type": type_}) == 0:
                    self._roles.create(data={"name": name, "type": type_, "description": description})
                    self._bump()

    def create_role(self, name: str, type: str | None = None, description: str = "") -> dict[str, Any]:
        """A new role; ``type`` (its stable name, unique) defaults to ``name`` in kebab case."""
        kind = type or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        with self._db.atomic():
            if self._roles.count(filters={"type": kind}):
                raise ValueError(f"a role of type {kind!r} exists already")
            role = self._roles.create(data={"name": name, "type": kind, "description": description})
            self._bump()
        return role

    def roles(self) -> list[dict[str, Any]]:
        """Every role: ``id``, ``documentId``, ``name``, ``description``, ``type``."""
        return self._roles.find_many(sort="id")

    def role(self, role: str | int | Mapping[str, Any]) -> dict[str, Any]:
        """A role by type (``"public"``), id, or a role dict; a LookupError naming the types known."""
        if isinstance(role, Mapping):
            role = role.get("id") or role.get("type") or ""
        filters = {"id": role} if isinstance(role, int) and not isinstance(role, bool) else {"type": role}
        found = self._roles.find_first(filters=filters)
        if found is None:
            known = [r["type"] for r in self.roles()]
            close = difflib.get_close_matches(str(role), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (roles: {', '.join(known)})"
            raise LookupError(f"unknown role {role!r}{hint}")
        return found

    # -- actions -------------------------------------------------------------------

    def grant(self, role: str | int | Mapping[str, Any], actions: str | Iterable[str]) -> None:
        """Let ``role`` run ``actions`` (action UIDs); each must be one the app offers."""
        wanted = self._check_actions(actions)
        found = self.role(role)
        permissions = self._layer().documents(PERMISSION)
        with self._db.atomic():
            have = set(self._actions_of(found["id"]))
            for action in wanted:
                if action not in have:
                    permissions.create(data={"action": action, "role": found["documentId"]})
                    have.add(action)
            self._bump()

    def revoke(self, role: str | int | Mapping[str, Any], actions: str | Iterable[str]) -> None:
        """Stop ``role`` from running ``actions``."""
        wanted = set(self._check_actions(actions, known_only=False))
        found = self.role(role)
        with self._db.atomic():
            self._layer().documents(PERMISSION).delete_many(
                filters={"role": {"id": found["id"]}, "action": {"$in": sorted(wanted)}})
            self._bump()

    def actions(self, role: str | int | Mapping[str, Any]) -> list[str]:
        """The actions ``role`` may run, sorted."""
        return sorted(self._actions_of(self.role(role)["id"]))

    def ability(self, role_id: int | None) -> Ability:
        """What the role with id ``role_id`` may do (None: nothing), from memory, reloaded on a change."""
        self._fresh()
        if role_id is None:
            return Ability()
        found = self._abilities.get(role_id)
        return found if found is not None else Ability()

    def public(self) -> Ability:
        """What a caller without credentials may do."""
        self._fresh()
        role_id = self._types.get("public")
        return self._abilities.get(role_id, Ability()) if role_id is not None else Ability()

    def role_id(self, type_: str) -> int | None:
        """The id of the role of type ``type_`` (``"authenticated"``), or None."""
        self._fresh()
        return self._types.get(type_)

    # -- the cache ---------------------------------------------------------------------

    @property
    def _db(self) -> Database:
        return self._layer().db

    def _check_actions(self, actions: str | Iterable[str], known_only: bool = True) -> list[str]:
        items = [actions] if isinstance(actions, str) else list(actions)
        known = self._known() if known_only else set()
        for action in items:
            if not isinstance(action, str) or not ACTION.match(action):
                raise ValueError(f"{action!r} is not an action UID (api::<api>.<controller>.<action>)")
            if known_only and action not in known:
                close = difflib.get_close_matches(action, sorted(known), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"no route runs the action {action!r}{hint}")
        return items

    def _actions_of(self, role_id: int) -> list[str]:
        rows = self._layer().documents(PERMISSION).find_many(filters={"role": {"id": role_id}}, fields=["action"])
        return [row["action"] for row in rows]

    def _bump(self) -> None:
        db, d = self._db, self._db.dialect
        db.execute(d.insert_or_ignore(SEQUENCES, ("name", "value")), [_VERSION, 0])
        db.execute(f"UPDATE {d.quote(SEQUENCES)} SET value = value + 1 WHERE name = {d.param}", [_VERSION])
        db.on_commit(self._forget)

    def _forget(self) -> None:
        self._version = None

    def _fresh(self) -> None:
        """Reload the roles and their actions if another process (or this one) changed them."""
        now = time.monotonic()
        if self._version is not None and now - self._checked < _RECHECK:
            return
        db, d = self._db, self._db.dialect
        version = db.scalar(f"SELECT value FROM {d.quote(SEQUENCES)} WHERE name = {d.param}", [_VERSION]) or 0
        self._checked = now
        if version == self._version:
            return
        with self._lock:
            roles = self._roles.find_many(fields=["type"])
            permissions = self._layer().documents(PERMISSION).find_many(fields=["action"], populate=["role"])
            by_role: dict[int, set[str]] = {role["id"]: set() for role in roles}
            for permission in permissions:
                role = permission.get("role")
                if role is not None:
                    by_role.setdefault(role["id"], set()).add(permission["action"])
            self._abilities = {role_id: Ability(actions) for role_id, actions in by_role.items()}
            self._types = {role["type"]: role["id"] for role in roles}
            self._version = version
