from minikoa.content.events import Events


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
