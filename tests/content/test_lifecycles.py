"""Lifecycle subscriptions: names, models, order."""

import types

import pytest

from minikoa.content.lifecycles import HOOKS, Event, Lifecycles


def test_subscribe_by_keyword_module_and_dict():
    calls = []
    life = Lifecycles()
    life.subscribe(models=["api::a.a"], before_create=lambda e: calls.append(("kw", e.model)))
    module = types.SimpleNamespace(beforeCreate=lambda e: calls.append(("camel", e.action)), unrelated=1)
    life.subscribe(module)
    life.subscribe({"after_create": lambda e: calls.append(("dict", e.result))})
    life.run("before", Event("create", "api::a.a", {}))
    life.run("before", Event("create", "api::b.b", {}))
    life.run("after", Event("create", "api::b.b", {}, result=5))
    assert calls == [("kw", "api::a.a"), ("camel", "create"), ("camel", "create"), ("dict", 5)]
    assert life.has("api::a.a", "create") and life.has("api::b.b", "create")


def test_has_is_precise():
    life = Lifecycles()
    life.subscribe(models=["api::a.a"], after_count=lambda e: None)
    assert life.has("api::a.a", "count") and not life.has("api::b.b", "count")
    assert not life.has("api::a.a", "create")


def test_unknown_hook_names_are_refused():
    with pytest.raises(ValueError, match="unknown lifecycle hook 'before_explode'"):
        Lifecycles().subscribe(before_explode=lambda e: None)
    assert "before_delete_many" in HOOKS and "after_find_one" in HOOKS
