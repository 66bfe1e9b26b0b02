import pytest

from minikoa.content.events import Events
from minikoa.db import SQLiteDatabase


def test_on_emit_wildcard_off_and_failing_listeners(caplog):
    events = Events()
    seen = []

    @events.on("entry.create")
    def created(name, payload):
        seen.append((name, payload["n"]))

    events.on("*", lambda name, payload: seen.append(("*", name)))
    events.on("entry.create", lambda name, payload: 1 / 0)
    events.emit("entry.create", {"n": 1})
    assert seen == [("entry.create", 1), ("*", "entry.create")]
    assert any("failed on entry.create" in r.getMessage() for r in caplog.records)
    events.off("entry.create", created)
    assert events.listening("entry.update")  # the wildcard listens to everything


def test_transactional_listeners_run_inside_the_transaction_with_a_lazy_payload():
    events = Events()
    events.db = db = SQLiteDatabase(":memory:")
    assert not events.listening("order.paid")
    seen, builds = [], []

    @events.transactional("order.paid")
    def inside(name, payload):
        seen.append(("inside", name, db.in_transaction, payload()))

    events.transactional("*", lambda name, payload: seen.append(("any", name, payload())))
    events.transactional("*", lambda name, payload: seen.append(("lazy", name)))  # never builds it
    events.on("order.paid", lambda name, payload: seen.append(("after", name, db.in_transaction, payload)))
    assert events.listening("order.paid") and events.listening("other")

    def build():
        builds.append(1)
        return {"n": len(builds)}

    with db.atomic():
        events.emit("order.paid", build)
        assert seen == [("inside", "order.paid", True, {"n": 1}), ("any", "order.paid", {"n": 1}),
                        ("lazy", "order.paid")]
    assert seen[-1] == ("after", "order.paid", False, {"n": 1}) and builds == [1]  # built once for everyone

    seen.clear()
    with pytest.raises(RuntimeError), db.atomic():
        events.emit("order.paid", {"n": 2})
        raise RuntimeError("roll back")
    assert [s[0] for s in seen] == ["inside", "any", "lazy"]  # after-commit listeners hear nothing

    events.off("order.paid", inside)
    events.off("order.paid", inside)  # removing twice is harmless
    seen.clear()
    events.emit("order.paid", {"n": 3})  # outside a transaction: at once
    assert [s[0] for s in seen] == ["any", "lazy", "after"]


def test_a_failing_transactional_listener_fails_the_emitter():
    events = Events()
    events.transactional("order.paid", lambda name, payload: 1 / 0)
    with pytest.raises(ZeroDivisionError):  # not swallowed: the write it is part of rolls back
        events.emit("order.paid", {})
