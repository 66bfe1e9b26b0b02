"""The generator onion: order, errors thrown in, early exits, misuse."""

from __future__ import annotations

import pytest

from minikoa import App, HttpError
from minikoa.http.onion import MiddlewareError, check_middleware, compose


def recorder(log: list[str], name: str):
    def mw(ctx):
        log.append(f"{name} in")
        yield
        log.append(f"{name} out")
    mw.__qualname__ = name
    return mw


def test_onion_order_global_then_route():
    log: list[str] = []
    app = App()
    app.use(recorder(log, "g1"))
    app.use(recorder(log, "g2"))

    @app.get("/", middlewares=[recorder(log, "r1"), recorder(log, "r2")])
    def handler(ctx):
        log.append("handler")
        return {"ok": True}

    assert app.test_client().get("/").status_code == 200
    assert log == ["g1 in", "g2 in", "r1 in", "r2 in", "handler",
                   "r2 out", "r1 out", "g2 out", "g1 out"]


def test_code_after_yield_sees_the_response_and_can_change_it():
    app = App()

    def timing(ctx):
        yield
        ctx.set("X-Seen-Status", str(ctx.status))
        ctx.body = {**ctx.body, "wrapped": True}

    app.use(timing)
    app.get("/")(lambda ctx: {"a": 1})
    res = app.test_client().get("/")
    assert res.headers["X-Seen-Status"] == "200"
    assert res.json == {"a": 1, "wrapped": True}


def test_error_is_thrown_into_each_waiting_generator_innermost_first():
    seen: list[str] = []
    app = App()

    def outer(ctx):
        try:
            yield
        except HttpError as exc:
            seen.append(f"outer saw {exc.status}")
            raise

    def inner(ctx):
        try:
            yield
        except HttpError as exc:
            seen.append(f"inner saw {exc.status}")
            raise

    app.use(outer)
    app.use(inner)

    @app.get("/")
    def boom(ctx):
        ctx.throw(418, "teapot")

    res = app.test_client().get("/")
    assert seen == ["inner saw 418", "outer saw 418"]
    assert res.status_code == 418
    assert res.json["error"]["message"] == "teapot"


def test_a_layer_that_catches_turns_the_error_into_a_response():
    outer_saw: list[object] = []
    app = App()

    def outer(ctx):
        yield
        outer_saw.append(ctx.status)

    def rescue(ctx):
        try:
            yield
        except ValueError as exc:
            ctx.status = 422
            ctx.body = {"rescued": str(exc)}

    app.use(outer)
    app.use(rescue)

    @app.get("/")
    def fails(ctx):
        raise ValueError("bad value")

    res = app.test_client().get("/")
    assert res.status_code == 422
    assert res.json == {"rescued": "bad value"}
    assert outer_saw == [422]  # outer continued normally after the rescue


def test_returning_before_yield_ends_the_chain():
    ran: list[str] = []
    app = App()

    def gate(ctx):
        if ctx.get("X-Block"):
            ctx.status = 401
            ctx.body = {"blocked": True}
            return
        yield

    app.use(gate)

    @app.get("/")
    def handler(ctx):
        ran.append("handler")
        return {"ok": True}

    client = app.test_client()
    res = client.get("/", headers={"X-Block": "1"})
    assert res.status_code == 401 and res.json == {"blocked": True}
    assert ran == []
    assert client.get("/").status_code == 200
    assert ran == ["handler"]


def test_second_yield_is_an_error_naming_the_middleware(caplog):
    app = App()

    def twice(ctx):
        yield
        yield

    app.use(twice)
    app.get("/")(lambda ctx: {"ok": True})
    res = app.test_client().get("/")
    assert res.status_code == 500
    assert "twice" not in res.get_data(as_text=True)  # nothing internal leaks
    assert any("twice" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_yield_again_after_handling_an_error_is_reported():
    def sloppy(ctx):
        try:
            yield
        except RuntimeError:
            yield

    def endpoint(ctx):
        raise RuntimeError("x")

    run = compose([sloppy], endpoint)
    with pytest.raises(MiddlewareError, match="sloppy"):
        run(object())


def test_generators_are_always_closed():
    closed: list[str] = []

    def guarded(name):
        def mw(ctx):
            try:
                yield
            finally:
                closed.append(name)
        return mw

    def endpoint(ctx):
        raise KeyError("x")

    run = compose([guarded("a"), guarded("b")], endpoint)
    with pytest.raises(KeyError):
        run(object())
    assert closed == ["b", "a"]

    closed.clear()

    def twice(ctx):
        try:
            yield
            yield
        finally:
            closed.append("twice")

    run = compose([twice], lambda ctx: None)
    with pytest.raises(MiddlewareError):
        run(object())
    assert closed == ["twice"]


def test_non_generator_middleware_is_refused_at_registration():
    app = App()

    def plain(ctx):
        return None

    with pytest.raises(MiddlewareError, match="plain"):
        app.use(plain)
    with pytest.raises(MiddlewareError, match="plain"):
        app.get("/", middlewares=[plain])(lambda ctx: None)


def test_callable_objects_and_partials_are_accepted():
    import functools

    class Tagger:
        def __call__(self, ctx):
            ctx.set("X-Tag", "obj")
            yield

    def tag(value, ctx):
        ctx.set("X-Partial", value)
        yield

    check_middleware(Tagger())
    app = App()
    app.use(Tagger())
    app.use(functools.partial(tag, "p"))
    app.get("/")(lambda ctx: "ok")
    res = app.test_client().get("/")
    assert res.headers["X-Tag"] == "obj" and res.headers["X-Partial"] == "p"


def test_chains_are_composed_once_when_built(monkeypatch):
    import minikoa.app as app_module

    calls: list[int] = []
    real = app_module.compose

    def counting(mws, endpoint):
        calls.append(len(mws))
        return real(mws, endpoint)

    monkeypatch.setattr(app_module, "compose", counting)
    app = App()
    app.use(recorder([], "g"))
    app.get("/a", middlewares=[recorder([], "r")])(lambda ctx: {})
    app.get("/b")(lambda ctx: {})
    client = app.test_client()
    for _ in range(5):
        client.get("/a")
        client.get("/b")
    assert sorted(calls) == [0, 1, 1]  # two routes and the global chain, once each
