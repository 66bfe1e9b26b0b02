"""Registries by UID: controllers, services, policies and middlewares.

Strapi names everything by UID: ``api::article.article`` for an api's
controller and service, ``api::article.is-author`` for an api's policy or
middleware, ``global::is-owner`` for project-wide ones, ``minikoa::cors`` for
built-ins and ``plugin::users-permissions.user`` for plugins. A registry maps
UIDs to what was registered and remembers where each came from, so a clash
or an unknown name is reported with the file at fault.

Controllers and services are classes (subclasses of ``Controller`` and
``Service``), instantiated once per app, with the app at hand, on first use.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from ..app import App

__all__ = ["Controller", "Service", "Registry", "ClassRegistry", "RegistryError", "check_uid"]

T = TypeVar("T")

_UID = re.compile(
    r"^(?:api::[a-z0-9][a-z0-9_-]*\.[a-zA-Z0-9][a-zA-Z0-9_-]*"
    r"|plugin::[a-z0-9][a-z0-9_-]*\.[a-zA-Z0-9][a-zA-Z0-9_-]*"
    r"|global::[a-zA-Z0-9][a-zA-Z0-9_-]*"
    r"|minikoa::[a-z0-9][a-z0-9_-]*)$")


class RegistryError(KeyError):
    """An unknown UID, a malformed one, or one registered twice."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


def check_uid(uid: str, kind: str) -> str:
    """``uid`` if well formed (``api::<api>.<name>``, ``global::<name>``, ...), else RegistryError."""
    if not isinstance(uid, str) or not _UID.match(uid):
        raise RegistryError(
            f"invalid {kind} UID {uid!r}: expected api::<api>.<name>, global::<name>, "
            "plugin::<plugin>.<name> or minikoa::<name>")
    return uid


class Controller:
    """Base of controllers: one instance per app; actions are methods taking ``ctx``."""

    def __init__(self, app: App, uid: str | None = None) -> None:
        self.app = app
        self.uid = uid


class Service:
    """Base of services: one instance per app, reached with ``app.service(uid)``."""

    def __init__(self, app: App, uid: str | None = None) -> None:
        self.app = app
        self.uid = uid


class Registry(Mapping[str, T], Generic[T]):
    """UID -> registered value, with the source of each for error messages."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self._sources: dict[str, str] = {}
        self.frozen = False

    def register(self, uid: str, value: T, source: str = "code") -> T:
        """Add ``value`` under ``uid``; a UID registered twice is an error naming both sources."""
        check_uid(uid, self.kind)
        if self.frozen:
            raise RegistryError(f"cannot register {self.kind} {uid!r} from {source}: the app is already built")
        if uid in self._items:
            raise RegistryError(
                f"{self.kind} {uid!r} from {source} is already registered (from {self._sources[uid]})")
        self._validate(uid, value, source)
        self._items[uid] = value
        self._sources[uid] = source
        return value

    def _validate(self, uid: str, value: T, source: str) -> None:
        if not callable(value):
            raise RegistryError(f"{self.kind} {uid!r} from {source} is not callable: {value!r}")

    def source(self, uid: str) -> str | None:
        """Where ``uid`` was registered from (a file path, or ``"code"``)."""
        return self._sources.get(uid)

    def __getitem__(self, uid: str) -> T:
        try:
            return self._items[uid]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none registered"
            raise RegistryError(f"unknown {self.kind} {uid!r} (known: {known})") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<{self.kind} registry: {', '.join(self._items)}>"


class ClassRegistry(Registry[type]):
    """A registry of classes whose single instances are made on first use."""

    def __init__(self, kind: str, base: type, app: App) -> None:
        super().__init__(kind)
        self.base = base
        self.app = app
        self._instances: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _validate(self, uid: str, value: Any, source: str) -> None:
        if not (isinstance(value, type) and issubclass(value, self.base)):
            raise RegistryError(
                f"{self.kind} {uid!r} from {source} must be a subclass of minikoa.{self.base.__name__}, "
                f"not {value!r}")

    def instance(self, uid: str) -> Any:
        """The one instance for ``uid`` (made with ``Class(app, uid)`` the first time)."""
        found = self._instances.get(uid)
        if found is None:
            cls = self[uid]
            with self._lock:
                found = self._instances.get(uid)
                if found is None:
                    found = self._instances[uid] = cls(self.app, uid)
        return found


def from_mapping(kind: str, base: type, uid: str, actions: Mapping[str, Callable[..., Any]]) -> type:
    """A class for a module that exports a dict of functions instead of a class.

    Each function keeps its signature: controller actions take ``ctx``,
    service methods whatever they declare; ``self`` is not passed.
    """
    namespace = {name: staticmethod(fn) for name, fn in actions.items()}
    return type(f"{kind.title()}_{uid}", (base,), namespace)
