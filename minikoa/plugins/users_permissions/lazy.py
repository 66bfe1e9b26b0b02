"""A value worked out on first use and kept: the development JWT secret and API-token salt.

Outside production, a project without a configured secret gets one made and
kept in ``.tmp/`` (see ``jwt.secret_for`` and ``api_tokens.salt_for``).
Making it when the plugin installs would write that file whenever a project
is merely loaded (``minikoa routes`` lists routes, it must not touch the
folder); so the plugin hands ``Jwt`` and ``ApiTokens`` a ``Lazy`` instead,
resolved when the app is built for serving (its database setup) or when a
token is first issued or checked, whichever comes first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Lazy"]

T = TypeVar("T")


class Lazy(Generic[T]):
    """``make()`` called once, by the first ``get()``, whatever the number of threads asking."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        #: Empty until made, then the value alone (a tuple, so that a made None is told from "not yet").
        self._made: tuple[T] | tuple[()] = ()
        self._lock = threading.Lock()

    def get(self) -> T:
        made = self._made
        if not made:
            with self._lock:
                if not self._made:
                    self._made = (self._make(),)
                made = self._made
        return made[0]

    @property
    def resolved(self) -> bool:
        """Whether ``get()`` has made the value already."""
        return bool(self._made)
