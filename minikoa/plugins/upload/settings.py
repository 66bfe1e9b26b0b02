"""The upload plugin's configuration: ``config/plugins.py``'s ``upload.config``, checked once.

Strapi's keys: ``provider`` (``"local"`` or an object implementing
``Provider``), ``providerOptions`` (``localServer.maxage``, the ``Cache-Control``
of ``/uploads`` in milliseconds, 0 by default), ``sizeLimit`` (bytes, 200 MB
by default), ``breakpoints`` (``{"large": 1000, "medium": 750, "small": 500}``)
and ``security`` (``allowedTypes``/``deniedTypes``: MIME types, ``image/*``
patterns allowed). Strapi keeps three more settings in its admin panel;
here they are keys too: ``sizeOptimization`` (True), ``responsiveDimensions``
(True) and ``autoOrientation`` (False).
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .providers import LocalProvider, Provider

__all__ = ["UploadSettings", "KEYS", "DEFAULT_BREAKPOINTS"]

KEYS = ("provider", "providerOptions", "sizeLimit", "breakpoints", "security", "sizeOptimization",
        "responsiveDimensions", "autoOrientation")
DEFAULT_BREAKPOINTS = {"large": 1000, "medium": 750, "small": 500}
_NAME = "upload"


def _fail(message: str) -> ValueError:
    return ValueError(f"{_NAME}: {message}")


def _unknown(keys: Any, known: tuple[str, ...], where: str) -> None:
    for key in keys:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (keys: {', '.join(known)})"
            raise _fail(f"unknown key {where}{key!r}{hint}")


@dataclass(frozen=True)
class UploadSettings:
    """The checked configuration (see the module docstring)."""

    provider: Provider
    size_limit: int = 200 * 1024 * 1024
    max_age_ms: int = 0
    breakpoints: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_BREAKPOINTS))
    size_optimization: bool = True
    responsive_dimensions: bool = True
    auto_orientation: bool = False
    allowed_types: tuple[str, ...] = ()
    denied_types: tuple[str, ...] = ()

    @classmethod
    def parse(cls, config: Mapping[str, Any], root: Path | None) -> UploadSettings:
        _unknown(config, KEYS, "")
        options = config.get("providerOptions") or {}
        if not isinstance(options, Mapping):
            raise _fail("providerOptions must be a dict")
        provider = config.get("provider", "local")
        if provider == "local":
            provider = LocalProvider((root or Path.cwd()) / "public" / "uploads")
        elif not isinstance(provider, Provider):
            raise _fail(f"provider must be 'local' or an object with name, upload() and delete(), not {provider!r}")
        server = options.get("localServer") or {}
        if not isinstance(server, Mapping) or not set(server) <= {"maxage", "maxAge"}:
            raise _fail("providerOptions.localServer takes one key, maxage (milliseconds)")
        max_age = server.get("maxage", server.get("maxAge", 0))
        size_limit = config.get("sizeLimit", options.get("sizeLimit", 200 * 1024 * 1024))
        for name, value in (("sizeLimit", size_limit), ("providerOptions.localServer.maxage", max_age)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise _fail(f"{name} must be a whole number >= 0, not {value!r}")
        breakpoints = config.get("breakpoints", DEFAULT_BREAKPOINTS)
        if not isinstance(breakpoints, Mapping) or not all(
                isinstance(k, str) and k and k != "thumbnail" and isinstance(v, int) and not isinstance(v, bool)
                and v > 0 for k, v in breakpoints.items()):
            raise _fail("breakpoints must map format names (not 'thumbnail') to widths in pixels > 0")
        flags = {}
        for key, default in (("sizeOptimization", True), ("responsiveDimensions", True), ("autoOrientation", False)):
            value = config.get(key, default)
            if not isinstance(value, bool):
                raise _fail(f"{key} must be True or False, not {value!r}")
            flags[key] = value
        security = config.get("security") or {}
        if not isinstance(security, Mapping):
            raise _fail("security must be a dict")
        _unknown(security, ("allowedTypes", "deniedTypes"), "security.")
        types = {}
        for key in ("allowedTypes", "deniedTypes"):
            value = security.get(key) or []
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and "/" in v for v in value):
                raise _fail(f"security.{key} must be a list of MIME types such as 'image/*'")
            types[key] = tuple(v.lower() for v in value)
        return cls(provider=provider, size_limit=size_limit, max_age_ms=max_age, breakpoints=dict(breakpoints),
                   size_optimization=flags["sizeOptimization"],
                   responsive_dimensions=flags["responsiveDimensions"], auto_orientation=flags["autoOrientation"],
                   allowed_types=types["allowedTypes"], denied_types=types["deniedTypes"])

    def type_allowed(self, mime: str) -> bool:
        """Whether ``security`` lets a file of type ``mime`` in (denied wins; no allow list allows all)."""
        mime = mime.lower()
        if any(fnmatch.fnmatchcase(mime, pattern) for pattern in self.denied_types):
            return False
        return not self.allowed_types or any(fnmatch.fnmatchcase(mime, p) for p in self.allowed_types)
