"""``plugin::users-permissions.auth``: register, log in, and passwords, with Strapi's answers.

Actions (the routes are in ``routes``):

* ``register``: ``{"username", "email", "password"}`` -> ``{"jwt", "user"}``
  (the user gets the ``authenticated`` role, ``provider: "local"``,
  ``confirmed: true``: no email confirmation, as Strapi's default);
  another key -> ``Invalid parameters: <keys>``; a taken username or
  email (as either) -> ApplicationError "Email or Username are already taken".
* ``callback`` (``POST /auth/local``): ``{"identifier", "password"}``, the
  identifier a username or an email (any case) -> ``{"jwt", "user"}``; an
  unknown user and a wrong password are the same ValidationError "Invalid
  identifier or password", and take as long; a blocked user (checked after
  the password, so a guess learns nothing) -> "Your account has been
  blocked by an administrator".
* ``forgotPassword``: ``{"email"}`` -> ``{"ok": true}`` whatever the address
  (known, unknown, blocked, the email failing): a reset code goes to a
  known one through the email provider.
* ``resetPassword``: ``{"code", "password", "passwordConfirmation"}`` ->
  ``{"jwt", "user"}``; a wrong, spent or expired code -> "Incorrect code provided".
* ``changePassword``: logged in, ``{"currentPassword", "password",
  "passwordConfirmation"}`` -> ``{"jwt", "user"}``.

A password change or reset voids the user's JWTs issued before it; the
answer carries a new one. A password that is itself a password hash is
refused (it would be stored as the hash).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from ...content.passwords import is_hash
from ...errors import ApplicationError, ValidationError
from ...http.context import Context
from ...project.registry import Controller
from .reset_codes import ResetCodes
from .sanitize import sanitize_user
from .settings import Settings
from .users import TAKEN, UsersService
from .validation import Email, Known, Matches, Required, body_object, check

__all__ = ["AuthController", "USERS_SERVICE", "refuse_hashes"]

log = logging.getLogger("minikoa.users-permissions")

USERS_SERVICE = "plugin::users-permissions.user"
_REGISTER_KEYS = ("username", "email", "password")
_RESET_KEYS = ("password", "passwordConfirmation", "code")
_CHANGE_KEYS = ("password", "passwordConfirmation", "currentPassword")
_INVALID_LOGIN = "Invalid identifier or password"


def refuse_hashes(password: str) -> None:
    """400 for a password that is a password hash (it would be kept as the hash, unhashed)."""
    if is_hash(password):
        raise ValidationError("Your password cannot be a password hash", {})


def invalid_parameters(body: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    """Strapi's 400 for keys a client may not send: ``Invalid parameters: role, blocked``."""
    extra = [str(key)[:200] for key in body if key not in allowed]
    if extra:
        raise ValidationError(f"Invalid parameters: {', '.join(extra)}", {})


class AuthController(Controller):
    """Strapi's auth controller (see the module docstring); ``settings`` is bound when installed."""

    settings: Settings

    @property
    def users(self) -> UsersService:
        users: UsersService = self.app.service(USERS_SERVICE)
        return users

    def _answer(self, ctx: Context, user: Mapping[str, Any]) -> dict[str, Any]:
        return {"jwt": self.users.issue(user),
                "user": sanitize_user(self.app.content_types, user, ctx.state.get("auth"))}

    def register(self, ctx: Context) -> dict[str, Any]:
        body = body_object(ctx.request_body)
        invalid_parameters(body, _REGISTER_KEYS)
        check(body, [Required("email"), Email("email"), Required("username"), Required("password")])
        refuse_hashes(body["password"])
        users = self.users

        def free() -> None:
            if users.taken(username=body["username"], email=body["email"]):
                raise ApplicationError(TAKEN, {})

        free()  # before hashing the password: the common refusal costs no hash
        user = users.add({"username": body["username"], "email": body["email"], "password": body["password"],
                          "provider": "local", "confirmed": True}, check=free)
        return self._answer(ctx, user)

    def callback(self, ctx: Context) -> dict[str, Any]:
        body = body_object(ctx.request_body)
        check(body, [Required("identifier"), Required("password")])
        users = self.users
        user = users.by_identifier(body["identifier"])
        # Checked even for no user (against a dummy hash): an unknown identifier takes as long to refuse.
        valid = users.check_password(int(user["id"]) if user is not None else None, body["password"])
        if user is None or not valid:
            raise ValidationError(_INVALID_LOGIN, {})
        if user.get("blocked"):
            raise ApplicationError("Your account has been blocked by an administrator", {})
        return self._answer(ctx, user)

    def forgot_password(self, ctx: Context) -> dict[str, Any]:
        body = body_object(ctx.request_body)
        check(body, [Required("email"), Email("email"), Known(("email",))])
        user = self.users.by_email(body["email"])
        if user is not None and not user.get("blocked"):
            codes = ResetCodes(self.users, self.settings)
            code = codes.issue(user)
            try:
                self.settings.email.send(codes.message(user, code))
            except Exception:  # the answer must not tell that this address has an account
                log.exception("users-permissions: the reset email to user %s was not sent", user["id"])
        return {"ok": True}

    def reset_password(self, ctx: Context) -> dict[str, Any]:
        body = body_object(ctx.request_body)
        check(body, [Required("password"), Required("passwordConfirmation"), Required("code"), Known(_RESET_KEYS)])
        if body["password"] != body["passwordConfirmation"]:
            raise ValidationError("Passwords do not match", {})
        refuse_hashes(body["password"])
        user = ResetCodes(self.users, self.settings).redeem(body["code"], body["password"])
        if user is None:
            raise ValidationError("Incorrect code provided", {})
        return self._answer(ctx, user)

    def change_password(self, ctx: Context) -> dict[str, Any]:
        caller = ctx.state.get("user")
        if not isinstance(caller, Mapping):
            raise ApplicationError("You must be authenticated to reset your password", {})
        body = body_object(ctx.request_body)
        check(body, [Required("password"), Required("passwordConfirmation"),
                     Matches("passwordConfirmation", "password"), Required("currentPassword"), Known(_CHANGE_KEYS)])
        users = self.users
        if not users.check_password(int(caller["id"]), body["currentPassword"]):
            raise ValidationError("The provided current password is invalid", {})
        if body["currentPassword"] == body["password"]:
            raise ValidationError("Your new password must be different than your current password", {})
        refuse_hashes(body["password"])
        user = users.set_password(int(caller["id"]), body["password"])
        if user is None:  # deleted meanwhile
            raise ApplicationError("You must be authenticated to reset your password", {})
        return self._answer(ctx, user)
