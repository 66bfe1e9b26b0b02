"""Policies: checks that run after a route's authentication and before its own middlewares.

A policy is ``policy(ctx, config, app)``. As in Strapi (whose policies
middleware lets ``true`` and ``undefined`` through), returning ``True`` or
``None`` (no ``return`` at all) passes, and anything else refuses with 403
``PolicyError`` ("Policy Failed"): ``False``, but also ``0``, ``""`` or a
dict, so a policy that returns a value by mistake fails closed. Raising
``PolicyError`` refuses with its own message and details; any other error
goes to the errors layer like any handler error. A route names its policies
as callables or as ``{"name": policy, "config": {...}}``; each is resolved
once, when the app is built, so a request runs a prepared list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import PolicyError
from ..http.context import Context
from ..http.onion import describe

if TYPE_CHECKING:
    from ..app import App

__all__ = ["Policy", "PolicySpecError", "resolve", "run"]

Policy = Callable[[Any, Any, Any], Any]
#: A policy ready to run: the callable, its config, and its name for messages.
Prepared = tuple[Policy, Any, str]


class PolicySpecError(ValueError):
    """A route names a policy that does not exist or is not callable."""


def resolve(specs: Sequence[Any], lookup: Callable[[str], Policy | None], where: str,
            suggest: Callable[[str], str] | None = None) -> list[Prepared]:
    """Prepare a route's policy list; ``lookup`` turns a policy name into a callable, ``suggest``
    a name not found into a hint (``"; did you mean 'x'?"``)."""
    prepared: list[Prepared] = []
    for spec in specs or ():
        config: Any = {}
        target = spec
        if isinstance(spec, dict):
            if "name" not in spec and "handler" not in spec:
                raise PolicySpecError(f"{where}: policy {spec!r} has no 'name'")
            target = spec.get("name", spec.get("handler"))
            config = spec.get("config", {})
        if isinstance(target, str):
            found = lookup(target)
            if found is None:
                hint = suggest(target) if suggest is not None else ""
                raise PolicySpecError(f"{where}: unknown policy {target!r}{hint}")
            prepared.append((found, config, target))
        elif callable(target):
            prepared.append((target, config, describe(target)))
        else:
            raise PolicySpecError(f"{where}: policy {target!r} is neither a name nor a callable")
    return prepared


def run(ctx: Context, prepared: Sequence[Prepared], app: App) -> None:
    """Run the policies in order; the first refusal raises PolicyError."""
    for policy, config, _name in prepared:
        result = policy(ctx, config, app)
        # Identity, not truth: 1 or a non-empty dict is not True, as in Strapi's ``[true, undefined]``.
        if result is not True and result is not None:
            raise PolicyError()
