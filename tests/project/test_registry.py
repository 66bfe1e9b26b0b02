"""Registries: UIDs, duplicates, unknown names, single instances."""

from __future__ import annotations

import pytest

from minikoa import App, Controller, Service
from minikoa.project.registry import ClassRegistry, Registry, RegistryError, check_uid, from_mapping


@pytest.mark.parametrize("uid", ["api::article.article", "api::blog-post.is-author", "global::is-owner",
                                 "plugin::users-permissions.user", "minikoa::cors"])
def test_valid_uids(uid):
    assert check_uid(uid, "policy") == uid


@pytest.mark.parametrize("uid", ["article", "api::article", "global::", "nope::x", "api::a.b.c", 3])
def test_invalid_uids(uid):
    with pytest.raises(RegistryError, match="invalid policy UID"):
        check_uid(uid, "policy")


def test_register_get_list_and_errors():
    registry: Registry = Registry("policy")

    def p(ctx, config, app):
        return True

    registry.register("global::p", p, source="src/policies/p.py")
    assert registry["global::p"] is p and registry.get("global::nope") is None
    assert list(registry) == ["global::p"] and "global::p" in registry and len(registry) == 1
    assert registry.source("global::p") == "src/policies/p.py"
    with pytest.raises(RegistryError, match=r"already registered \(from src/policies/p.py\)"):
        registry.register("global::p", p, source="code")
    with pytest.raises(RegistryError, match="unknown policy 'global::q' \\(known: global::p\\)"):
        registry["global::q"]  # noqa: B018
    with pytest.raises(RegistryError, match="not callable"):
        registry.register("global::x", 42)
    registry.frozen = True
    with pytest.raises(RegistryError, match="already built"):
        registry.register("global::late", p)


def test_class_registry_makes_one_instance_with_the_app():
    app = object()
    registry = ClassRegistry("service", Service, app)

    class S(Service):
        pass

    registry.register("api::a.a", S)
    first = registry.instance("api::a.a")
    assert first is registry.instance("api::a.a")
    assert first.app is app and first.uid == "api::a.a"
    with pytest.raises(RegistryError, match="subclass of minikoa.Service"):
        registry.register("api::a.b", object)


def test_mapping_modules_become_classes():
    cls = from_mapping("controller", Controller, "api::a.a", {"find": lambda ctx: {"found": ctx}})
    assert issubclass(cls, Controller)
    assert cls(None, "api::a.a").find(1) == {"found": 1}


def test_app_registries_and_decorators():
    app = App()

    @app.policy("is-admin")
    def is_admin(ctx, config, app_):
        return True

    @app.middleware("stamp")
    def stamp(config, app_):
        def mw(ctx):
            ctx.set("X-Stamp", config.get("value", "1"))
            yield
        return mw

    class Greeter(Service):
        def greet(self, name):
            return f"hello {name}"

    class Hello(Controller):
        def show(self, ctx):
            return {"text": self.app.service("api::hello.greeter").greet(ctx.params["name"])}

    app.services.register("api::hello.greeter", Greeter)
    app.controllers.register("api::hello.hello", Hello)
    assert app.policy("global::is-admin") is is_admin
    assert app.middleware("global::stamp") is stamp
    assert app.service("api::hello.greeter") is app.service("api::hello.greeter")

    handler, name = app.resolve_handler("api::hello.hello.show")
    assert name == "api::hello.hello.show"
    app.get("/hi/:name", policies=["global::is-admin"], middlewares=[{"name": "global::stamp",
                                                                       "config": {"value": "v"}}])(handler)
    res = app.test_client().get("/hi/ada")
    assert res.json == {"text": "hello ada"} and res.headers["X-Stamp"] == "v"
    with pytest.raises(RegistryError, match="already built"):
        app.policy("late", is_admin)


def test_resolve_handler_errors():
    app = App()

    class C(Controller):
        def find_one(self, ctx):
            return {}

    app.controllers.register("api::c.c", C)
    assert app.resolve_handler("api::c.c.findOne")[0].__name__ == "find_one"
    assert app.resolve_handler("c.findOne", api="c")[1] == "api::c.c.findOne"
    with pytest.raises(LookupError, match="no controller 'api::c.nope'"):
        app.resolve_handler("api::c.nope.find")
    with pytest.raises(LookupError, match=r"has no action 'missing' \(actions: find_one\)"):
        app.resolve_handler("api::c.c.missing")
    with pytest.raises(LookupError, match="needs a full UID"):
        app.resolve_handler("c.find")
    with pytest.raises(LookupError, match="neither a callable"):
        app.resolve_handler(42)
