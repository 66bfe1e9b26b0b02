"""Lifecycle hooks, as Strapi's database lifecycles: code that runs before and after each query.

A hook is named by its action, as in Strapi: ``beforeCreate``,
``afterCreate``, ``beforeCreateMany``, ``beforeUpdate``,
``beforeUpdateMany``, ``beforeDelete``, ``beforeDeleteMany``,
``beforeCount``, ``beforeFindOne``, ``beforeFindMany`` and their ``after``
twins (``before_create`` ... snake_case names work too). There are three
ways to subscribe, as in Strapi:

* a content-type's ``lifecycles.py`` defines any of the hooks (the project
  loader subscribes it for that content-type only);
* ``app.db.lifecycles.subscribe({"models": [uid, ...], "beforeCreate": fn, ...})``
  (no ``models``: every model), or the same as keywords;
* ``app.db.lifecycles.subscribe(fn)``: a bare function hears every event of every
  model, and tells them apart by ``event.action`` and ``event.model.uid``.

``subscribe`` returns a function that unsubscribes.

Each hook gets an ``Event``: ``action`` (the hook's name, ``"beforeCreate"``),
``model`` (the ``ContentType``: ``uid``, ``attributes``, ``singular_name``,
``table``), ``params`` (the query's parameters: a ``before`` hook may change
them, and the query runs with the change), ``result`` (after hooks) and
``state``, a dict of each subscriber's own, shared by its before and after
hooks of one query. A before hook that raises cancels the query; for a
write, its transaction rolls back.

Who fires them: the query engine (``app.db.query(uid)``), with Strapi's
parameters (``where``, ``select``, ``populate``, ``data``, ...), and the
document service (``app.documents(uid)``), with its own (``filters``,
``documentId``, ``data``, ``status``; an update's and a delete's ``where``
names their rows, for reading them as they were).
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .schema import ContentType

__all__ = ["Event", "Lifecycles", "Call", "ACTIONS", "HOOKS", "hook_name"]

#: The query actions, snake_case (as the methods are named).
ACTIONS = ("create", "update", "delete", "find_one", "find_many", "count",
           "create_many", "update_many", "delete_many")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def hook_name(when: str, action: str) -> str:
    """Strapi's name of a hook: ``hook_name("before", "find_many") == "beforeFindMany"``."""
    return _camel(f"{when}_{action}")


#: Every hook name, as Strapi spells it (``beforeCreate``, ...).
HOOKS = tuple(hook_name(when, action) for action in ACTIONS for when in ("before", "after"))
#: snake_case spelling -> Strapi's.
_ALIASES = {f"{when}_{action}": hook_name(when, action) for action in ACTIONS for when in ("before", "after")}


@dataclass
class Event:
    """What a hook is told (see the module docstring)."""

    action: str
    model: ContentType
    params: dict[str, Any]
    result: Any = None
    state: dict[str, Any] = field(default_factory=dict)


class Hook(Protocol):
    def __call__(self, event: Event, /) -> Any: ...


class _Subscriber:
    """One subscription: the models it is for (None: all), and its hooks by name, or one function for all."""

    __slots__ = ("models", "hooks", "every")

    def __init__(self, models: frozenset[str] | None, hooks: dict[str, Hook], every: Hook | None) -> None:
        self.models = models
        self.hooks = hooks
        self.every = every

    def hook(self, model: str, name: str) -> Hook | None:
        if self.models is not None and model not in self.models:
            return None
        return self.every if self.every is not None else self.hooks.get(name)


def _canonical(name: str) -> str | None:
    if name in HOOKS:
        return name
    return _ALIASES.get(name)


