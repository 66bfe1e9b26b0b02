"""``plugin::users-permissions.user``: ``/users/me`` and the users CRUD, with Strapi's answers.

Users are answered bare, as Strapi answers them: a user object, an array,
a number, never the ``{"data", "meta"}`` envelope. Each action is guarded
like any content API action (``plugin::users-permissions.user.find``,
``.findOne``, ``.count``, ``.create``, ``.update``, ``.destroy``, ``.me``);
only ``me`` is granted by default (to ``authenticated``).

Reads take Strapi's query (``filters``, ``sort``, ``fields``, ``populate``,
``pagination`` for the list; ``fields`` and ``populate`` for one user),
checked as any REST query: private attributes cannot be named. The list
is paginated with the REST limits (``maxLimit`` when none is asked for;
Strapi would answer every user at once).

Writes take the user itself, not ``{"data": ...}``. A client may write
``username``, ``email`` and ``password``, nothing else: Strapi lets
``role``, ``blocked`` and ``confirmed`` through to whoever holds
``user.update``, which makes that permission a way to promote oneself;
here they are ``Invalid parameters``, and server code sets them with the
users service. A missing user is 404 (Strapi answers 204 or 200 with no body).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...content.query import Query
from ...errors import ApplicationError, NotFoundError, UnauthorizedError
from ...http.context import Context
from ...project.registry import Controller
from ...rest.sanitize import check_query
from .auth_controller import USERS_SERVICE, invalid_parameters, refuse_hashes
from .sanitize import check_role_use, sanitize_user
from .schemas import USER
from .users import UsersService
from .validation import Email, Required, body_object, check, invalid

__all__ = ["UserController"]

_WRITABLE = ("username", "email", "password")


class UserController(Controller):
    """Strapi's user controller (see the module docstring)."""

    @property
    def users(self) -> UsersService:
        users: UsersService = self.app.service(USERS_SERVICE)
        return users

    # -- reads ---------------------------------------------------------------------

    def _query(self, ctx: Context, keys: tuple[str, ...], **extra: Any) -> Query:
        raw = {key: ctx.query[key] for key in keys if ctx.query.get(key) is not None}
        check_role_use(raw, ctx.state.get("auth"))
        return check_query(self.app.content_types, USER, {**raw, **extra}, self.app.rest_limits)

    def _out(self, ctx: Context, entry: Any) -> Any:
        return sanitize_user(self.app.content_types, entry, ctx.state.get("auth"))

    def _one(self, ctx: Context, user_id: int) -> dict[str, Any] | None:
        query = self._query(ctx, ("fields", "populate"), filters={"id": user_id})
        return self.users.documents.find_first(query=query)

    def me(self, ctx: Context) -> Any:
        user = ctx.state.get("user")
        if not isinstance(user, Mapping):  # an API token may hold user.me, but it is nobody
            raise UnauthorizedError("Unauthorized", {})
        found = self._one(ctx, int(user["id"]))
        if found is None:
            raise UnauthorizedError("Unauthorized", {})
        return self._out(ctx, found)

    def find(self, ctx: Context) -> Any:
        query = self._query(ctx, ("filters", "sort", "fields", "populate", "pagination"))
        limit = self.app.config.get("api.rest.maxLimit", 100)
        entries, _ = self.users.documents.find_page(query=query, default_limit=limit, max_limit=limit,
                                                    with_count=False)
        return self._out(ctx, entries)

    def find_one(self, ctx: Context) -> Any:
        found = self._one(ctx, _user_id(ctx))
        if found is None:
            raise NotFoundError()
        return self._out(ctx, found)

    def count(self, ctx: Context) -> int:
        return self.users.documents.count(query=self._query(ctx, ("filters",)))

    # -- writes ----------------------------------------------------------------------

    def create(self, ctx: Context) -> Any:
        body = body_object(ctx.request_body)
        invalid_parameters(body, _WRITABLE)
        check(body, [Required("email"), Email("email"), Required("username"), Required("password")])
        refuse_hashes(body["password"])
        users = self.users

        def free() -> None:
            _free(users, body, None)

        free()
        user = users.add({**body, "provider": "local"}, check=free)
        ctx.status = 201
        return self._out(ctx, user)

    def update(self, ctx: Context) -> Any:
        user_id = _user_id(ctx)
        users = self.users
        if users.fetch(user_id) is None:
            raise NotFoundError("User not found")
        body = body_object(ctx.request_body)
        invalid_parameters(body, _WRITABLE)
        check(body, [_NonEmpty(key) for key in _WRITABLE] + [Email("email")])
        if "password" in body:
            refuse_hashes(body["password"])

        def free() -> None:
            _free(users, body, user_id)

        free()
        user = users.edit(user_id, body, check=free)
        if user is None:
            raise NotFoundError("User not found")
        return self._out(ctx, user)

    def destroy(self, ctx: Context) -> Any:
        user = self.users.remove(_user_id(ctx))
        if user is None:
            raise NotFoundError("User not found")
        return self._out(ctx, user)


class _NonEmpty:
    """``yup.string().min(1)`` on an optional key: when given, a string of at least one character."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __call__(self, body: Mapping[str, Any]) -> dict[str, Any] | None:
        if self.key not in body:
            return None
        value = body[self.key]
        if value is None:
            return invalid(self.key, f"{self.key} cannot be null")
        if not isinstance(value, str):
            return Required(self.key)(body)
        if not value:
            return invalid(self.key, f"{self.key} must be at least 1 characters", value,
                           echo="password" not in self.key)
        return None


def _free(users: UsersService, body: Mapping[str, Any], but: int | None) -> None:
    """Strapi's answers to a username or email someone else has."""
    if "username" in body and users.documents.count(
            filters={"username": body["username"], **({"id": {"$ne": but}} if but is not None else {})}):
        raise ApplicationError("Username already taken", {})
    if "email" in body and users.documents.count(
            filters={"email": str(body["email"]).lower(), **({"id": {"$ne": but}} if but is not None else {})}):
        raise ApplicationError("Email already taken", {})


def _user_id(ctx: Context) -> int:
    """The ``:id`` of a user route: a user's numeric id (anything else names no user: 404)."""
    raw = ctx.params.get("id", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise NotFoundError("User not found")
    return int(raw)

