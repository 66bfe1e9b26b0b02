"""API tokens (Strapi's): long-lived keys for scripts and servers, checked on every request that sends one.

``app.api_tokens`` keeps them in the table ``minikoa_api_tokens``. A token
has a ``type``: ``read-only`` (the ``find`` and ``findOne`` actions of every
route), ``full-access`` (everything) or ``custom`` (its ``permissions``, a
list of actions the app's routes run), and an optional ``lifespan`` in
milliseconds (Strapi's 7, 30 or 90 days; None: it never expires) that sets
its ``expiresAt``.

**The key.** 128 random bytes in hex (256 characters), as Strapi makes them.
It is returned once, by ``create`` and ``regenerate``, under ``access_key``
(the admin API calls it ``accessKey``, as Strapi does), and never stored:
the table keeps its HMAC-SHA512 keyed by the salt, the very digest Strapi
computes, found through a unique index and compared in constant time. The
salt is ``config/plugins.py``'s ``users-permissions.config.apiTokenSalt`` or
``API_TOKEN_SALT``; in production an app without one does not start, in
development one is made and kept in ``.tmp/api-token-salt`` (every worker,
and the next start, use the same) when the app is built to serve or a key is
first used, never by merely loading the project. Another salt: every key
stops working.

**On a request** (``ApiTokenStrategy``, after the JWT strategy):
``Authorization: Bearer <key>`` with a key of that shape is looked up; none
found is the core's 401, an expired one 401 "Token expired", else
``ctx.state.auth`` is ``Auth("api-token", <the token, without its digest>,
<its ability>)`` and ``ctx.state.user`` stays None. ``lastUsedAt`` is
written at most once a minute per token, so reads stay reads (and a use is
not a change: ``updatedAt`` stays).

Times are ISO 8601 strings in UTC with milliseconds, written by ``_iso``
only; being of one fixed width, they compare as strings.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ...db import Column, Database, Dialect, Index, Table, UniqueViolation, sync
from ...db import ColumnType as T
from ...errors import ApplicationError, NotFoundError, UnauthorizedError
from .api_token_input import DAY_MS, LIFESPANS, TYPES, UNSET, Problems, check_create, check_update
from .auth import Auth
from .dev_secrets import API_TOKEN_SALT
from .lazy import Lazy
from .permissions import FULL_ACCESS, Ability

__all__ = ["ApiTokens", "ApiTokenStrategy", "ability_of", "READ_ONLY", "TOKENS", "TABLE", "salt_for", "configured_salt",
           "TYPES",
           "LIFESPANS", "DAY_MS", "UNSET"]

log = logging.getLogger("minikoa.users-permissions")

TOKENS = "minikoa_api_tokens"
TABLE = Table(TOKENS, (
    Column("name", T.TEXT, nullable=False),
    Column("description", T.TEXT, nullable=False),
    Column("type", T.TEXT, nullable=False),
    Column("access_key", T.TEXT, nullable=False),  # HMAC-SHA512(salt, key), hex: never the key
    Column("permissions", T.TEXT, nullable=False),  # a JSON list of actions ([] unless custom)
    Column("lifespan", T.BIGINT),  # milliseconds, or NULL: unlimited
    Column("expires_at", T.TEXT),
    Column("last_used_at", T.TEXT),
    Column("created_at", T.TEXT, nullable=False),
    Column("updated_at", T.TEXT, nullable=False),
), (Index(TOKENS + "_name", ("name",), unique=True), Index(TOKENS + "_access_key", ("access_key",), unique=True)))

#: What a key looks like: 128 bytes in hex. Anything else is not an API token, and is not looked up.
_KEY = re.compile(r"[0-9a-f]{256}")
#: ``lastUsedAt`` is written when it is older than this (seconds).
_TOUCH_EVERY = 60.0
_SHOWN = ("id", "name", "description", "type", "permissions", "lifespan", "expires_at", "last_used_at",
          "created_at", "updated_at")
#: Tokens as ``list`` returns them (``list`` is a method name in the class).
_Tokens = list[dict[str, Any]]


def configured_salt(config: Mapping[str, Any], environment: str) -> str | None:
    """The salt the config's ``apiTokenSalt`` or ``API_TOKEN_SALT`` gives (``dev_secrets.Secret.configured``)."""
    return API_TOKEN_SALT.configured(config, environment)