def _unknown(name: str, where: str) -> ValueError:
    close = difflib.get_close_matches(name, [*HOOKS, *_ALIASES, "models"], n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f" (known: models, {', '.join(HOOKS)})"
    return ValueError(f"unknown lifecycle hook {name!r} in {where}{hint}")


class Lifecycles:
    """The subscribers of every model, in subscription order (see the module docstring)."""

    def __init__(self) -> None:
        self._subs: list[_Subscriber] = []
        #: (model, action) -> whether anything listens: asked on every read, so kept
        self._listening: dict[tuple[str, str], bool] = {}

    def subscribe(self, subscriber: Any = None, *, models: Iterable[str] | None = None,
                  **hooks: Hook) -> Callable[[], None]:
        """Add a subscriber: a function (hears every event), a dict, or a module or object with hook
        attributes (a ``lifecycles.py``); keyword hooks are added to it. ``models`` (or a dict's
        ``"models"``) limits it to those uids. Returns a function that unsubscribes it."""
        every: Hook | None = None
        found: dict[str, Hook] = {}
        if isinstance(subscriber, Mapping):
            for name, fn in subscriber.items():
                if name == "models":
                    if models is None and fn is not None:
                        models = fn
                    continue
                found[self._checked(name, fn, "the subscriber")] = fn
        elif inspect.ismodule(subscriber) or inspect.isclass(subscriber) or \
                (subscriber is not None and not callable(subscriber)):
            found.update(_module_hooks(subscriber))
        elif subscriber is not None:
            every = subscriber
        for name, fn in hooks.items():
            found[self._checked(name, fn, "subscribe()")] = fn
        if every is not None and found:
            raise TypeError("subscribe takes a function that hears every event, or named hooks: not both")
        if every is None and not found and not isinstance(subscriber, Mapping) and \
                not (inspect.ismodule(subscriber) or inspect.isclass(subscriber)):
            raise TypeError("subscribe takes a function, a dict of hooks, a module or object defining hooks, "
                            f"or hooks as keywords; got {subscriber!r}")
        if isinstance(models, str):
            models = [models]
        sub = _Subscriber(frozenset(models) if models is not None else None, found, every)
        self._subs.append(sub)
        self._listening.clear()

        def unsubscribe() -> None:
            if sub in self._subs:
                self._subs.remove(sub)
                self._listening.clear()
        return unsubscribe

    @staticmethod
    def _checked(name: str, fn: Any, where: str) -> str:
        canonical = _canonical(name)
        if canonical is None:
            raise _unknown(name, where)
        if not callable(fn):
            raise TypeError(f"lifecycle hook {name!r} is not callable")
        return canonical

    def has(self, model: str, action: str) -> bool:
        """Whether any hook listens to ``action`` (snake_case, ``"find_one"``) on ``model``, so callers
        can skip building events; a dict lookup once asked."""
        key = (model, action)
        found = self._listening.get(key)
        if found is None:
            names = (hook_name("before", action), hook_name("after", action))
            found = self._listening[key] = any(sub.hook(model, n) is not None for sub in self._subs for n in names)
        return found

    def call(self, action: str, model: ContentType, params: dict[str, Any]) -> Call | None:
        """The hooks of one query of ``action`` on ``model``, or None when none listens."""
        if not self.has(model.uid, action):
            return None
        return Call(self, action, model, params)

    def _hooks(self, model: str, name: str) -> list[tuple[_Subscriber, Hook]]:
        found = []
        for sub in list(self._subs):
            hook = sub.hook(model, name)
            if hook is not None:
                found.append((sub, hook))
        return found


class Call:
    """The hooks of one query: ``before()`` may change ``params``; ``after(result)`` sees the result.

    Each subscriber's ``event.state`` is its own, and the same dict in its after hook as in its before.
    """

    __slots__ = ("lifecycles", "action", "model", "params", "_states")

    def __init__(self, lifecycles: Lifecycles, action: str, model: ContentType, params: dict[str, Any]) -> None:
        self.lifecycles = lifecycles
        self.action = action
        self.model = model
        self.params = params
        self._states: dict[int, dict[str, Any]] = {}

    def before(self) -> dict[str, Any]:
        """Run the before hooks; the parameters they leave (changed in place, or replaced)."""
        self._run("before", None)
        return self.params

    def after(self, result: Any) -> Any:
        """Run the after hooks with ``result``; the result they leave (a hook may replace it)."""
        return self._run("after", result)

    def _run(self, when: str, result: Any) -> Any:
        name = hook_name(when, self.action)
        for sub, hook in self.lifecycles._hooks(self.model.uid, name):
            state = self._states.setdefault(id(sub), {})
            event = Event(name, self.model, self.params, result, state)
            hook(event)
            # Replacing event.params (not only changing it) applies too, and so does a new state.
            self.params = event.params
            self._states[id(sub)] = event.state
            result = event.result
        return result


def _module_hooks(module: Any) -> dict[str, Hook]:
    """The hooks a ``lifecycles.py`` (or an object) defines. A function defined there whose name is
    close to a hook's but is none (``beforeCreat``) is refused, rather than never called."""
    found: dict[str, Hook] = {}
    own = getattr(module, "__name__", None)
    for name in dir(module):
        if name.startswith("_"):
            continue
        fn = getattr(module, name)
        canonical = _canonical(name)
        if canonical is not None and callable(fn):
            found[canonical] = fn
        elif inspect.isfunction(fn) and fn.__module__ == own and \
                difflib.get_close_matches(name, [*HOOKS, *_ALIASES], n=1, cutoff=0.85):
            raise _unknown(name, f"lifecycles module {own}")
    return found
