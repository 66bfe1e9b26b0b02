"""The users service (``app.service("plugin::users-permissions.user")``, Strapi's ``getService('user')``).

What the auth and user controllers need of users, and what server code may
use itself: look a user up, add, edit and remove one, check a password
(upgrading an old hash on the way), change a password (which voids the
JWTs issued before), issue a JWT. Users are documents of
``plugin::users-permissions.user``; only the password hash is read and
rewritten in SQL here, because no document read ever returns it.

Server code may set anything (``edit(id, {"blocked": True, "role": ...})``);
what a client may set is the controllers' business.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from ...content.documents import DocumentService
from ...content.fields.dates import parse_datetime
from ...content.passwords import hash_password, needs_rehash, verify_password
from ...db import Database
from ...errors import ApplicationError, ValidationError
from ...project.registry import Service
from .jwt import Jwt
from .permissions import Permissions
from .schemas import USER

__all__ = ["UsersService", "TAKEN"]

#: Strapi's answer to a register whose username or email is someone's already.
TAKEN = "Email or Username are already taken"


class UsersService(Service):
    """Users: lookups, writes, passwords and JWTs (see the module docstring)."""

    @property
    def documents(self) -> DocumentService:
        return self.app.documents(USER)

    @property
    def jwt(self) -> Jwt:
        jwt = self.app.jwt
        assert jwt is not None, "users-permissions is installed with its JWTs"
        return jwt

    @property
    def permissions(self) -> Permissions:
        permissions = self.app.permissions
        assert permissions is not None, "users-permissions is installed with its permissions"
        return permissions

    # -- reads ---------------------------------------------------------------

    def fetch(self, user_id: int) -> dict[str, Any] | None:
        """The user with ``user_id`` (private attributes included, never the password), or None."""
        return self.documents.find_first(filters={"id": user_id})

    def by_identifier(self, identifier: str) -> dict[str, Any] | None:
        """The local user whose email (any case) or username is ``identifier`` (Strapi's login lookup)."""
        return self.documents.find_first(filters={"provider": "local", "$or": [
            {"email": identifier.lower()}, {"username": identifier}]}, sort="id")

    def by_email(self, email: str) -> dict[str, Any] | None:
        return self.documents.find_first(filters={"email": email.lower()}, sort="id")

    def taken(self, *, username: str, email: str) -> bool:
        """Whether a user has ``username`` or ``email`` (any case) as either (Strapi's register rule)."""
        names = [username, email.lower()]
        filters = {"$or": [{"username": {"$in": names}}, {"email": {"$in": names}}]}
        return self.documents.count(filters=filters) > 0

    def default_role(self) -> str:
        """The documentId of the role new users get (``authenticated``)."""
        return str(self.permissions.role("authenticated")["documentId"])

    # -- writes ----------------------------------------------------------------

    def add(self, data: Mapping[str, Any], check: Callable[[], None] | None = None) -> dict[str, Any]:
        """Create a user (``email`` kept in lower case, the ``authenticated`` role unless one is given).

        ``check`` runs under the write lock, just before the insert: a check of what is taken that no
        concurrent request can slip past. A username or email taken anyway (the database's unique
        index) is Strapi's ApplicationError.
        """
        values = self._prepared({**data, "email": str(data.get("email", "")).lower()})
        values.setdefault("role", self.default_role())
        try:
            with self.documents.db.atomic():
                if check is not None:
                    check()
                return self.documents.create(data=values)
        except ValidationError as exc:
            raise _taken_or(exc) from None

    def edit(self, user_id: int, data: Mapping[str, Any],
             check: Callable[[], None] | None = None) -> dict[str, Any] | None:
        """Update the user with ``user_id`` (``check`` as for ``add``); None if there is none.

        A new ``password`` voids the user's JWTs issued before now.
        """
        values = self._prepared(data)
        if "email" in values and isinstance(values["email"], str):
            values["email"] = values["email"].lower()
        if "password" in values:
            values["passwordChangedAt"] = _next_second() * 1000
        try:
            with self.documents.db.atomic():
                user = self.documents.find_first(filters={"id": user_id}, fields=["documentId"])
                if user is None:
                    return None
                if check is not None:
                    check()
                return self.documents.update(user["documentId"], data=values)
        except ValidationError as exc:
            raise _taken_or(exc) from None

    def _prepared(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """``data`` with a plain ``password`` checked against the schema and hashed, before any lock is
        taken (a hash costs tens of milliseconds; the write lock is held for the write alone)."""
        values = dict(data)
        password = values.get("password")
        if isinstance(password, str):
            try:
                self.app.db.validate(self.app.content_types[USER], {"password": password}, partial=True)
            except ValidationError as exc:
                raise _unechoed(exc) from None
            values["password"] = hash_password(password)
        return values

    def remove(self, user_id: int) -> dict[str, Any] | None:
        """Delete the user with ``user_id``: the user as it was, or None if there was none."""
        user = self.documents.find_first(filters={"id": user_id})
        if user is not None:
            self.documents.delete(user["documentId"])
        return user

    # -- passwords and tokens -------------------------------------------------------

    def check_password(self, user_id: int | None, password: str) -> bool:
        """Whether ``password`` is the user's, in constant time (as long for no user as for one).

        A hash made at another cost, or with scrypt, is replaced by a fresh one on success.
        """
        stored = self._stored_hash(user_id) if user_id is not None else None
        if not verify_password(password, stored):
            return False
        if user_id is not None and stored is not None and needs_rehash(stored):
            self._store_hash(user_id, hash_password(password))
        return True

    def set_password(self, user_id: int, password: str) -> dict[str, Any] | None:
        """Give the user a new password; the JWTs issued before are void from now on."""
        return self.edit(user_id, {"password": password})

    def issue(self, user: Mapping[str, Any]) -> str:
        """A JWT for ``user``, valid from its last password change on (see ``token_valid``)."""
        since = _epoch(user.get("passwordChangedAt"))
        now = time.time()
        return self.jwt.issue(int(user["id"]), now=max(now, since) if since is not None else now)

    @staticmethod
    def token_valid(user: Mapping[str, Any], issued_at: int) -> bool:
        """Whether a JWT issued at ``issued_at`` (its ``iat``) still counts for ``user``.

        A password change sets ``passwordChangedAt`` to the next whole second: every token issued
        before it (``iat``, in whole seconds, is at most the second of the change) is void, and the
        one the change hands out is issued for that second.
        """
        since = _epoch(user.get("passwordChangedAt"))
        return since is None or issued_at >= since

    def _stored_hash(self, user_id: int) -> str | None:
        db, table, column = self._password_column()
        value = db.scalar(f"SELECT {column} FROM {table} WHERE id = {db.dialect.param}", [user_id])
        return value if isinstance(value, str) else None

    def _store_hash(self, user_id: int, hashed: str) -> None:
        """Replace a hash by a stronger one of the same password (no event: nothing a reader sees changed)."""
        db, table, column = self._password_column()
        p = db.dialect.param
        db.execute(f"UPDATE {table} SET {column} = {p} WHERE id = {p}", [hashed, user_id])

    def _password_column(self) -> tuple[Database, str, str]:
        ctype = self.app.content_types[USER]
        column = ctype.attributes["password"].column
        assert column is not None
        db = self.app.db.db
        return db, db.dialect.quote(ctype.table), db.dialect.quote(column)


def _next_second() -> int:
    """The first whole second after now: where a password change puts the start of its tokens."""
    return math.floor(time.time()) + 1


def _epoch(value: Any) -> int | None:
    moment = parse_datetime(value) if value is not None else None
    return None if moment is None else math.floor(moment.timestamp())


def _unechoed(exc: ValidationError) -> ValidationError:
    """The same error without the ``value`` its details echo: an answer never repeats a password."""
    errors = exc.details.get("errors") if isinstance(exc.details, Mapping) else None
    if not errors:
        return exc
    hidden = [{key: value for key, value in error.items() if key != "value"} for error in errors]
    return ValidationError(exc.message, {**exc.details, "errors": hidden})


def _taken_or(exc: ValidationError) -> Exception:
    """A unique index's refusal of a username or email as Strapi words a taken one; any other error as is."""
    errors = exc.details.get("errors") if isinstance(exc.details, Mapping) else None
    if exc.message == "This attribute must be unique" and errors and errors[0].get("path") in (["username"],
                                                                                                ["email"]):
        return ApplicationError(TAKEN, {})
    return exc
