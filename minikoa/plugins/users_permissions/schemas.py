"""The users-permissions content-types, as Strapi 5 declares them (``up_users``, ``up_roles``,
``up_permissions``), stored like any content-type.

minikoa is stricter in three places: usernames and emails are unique in the
database (Strapi only checks before a register); the reset and
confirmation tokens are private as the password is, so none of them can be
read, filtered, sorted or populated through the API or sent in an event;
and two more private attributes, which Strapi does not have, keep what its
weaknesses lack: ``passwordChangedAt`` (a user's JWTs issued before it are
void: a password change or reset logs every other session out) and
``resetPasswordTokenExpiresAt`` (a reset code works for an hour, not
forever; the code itself is kept only as a hash in ``resetPasswordToken``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["USER", "ROLE", "PERMISSION", "SCHEMAS"]

USER = "plugin::users-permissions.user"
ROLE = "plugin::users-permissions.role"
PERMISSION = "plugin::users-permissions.permission"


def _type(singular: str, plural: str, table: str, display: str, attributes: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "collectionType", "collectionName": table,
            "info": {"singularName": singular, "pluralName": plural, "displayName": display},
            "options": {"draftAndPublish": False}, "attributes": attributes}


SCHEMAS: dict[str, dict[str, Any]] = {
    PERMISSION: _type("permission", "permissions", "up_permissions", "Permission", {
        "action": {"type": "string", "required": True, "configurable": False},
        "role": {"type": "relation", "relation": "manyToOne", "target": ROLE, "inversedBy": "permissions",
                 "configurable": False},
    }),
    ROLE: _type("role", "roles", "up_roles", "Role", {
        "name": {"type": "string", "minLength": 3, "required": True, "configurable": False},
        "description": {"type": "string", "configurable": False},
        "type": {"type": "string", "unique": True, "configurable": False},
        "permissions": {"type": "relation", "relation": "oneToMany", "target": PERMISSION, "mappedBy": "role",
                        "configurable": False},
        "users": {"type": "relation", "relation": "oneToMany", "target": USER, "mappedBy": "role",
                  "configurable": False},
    }),
    USER: _type("user", "users", "up_users", "User", {
        "username": {"type": "string", "minLength": 3, "unique": True, "configurable": False, "required": True},
        "email": {"type": "email", "minLength": 6, "unique": True, "configurable": False, "required": True},
        "provider": {"type": "string", "configurable": False},
        "password": {"type": "password", "minLength": 6, "configurable": False, "private": True,
                     "searchable": False},
        "resetPasswordToken": {"type": "string", "configurable": False, "private": True, "searchable": False},
        "confirmationToken": {"type": "string", "configurable": False, "private": True, "searchable": False},
        "passwordChangedAt": {"type": "datetime", "configurable": False, "private": True, "searchable": False},
        "resetPasswordTokenExpiresAt": {"type": "datetime", "configurable": False, "private": True,
                                        "searchable": False},
        "confirmed": {"type": "boolean", "default": False, "configurable": False},
        "blocked": {"type": "boolean", "default": False, "configurable": False},
        "role": {"type": "relation", "relation": "manyToOne", "target": ROLE, "inversedBy": "users",
                 "configurable": False},
    }),
}
