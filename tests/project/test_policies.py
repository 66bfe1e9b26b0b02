"""Policies: specs resolved once, run in order, Strapi's rule for what passes, and their place in a
route's chain (after authentication, before the route's own middlewares)."""

from __future__ import annotations

import pytest

from minikoa import App, PolicyError
from minikoa.project.policies import PolicySpecError, resolve, run
from tests.conftest import write_project


def test_resolve_forms():
    def p(ctx, config, app):
        return True

    prepared = resolve([p, {"name": "named", "config": {"a": 1}}, {"handler": p}],
                       {"named": p}.get, "route X")
    assert [(fn, cfg) for fn, cfg, _ in prepared] == [(p, {}), (p, {"a": 1}), (p, {})]
    assert prepared[1][2] == "named"


@pytest.mark.parametrize("spec, message", [
    ("missing", "unknown policy 'missing'"),
    ({"config": {}}, "has no 'name'"),
    (42, "neither a name nor a callable"),
])
def test_resolve_errors_name_the_route(spec, message):
    with pytest.raises(PolicySpecError, match="route X") as err:
        resolve([spec], {}.get, "route X")
    assert message in str(err.value)


def test_run_stops_at_first_refusal():
    seen = []

    def ok(ctx, config, app):
        seen.append("ok")
        return True

    def no(ctx, config, app):
        seen.append("no")
        return False

    def never(ctx, config, app):
        seen.append("never")
        return True

    with pytest.raises(PolicyError) as err:
        run(None, resolve([ok, no, never], {}.get, "r"), app=None)
    assert seen == ["ok", "no"]
    assert err.value.message == "Policy Failed"


def _returning(value):
    def policy(ctx, config, app):
        return value
    return policy


@pytest.mark.parametrize("value", [True, None])
def test_true_or_none_lets_the_request_through(value):
    app = App()
    app.get("/x", policies=[_returning(value)])(lambda ctx: {"ok": True})
    res = app.test_client().get("/x")
    assert (res.status_code, res.json) == (200, {"ok": True})


@pytest.mark.parametrize("value", [False, 0, 1, "", "yes", {}, {"ok": True}, [], "true"])
def test_anything_else_refuses_with_policy_failed(value):
    """Strapi lets only ``true`` and ``undefined`` through: a truthy 1 or dict refuses as a falsy 0 does."""
    app = App()
    app.get("/x", policies=[_returning(value)])(lambda ctx: {"ok": True})
    res = app.test_client().get("/x")
    assert res.status_code == 403
    assert res.json == {"data": None, "error": {"status": 403, "name": "PolicyError", "message": "Policy Failed",
                                                "details": {}}}


def test_a_policy_error_refuses_with_its_message_and_details():
    def owner_only(ctx, config, app):
        raise PolicyError("Only the owner may do this", {"policy": "owner-only", "id": ctx.params["id"]})

    app = App()
    app.put("/things/:id", policies=[owner_only])(lambda ctx: {"ok": True})
    res = app.test_client().put("/things/7")
    assert res.status_code == 403
    assert res.json["error"] == {"status": 403, "name": "PolicyError", "message": "Only the owner may do this",
                                 "details": {"policy": "owner-only", "id": "7"}}


def test_a_policy_error_without_a_message_is_policy_failed():
    def bare(ctx, config, app):
        raise PolicyError()

    app = App()
    app.get("/x", policies=[bare])(lambda ctx: {"ok": True})
    assert app.test_client().get("/x").json["error"]["message"] == "Policy Failed"


def _recorder(order, name, allow=True):
    def policy(ctx, config, app):
        order.append(name)
        return allow
    return policy


def _middleware(order, name):
    def mw(ctx):
        order.append(f"{name} in")
        yield
        order.append(f"{name} out")
    return mw