def salt_for(config: Mapping[str, Any], folder: Path, environment: str) -> str:
    """The salt: the config's ``apiTokenSalt``, ``API_TOKEN_SALT``, or (outside production) one kept in ``folder``."""
    return API_TOKEN_SALT.resolve(config, folder, environment)


def _iso(seconds: float) -> str:
    """An instant as the API shows it: UTC, milliseconds, ``Z``."""
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.isoformat(timespec="milliseconds")[:-6] + "Z"


class _ReadOnly(Ability):
    """What a read-only token may do: the ``find`` and ``findOne`` actions of every route.

    Strapi checks that an action's name *ends with* ``find``; here it must be
    ``find`` or ``findOne``, so a custom ``refind`` is not a read. Like
    ``FULL_ACCESS`` it is a rule, not a list: its ``actions`` are empty.
    """

    __slots__ = ()

    def can(self, action: str) -> bool:
        return action.endswith((".find", ".findOne"))

    def __repr__(self) -> str:
        return "<Ability: every find and findOne>"


#: The ability of a read-only token.
READ_ONLY = _ReadOnly()


class _Statements:
    """The tokens' SQL, in one dialect."""

    def __init__(self, d: Dialect) -> None:
        q, p = d.quote, d.param
        table = q(TOKENS)
        shown = ", ".join(q(column) for column in _SHOWN)
        self.insert = d.insert(TOKENS, ("name", "description", "type", "access_key", "permissions", "lifespan",
                                        "expires_at", "created_at", "updated_at"))
        self.one = f"SELECT {shown} FROM {table} WHERE id = {p}"
        self.list = f"SELECT {shown} FROM {table} ORDER BY name, id"
        self.named = f"SELECT id FROM {table} WHERE name = {p}"
        self.by_key = f"SELECT access_key, {shown} FROM {table} WHERE access_key = {p}"
        self.update = (f"UPDATE {table} SET name = {p}, description = {p}, type = {p}, permissions = {p}, "
                       f"updated_at = {p} WHERE id = {p}")
        self.rekey = f"UPDATE {table} SET access_key = {p}, updated_at = {p} WHERE id = {p}"
        self.delete = f"DELETE FROM {table} WHERE id = {p}"
        # Guarded, so two workers that both saw an old time write it once.
        self.touch = (f"UPDATE {table} SET last_used_at = {p} WHERE id = {p} "
                      f"AND (last_used_at IS NULL OR last_used_at < {p})")


