"""The plugin's config (``config/plugins.py``'s ``users-permissions.config``), checked once at start-up.

Keys, with Strapi's names where Strapi has them:

* ``jwtSecret``, ``jwt: {"expiresIn": seconds}``: the JWTs (see ``jwt``);
* ``ratelimit: {"enabled", "interval", "max"}``: Strapi's limit on the
  ``/auth`` routes, 10 requests a minute per IP and path by default;
  ``interval`` in milliseconds or as ``{"min": 1}`` (also ``ms``, ``sec``,
  ``hour``, ``day``), as Strapi's koa2-ratelimit takes it;
* ``email: {"provider": <object with send(message)>, "from": "Name <a@b>"}``:
  where reset links go (see ``email``; the log by default);
* ``resetPassword: {"url": "https://site/reset", "expiresIn": seconds}``:
  the page a reset link opens (Strapi's ``email_reset_password`` setting;
  the code is appended as ``?code=``) and how long a code works (an hour).

A mistake is a ValueError naming the key and what it takes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .email import EmailProvider, LogEmailProvider

__all__ = ["Settings", "RateLimit", "KEYS"]

#: Every key the plugin's config takes.
KEYS = ("jwtSecret", "jwt", "apiTokenSalt", "ratelimit", "email", "resetPassword")
_UNITS_MS = {"ms": 1, "sec": 1000, "min": 60_000, "hour": 3_600_000, "day": 86_400_000}


@dataclass(frozen=True)
class RateLimit:
    """At most ``max`` requests per ``interval_ms`` per client address and path."""

    max: int = 10
    interval_ms: int = 60_000


@dataclass(frozen=True)
class Settings:
    #: None: the /auth routes are not limited
    ratelimit: RateLimit | None = field(default_factory=RateLimit)
    email: EmailProvider = field(default_factory=LogEmailProvider)
    sender: str | None = None
    reset_url: str | None = None
    reset_expires_in: int = 3600

    @classmethod
    def parse(cls, config: Mapping[str, Any]) -> Settings:
        unknown = set(config) - set(KEYS)
        if unknown:
            raise ValueError(f"users-permissions: unknown config key {sorted(unknown)[0]!r} (keys: {', '.join(KEYS)})")
        email = _section(config, "email", ("provider", "from"))
        provider = email.get("provider") or LogEmailProvider()
        if not isinstance(provider, EmailProvider):
            raise ValueError("users-permissions: email.provider must have a method send(message)")
        sender = email.get("from")
        if sender is not None and (not isinstance(sender, str) or "\n" in sender or "\r" in sender):
            raise ValueError("users-permissions: email.from must be a one-line string")
        reset = _section(config, "resetPassword", ("url", "expiresIn"))
        url = reset.get("url")
        if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
            raise ValueError(f"users-permissions: resetPassword.url must be an http(s) URL, not {url!r}")
        return cls(ratelimit=_ratelimit(_section(config, "ratelimit", ("enabled", "interval", "max"))),
                   email=provider, sender=sender, reset_url=url,
                   reset_expires_in=_positive(reset.get("expiresIn", 3600), "resetPassword.expiresIn"))


def _section(config: Mapping[str, Any], name: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
    value = config.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"users-permissions: {name} must be a dict ({', '.join(keys)})")
    unknown = set(value) - set(keys)
    if unknown:
        raise ValueError(f"users-permissions: unknown key {name}.{sorted(unknown)[0]} (keys: {', '.join(keys)})")
    return value


def _ratelimit(section: Mapping[str, Any]) -> RateLimit | None:
    enabled = section.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ValueError("users-permissions: ratelimit.enabled must be True or False")
    if not enabled:
        return None
    interval = section.get("interval", 60_000)
    if isinstance(interval, Mapping):
        if len(interval) != 1 or next(iter(interval)) not in _UNITS_MS:
            raise ValueError(f"users-permissions: ratelimit.interval is milliseconds or one of "
                             f"{{{', '.join(repr(u) + ': n' for u in _UNITS_MS)}}}, not {dict(interval)!r}")
        unit, amount = next(iter(interval.items()))
        interval = _positive(amount, f"ratelimit.interval.{unit}", whole=False) * _UNITS_MS[unit]
    interval_ms = math.ceil(_positive(interval, "ratelimit.interval", whole=False))
    return RateLimit(max=_positive(section.get("max", 10), "ratelimit.max"), interval_ms=interval_ms)


def _positive(value: Any, name: str, whole: bool = True) -> Any:
    kinds = (int,) if whole else (int, float)
    if not isinstance(value, kinds) or isinstance(value, bool) or not value > 0 or not math.isfinite(value):
        raise ValueError(f"users-permissions: {name} must be a positive {'whole ' if whole else ''}number, "
                         f"not {value!r}")
    return value