def test_policies_run_before_the_route_middlewares_and_global_ones_around_both():
    order: list[str] = []
    app = App()
    app.use(_middleware(order, "global"))
    app.get("/x", policies=[_recorder(order, "policy 1"), _recorder(order, "policy 2")],
            middlewares=[_middleware(order, "route 1"), _middleware(order, "route 2")])(
        lambda ctx: order.append("handler") and None)
    app.test_client().get("/x")
    assert order == ["global in", "policy 1", "policy 2", "route 1 in", "route 2 in", "handler",
                     "route 2 out", "route 1 out", "global out"]


def test_a_refusing_policy_means_no_route_middleware_runs():
    order: list[str] = []
    app = App()
    app.use(_middleware(order, "global"))
    app.get("/x", policies=[_recorder(order, "policy", allow=False), _recorder(order, "later policy")],
            middlewares=[_middleware(order, "route")])(lambda ctx: order.append("handler"))
    res = app.test_client().get("/x")
    assert res.status_code == 403 and res.json["error"]["name"] == "PolicyError"
    assert order == ["global in", "policy"]  # the refusal reaches the global middleware at its yield


def test_a_route_middleware_cannot_catch_a_policy_refusal():
    """The refusal happens outside the route's chain, so a route middleware cannot turn it into a 200."""
    def rescue(ctx):
        try:
            yield
        except PolicyError:
            ctx.status = 200
            ctx.body = {"rescued": True}

    app = App()
    app.get("/x", policies=[_returning(False)], middlewares=[rescue])(lambda ctx: {"ok": True})
    assert app.test_client().get("/x").status_code == 403


def test_order_in_a_project_auth_then_policies_then_route_middlewares(tmp_path):
    """In a project with users-permissions: a bad token is 401 before any policy runs; policies run
    before the route's middlewares; a refusal leaves the route's middlewares unrun."""
    root = write_project(tmp_path / "project", {
        "config/plugins.py": ("config = {'users-permissions': {'config': {\n"
                              "    'jwtSecret': 'a-test-secret-that-is-long-enough-for-hs256'}}}\n"),
        "src/api/thing/policies/check.py": (
            "def policy(ctx, config, app):\n"
            "    app.config.get('order').append('policy')\n"
            "    return config.get('allow', True)\n"),
        "src/api/thing/middlewares/mark.py": (
            "def middleware(config, app):\n"
            "    def mark(ctx):\n"
            "        app.config.get('order').append('middleware')\n"
            "        yield\n"
            "    return mark\n"),
        "src/api/thing/controllers/thing.py": (
            "from minikoa import Controller\n"
            "class ThingController(Controller):\n"
            "    def show(self, ctx):\n"
            "        self.app.config.get('order').append('handler')\n"
            "        return {'ok': True}\n"
            "controller = ThingController\n"),
        "src/api/thing/routes/thing.py": (
            "routes = [\n"
            "    {'method': 'GET', 'path': '/open', 'handler': 'thing.show',\n"
            "     'config': {'auth': False, 'policies': ['check'], 'middlewares': ['mark']}},\n"
            "    {'method': 'GET', 'path': '/closed', 'handler': 'thing.show',\n"
            "     'config': {'auth': False, 'policies': [{'name': 'check', 'config': {'allow': False}}],\n"
            "                'middlewares': ['mark']}},\n"
            "    {'method': 'GET', 'path': '/scoped', 'handler': 'thing.show',\n"
            "     'config': {'auth': {'scope': []}, 'policies': ['check'], 'middlewares': ['mark']}},\n"
            "]\n"),
    })
    app = App.load(root)
    order: list[str] = []
    app.config.set("order", order)
    try:
        client = app.test_client()
        assert client.get("/api/open").json == {"ok": True}
        assert order == ["policy", "middleware", "handler"]
        del order[:]
        assert client.get("/api/closed").status_code == 403
        assert order == ["policy"]
        del order[:]
        res = client.get("/api/scoped", headers={"Authorization": "Bearer not.a.token"})
        assert res.status_code == 401 and order == []
    finally:
        app.destroy()
