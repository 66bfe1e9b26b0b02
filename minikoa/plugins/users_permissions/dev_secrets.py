"""Secrets the plugin needs (the JWT secret, the API-token salt): from the config or the environment,
and outside production one made once and kept in the project's ``.tmp``.

Each is a ``Secret``: its config key, its environment variable, what it is
called in messages, and the file it is kept in. In production a missing one is
a ValueError that writes nothing. The kept one is written to a private draft
and hard-linked into place: a link appears whole and only once, so processes
starting together all read the one the first of them made, never half of it.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Secret", "JWT_SECRET", "API_TOKEN_SALT"]

log = logging.getLogger("minikoa.users-permissions")


@dataclass(frozen=True)
class Secret:
    """One secret the plugin reads (see the module docstring)."""

    key: str
    env: str
    label: str
    filename: str
    size: int = 32

    def configured(self, config: Mapping[str, Any], environment: str) -> str | None:
        """The config's or the environment's value; None outside production when neither gives one (one
        is then kept in ``.tmp``); a ValueError in production without one, writing nothing."""
        value = config.get(self.key) or os.environ.get(self.env)
        if value:
            if not isinstance(value, str):
                raise ValueError(f"users-permissions: {self.key} must be a string")
            return value
        if environment == "production":
            raise ValueError(f"users-permissions: no {self.label} in production: set {self.env} "
                             f"(or {self.key} in config/plugins.py)")
        return None

    def resolve(self, config: Mapping[str, Any], folder: Path, environment: str) -> str:
        """The configured value, or (outside production) the one kept in ``folder``."""
        return self.configured(config, environment) or self.kept(folder)

    def kept(self, folder: Path) -> str:
        """The development value in ``folder/<filename>``, made by the first process to ask."""
        path = folder / self.filename
        folder.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            draft = folder / f".{self.filename}.{os.getpid()}.{secrets.token_hex(4)}"
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(self.size))
            try:
                os.link(draft, path)
                log.warning("users-permissions: no %s configured; made one for development in %s "
                            "(set %s in production)", self.label, path, self.env)
            except FileExistsError:
                pass
            except OSError as exc:  # a file system without hard links
                raise ValueError(f"users-permissions: cannot keep {self.label} in {path} ({exc}): "
                                 f"set {self.env}") from None
            finally:
                draft.unlink()
        value = path.read_text().strip()
        if not value:
            raise ValueError(f"users-permissions: {path} is empty: delete it, or set {self.env}")
        return value


JWT_SECRET = Secret("jwtSecret", "JWT_SECRET", "JWT secret", "jwt-secret", size=48)
API_TOKEN_SALT = Secret("apiTokenSalt", "API_TOKEN_SALT", "API token salt", "api-token-salt")