def _public(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row as the API shows it (Strapi's shape; never the digest)."""
    return {"id": row["id"], "name": row["name"], "description": row["description"], "type": row["type"],
            "lifespan": None if row["lifespan"] is None else int(row["lifespan"]),
            "expiresAt": row["expires_at"], "lastUsedAt": row["last_used_at"],
            "permissions": json.loads(row["permissions"]), "createdAt": row["created_at"],
            "updatedAt": row["updated_at"]}


def _token_id(value: object) -> int | None:
    """A token id from the API (an int, or a string of digits), or None when it cannot be one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,18}", value):
        return int(value)
    return None


def _not_found() -> NotFoundError:
    return NotFoundError("API Token not found", {})


def _name_taken() -> ApplicationError:
    return ApplicationError("Name already taken", {})


class ApiTokens:
    """``app.api_tokens``: the API tokens of one app (see the module docstring).

    ``database()`` gives the database in use; ``known_actions()`` every
    action the app's routes run (what a custom token may be given);
    ``clock()`` is seconds since the epoch (tests may replace it).
    """

    def __init__(self, database: Callable[[], Database], known_actions: Callable[[], set[str]],
                 salt: str | Lazy[str], clock: Callable[[], float] = time.time) -> None:
        if not isinstance(salt, Lazy) and (not isinstance(salt, str) or not salt):
            raise ValueError("users-permissions: the API token salt must be a non-empty string")
        self._database = database
        self._known = known_actions
        #: The salt, or how to make it on first use (the development one kept in ``.tmp``).
        self._salt = salt if isinstance(salt, Lazy) else Lazy(lambda: salt)
        self.clock = clock
        self._lock = threading.Lock()
        self._bound: tuple[Database, _Statements] | None = None

    # -- the table -----------------------------------------------------------------

    def setup(self) -> None:
        """Work out the salt, create or evolve the table and write the statements for the database in
        use (idempotent; the app's build runs it, and so does the first use of a method before that)."""
        self._salt.get()
        db = self._database()
        with self._lock:
            if self._bound is None or self._bound[0] is not db:
                sync(db, (TABLE,))
                self._bound = (db, _Statements(db.dialect))

    def _sql(self) -> tuple[Database, _Statements]:
        bound = self._bound
        if bound is None or bound[0] is not self._database():
            self.setup()
            bound = self._bound
            assert bound is not None
        return bound

    def digest(self, key: str) -> str:
        """What the table keeps of ``key``: HMAC-SHA512 keyed by the salt, in hex (Strapi's ``hash``)."""
        return hmac.new(self._salt.get().encode(), key.encode(), hashlib.sha512).hexdigest()

    # -- managing tokens -----------------------------------------------------------------

    def create(self, name: str, type: str, description: str = "", permissions: Iterable[str] | None = None,
               lifespan: int | None = None) -> dict[str, Any]:
        """A new token, returned with its key under ``access_key``: the only time the key is shown.

        A 400 ``ValidationError`` (or ``ApplicationError`` "Name already taken")
        with Strapi's messages for anything wrong.
        """
        return self.create_from({"name": name, "type": type, "description": description,
                                 "permissions": permissions, "lifespan": lifespan})

    def create_from(self, fields: Mapping[str, object]) -> dict[str, Any]:
        """``create`` with its fields as a request body gives them: a missing or unknown one is a 400."""
        name, description, kind, permissions, lifespan = check_create(fields)
        db, sql = self._sql()
        key = secrets.token_hex(128)
        now = self.clock()
        stamp = _iso(now)
        expires = None if lifespan is None else _iso(now + lifespan / 1000)
        if db.query(sql.named, [name]):
            raise _name_taken()
        self._check_permissions(kind, permissions)
        try:  # the unique index settles a race with another process taking the name meanwhile
            with db.atomic():
                token_id = db.insert(sql.insert, [name, description, kind, self.digest(key),
                                                  json.dumps(permissions or []), lifespan, expires, stamp, stamp])
        except UniqueViolation:
            raise _name_taken() from None
        return {**self.get(token_id), "access_key": key}

    def list(self) -> _Tokens:
        """Every token (never a key or a digest), by name."""
        db, sql = self._sql()
        return [_public(row) for row in db.query_dicts(sql.list)]

    def get(self, token_id: int | str) -> dict[str, Any]:
        """One token (never its key or digest); 404 "API Token not found"."""
        found = self._find(token_id)
        if found is None:
            raise _not_found()
        return found

    def update(self, token_id: int | str, *, name: object = UNSET, description: object = UNSET,
               type: object = UNSET, permissions: object = UNSET) -> dict[str, Any]:
        """Change a token's ``name``, ``description``, ``type`` or ``permissions`` (its lifespan stays)."""
        given = {"name": name, "description": description, "type": type, "permissions": permissions}
        return self.update_from(token_id, {key: value for key, value in given.items() if value is not UNSET})

    def update_from(self, token_id: int | str, fields: Mapping[str, object]) -> dict[str, Any]:
        """``update`` with its fields as a request body gives them: an unknown one is a 400.

        As in Strapi: a token made ``custom`` needs its ``permissions``, one
        made anything else loses them, and a token whose type and permissions
        are not given keeps both.
        """
        changes = check_update(fields)
        current = self.get(token_id)
        db, sql = self._sql()
        name = changes.get("name", current["name"])
        taken = db.query(sql.named, [name])
        if taken and taken[0][0] != current["id"]:
            raise _name_taken()
        kind = changes.get("type", current["type"])
        wanted: list[str] | None = changes.get("permissions")  # None: not given, or given as null
        if "permissions" in changes or (kind == "custom" and current["type"] != "custom"):
            self._check_permissions(kind, wanted)
        if kind != "custom":
            kept: list[str] = []
        else:
            kept = wanted if wanted is not None else current["permissions"]
        try:
            with db.atomic():
                db.execute(sql.update, [name, changes.get("description", current["description"]), kind,
                                        json.dumps(kept), _iso(self.clock()), current["id"]])
        except UniqueViolation:
            raise _name_taken() from None
        return self.get(current["id"])

    def delete(self, token_id: int | str) -> dict[str, Any] | None:
        """Revoke a token: it stops working at once, in every worker. Returns it, or None if there was none."""
        found = self._find(token_id)
        if found is None:
            return None
        db, sql = self._sql()
        with db.atomic():
            db.execute(sql.delete, [found["id"]])
        return found

    def regenerate(self, token_id: int | str) -> dict[str, Any]:
        """A new key for a token (shown this once, under ``access_key``); the old one stops working."""
        found = self.get(token_id)
        key = secrets.token_hex(128)
        db, sql = self._sql()
        with db.atomic():
            db.execute(sql.rekey, [self.digest(key), _iso(self.clock()), found["id"]])
        return {**self.get(found["id"]), "access_key": key}

    # -- on a request ----------------------------------------------------------------------

    def verify(self, key: str) -> dict[str, Any] | None:
        """The token ``key`` opens, or None when it opens none; 401 "Token expired" for an expired one.

        Writes ``lastUsedAt`` when it is more than a minute old.
        """
        if not _KEY.fullmatch(key):
            return None
        digest = self.digest(key)
        db, sql = self._sql()
        rows = db.query_dicts(sql.by_key, [digest])
        if not rows or not hmac.compare_digest(rows[0]["access_key"], digest):
            return None
        token = _public(rows[0])
        now = self.clock()
        stamp = _iso(now)
        if token["expiresAt"] is not None and token["expiresAt"] <= stamp:
            raise UnauthorizedError("Token expired", {})
        stale = _iso(now - _TOUCH_EVERY)
        if token["lastUsedAt"] is None or token["lastUsedAt"] < stale:
            db.execute(sql.touch, [stamp, token["id"], stale])
            token["lastUsedAt"] = stamp
        return token

    # -- helpers -------------------------------------------------------------------------

    def _find(self, token_id: int | str) -> dict[str, Any] | None:
        number = _token_id(token_id)
        if number is None:
            return None
        db, sql = self._sql()
        rows = db.query_dicts(sql.one, [number])
        return _public(rows[0]) if rows else None

    def _check_permissions(self, kind: str, permissions: Sequence[str] | None) -> None:
        """Strapi's rules for a type and its permissions (400 ``ValidationError`` with its messages)."""
        if kind != "custom":
            if permissions:
                Problems.fail("Non-custom tokens should not reference permissions")
            return
        if permissions is None:
            Problems.fail("Missing permissions attribute for custom token")
        known = self._known()
        unknown = [action for action in permissions if action not in known]
        if unknown:
            Problems.fail(f"Unknown permissions provided: {', '.join(unknown)}")


def ability_of(token: Mapping[str, Any]) -> Ability:
    """What ``token`` may do: everything, every read, or its own permissions."""
    if token["type"] == "full-access":
        return FULL_ACCESS
    if token["type"] == "read-only":
        return READ_ONLY
    return Ability(token["permissions"])


class ApiTokenStrategy:
    """The ``api-token`` strategy: a Bearer key that is an API token's (see the module docstring)."""

    name = "api-token"

    def __init__(self, tokens: ApiTokens) -> None:
        self.tokens = tokens

    def authenticate(self, token: str) -> Auth | None:
        found = self.tokens.verify(token)
        return None if found is None else Auth(self.name, found, ability_of(found))
