"""Configuration: ``config/*.py`` files, environment variables, dotted lookups.

A project's ``config/<name>.py`` defines ``config``: a dict, or a function
``(env) -> dict`` that reads environment variables through ``env`` as
Strapi's config files do (``env("HOST", "0.0.0.0")``, ``env.int("PORT",
1337)``). ``config/<name>.json`` works too. Files under
``config/env/<environment>/`` are merged over the base ones, the environment
being ``MINIKOA_ENV`` (or ``NODE_ENV``, as in Strapi), ``development`` by
default. A ``.env`` file at the project root fills variables not already set.

``app.config.get("api.rest.defaultLimit", 25)`` reads any value by its
dotted path: the first part is the file name.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any

__all__ = ["Config", "Env", "ConfigError", "load_dotenv", "environment_name"]

_MISSING: Any = object()


class ConfigError(ValueError):
    """A configuration file that cannot be read, named with the file at fault."""


class Env:
    """Strapi's ``env`` helper: typed reads of environment variables.

    Every reader returns ``default`` when the variable is unset; a variable
    that is set but does not parse (``PORT=abc`` for ``env.int``) is an error
    naming the variable, never a silent default.
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def __call__(self, name: str, default: Any = None) -> Any:
        return self.environ.get(name, default)

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        return None if value is None else value.strip()

    def int(self, name: str, default: int | None = None) -> int | None:
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"environment variable {name}={raw!r} is not an integer") from None

    def float(self, name: str, default: float | None = None) -> float | None:
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"environment variable {name}={raw!r} is not a number") from None

    def bool(self, name: str, default: bool | None = None) -> bool | None:
        """``true``/``false`` (also ``1``/``0``, ``yes``/``no``, ``on``/``off``)."""
        raw = self._raw(name)
        if raw is None:
            return default
        lowered = raw.lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off", ""):
            return False
        raise ConfigError(f"environment variable {name}={raw!r} is not a boolean")

    def json(self, name: str, default: Any = None) -> Any:
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise ConfigError(f"environment variable {name} is not valid JSON: {exc}") from None

    def array(self, name: str, default: list[str] | None = None) -> list[str] | None:
        """A comma-separated list; surrounding ``[]`` and quotes are dropped, as Strapi does."""
        raw = self._raw(name)
        if raw is None:
            return default
        if raw.startswith("[") and raw.endswith("]"):
            raw = raw[1:-1]
        return [item.strip().strip("'\"") for item in raw.split(",") if item.strip()]


def environment_name(environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    return environ.get("MINIKOA_ENV") or environ.get("NODE_ENV") or "development"


def load_dotenv(path: Path, environ: dict[str, str] | None = None) -> dict[str, str]:
    """Read ``KEY=VALUE`` lines from ``path`` into ``environ`` without overriding.

    Blank lines and ``#`` comments are skipped, ``export`` is allowed, and a
    value may be single- or double-quoted. Returns what was set.
    """
    target: MutableMapping[str, str] = os.environ if environ is None else environ
    added: dict[str, str] = {}
    if not path.is_file():
        return added
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        key, eq, value = line.partition("=")
        key = key.strip()
        if not eq or not key.replace("_", "").isalnum():
            raise ConfigError(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        if key not in target:
            target[key] = value
            added[key] = value
    return added


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge: dicts merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


class Config(Mapping[str, Any]):
    """All configuration, by file name: ``config["server"]["port"]`` or ``config.get("server.port")``."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data: dict[str, Any] = dict(data or {})

    def get(self, path: str, default: Any = None) -> Any:
        """The value at a dotted path (``"api.rest.defaultLimit"``), or ``default``."""
        node: Any = self._data
        for part in path.split("."):
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return default
        return node

    def set(self, path: str, value: Any) -> None:
        """Set the value at a dotted path, creating the dicts on the way."""
        parts = path.split(".")
        node = self._data
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = value

    def merge(self, name: str, values: Mapping[str, Any] | list[Any]) -> None:
        """Deep-merge ``values`` into the file-level section ``name`` (a list replaces)."""
        if isinstance(values, list):
            self._data[name] = list(values)
            return
        current = self._data.get(name)
        self._data[name] = _merge(current if isinstance(current, dict) else {}, values)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Config({self._data!r})"

    @classmethod
    def load(cls, directory: Path, env: Env | None = None, environment: str | None = None) -> Config:
        """Read every ``config/*.py``/``*.json``, then ``config/env/<environment>/`` over them."""
        from .loader import load_module  # local: the loader imports this module

        env = env or Env()
        environment = environment or environment_name(env.environ)
        config = cls()
        for folder in (directory, directory / "env" / environment):
            if not folder.is_dir():
                continue
            for file in sorted(folder.iterdir()):
                if file.suffix not in (".py", ".json") or file.name.startswith(("_", ".")):
                    continue
                config.merge(file.stem, _read_config_file(file, env, load_module))
        return config


def _read_config_file(file: Path, env: Env, load_module: Any) -> Mapping[str, Any] | list[Any]:
    if file.suffix == ".json":
        try:
            value = json.loads(file.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ConfigError(f"{file}: invalid JSON: {exc}") from None
    else:
        module = load_module(file)
        if not hasattr(module, "config"):
            raise ConfigError(f"{file}: defines no `config` (a dict, or a function (env) -> dict)")
        value = module.config
        if callable(value):
            try:
                value = value(env)
            except ConfigError as exc:
                raise ConfigError(f"{file}: {exc}") from None
            except Exception as exc:  # the file's own mistake: its line, not a traceback
                frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(file)]
                line = f":{frames[-1].lineno}" if frames else ""
                raise ConfigError(f"{file}{line}: config(env) failed: {type(exc).__name__}: {exc}") from exc
    if file.stem == "middlewares":
        if not isinstance(value, list):
            raise ConfigError(f"{file}: `config` must be a list of middleware names or {{'name': ...}} dicts")
        return value
    if not isinstance(value, Mapping):
        raise ConfigError(f"{file}: `config` must be a dict (or a function returning one), not {type(value).__name__}")
    return value
