"""Lifecycle hooks: code that runs before and after the document service acts.

A content-type's ``lifecycles.py`` defines any of ``before_create``,
``after_create``, ``before_update``, ``after_update``, ``before_delete``,
``after_delete``, ``before_find_one``, ``after_find_one``,
``before_find_many``, ``after_find_many``, ``before_count``, ``after_count``
and the bulk ``before_create_many`` ... ``after_delete_many`` (Strapi's
camelCase names work too). In code::

    app.db.lifecycles.subscribe(models=["api::article.article"], before_create=stamp)

Each hook gets an ``Event`` with ``action``, ``model`` (the uid), ``params``
(the document service's arguments; a ``before_*`` hook may change them),
``result`` (after hooks) and ``state`` (a dict shared by the before and after
hooks of one call). A ``before_*`` hook that raises cancels the call; for a
write, the transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Event", "Lifecycles", "ACTIONS", "HOOKS"]

ACTIONS = ("create", "update", "delete", "find_one", "find_many", "count",
           "create_many", "update_many", "delete_many")
#: Every hook name, snake_case.
HOOKS = tuple(f"{when}_{action}" for action in ACTIONS for when in ("before", "after"))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


_ALIASES = {_camel(name): name for name in HOOKS}


@dataclass
class Event:
    """What a hook is told: the action, the model, its arguments, and (after) the result."""

    action: str
    model: str
    params: dict[str, Any]
    result: Any = None
    state: dict[str, Any] = field(default_factory=dict)


Hook = Callable[[Event], Any]


class Lifecycles:
    """The subscribers of every model, by hook name."""

    def __init__(self) -> None:
        #: (models or None for all, hook name) -> hooks, in subscription order
        self._subs: list[tuple[frozenset[str] | None, dict[str, Hook]]] = []

    def subscribe(self, subscriber: Any = None, *, models: Iterable[str] | None = None, **hooks: Hook) -> None:
        """Add hooks for ``models`` (all models when None).

        ``subscriber`` may be a module or object with hook attributes (a
        ``lifecycles.py``) or a dict; keyword hooks are added too.
        """
        found: dict[str, Hook] = {}
        if subscriber is not None:
            items = subscriber.items() if isinstance(subscriber, dict) else (
                (name, getattr(subscriber, name)) for name in dir(subscriber))
            for name, fn in items:
                canonical = _ALIASES.get(name, name)
                if canonical in HOOKS and callable(fn):
                    found[canonical] = fn
        for name, fn in hooks.items():
            canonical = _ALIASES.get(name, name)
            if canonical not in HOOKS:
                raise ValueError(f"unknown lifecycle hook {name!r} (known: {', '.join(HOOKS)})")
            if not callable(fn):
                raise TypeError(f"lifecycle hook {name!r} is not callable")
            found[canonical] = fn
        self._subs.append((frozenset(models) if models is not None else None, found))

    def has(self, model: str, action: str) -> bool:
        """Whether any hook listens to ``action`` on ``model`` (so callers can skip building events)."""
        names = (f"before_{action}", f"after_{action}")
        return any((models is None or model in models) and any(n in hooks for n in names)
                   for models, hooks in self._subs)

    def run(self, when: str, event: Event) -> None:
        """Call every ``<when>_<action>`` hook for the event's model, in order."""
        name = f"{when}_{event.action}"
        for models, hooks in self._subs:
            if models is not None and event.model not in models:
                continue
            hook = hooks.get(name)
            if hook is not None:
                hook(event)
