"""``minikoa develop``: the watcher on its own, and the server reloading over a real process on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time

import pytest

from minikoa.cli import main
from minikoa.cli.develop import Watcher, snapshot
from tests.cli.processes import Command
from tests.conftest import _alive_in_group, free_port


@pytest.fixture
def shop(tmp_path, capsys):
    assert main(["new", str(tmp_path / "shop")]) == 0
    capsys.readouterr()
    return tmp_path / "shop"


def test_the_snapshot_sees_config_and_src_but_not_caches_or_swap_files(shop):
    (shop / "src" / "__pycache__").mkdir()
    (shop / "src" / "__pycache__" / "index.cpython-311.pyc").write_bytes(b"x")
    (shop / "src" / ".index.py.swp").write_text("x")
    (shop / "src" / "index.py~").write_text("x")
    found = {path[len(str(shop)) + 1:] for path in snapshot(shop)}
    assert "src/index.py" in found and "config/server.py" in found
    assert not any("__pycache__" in p or p.endswith((".swp", "~")) for p in found)
    assert not any(p.startswith(("tests/", "public/", ".env")) for p in found)


def test_the_watcher_reloads_once_per_burst_of_changes(shop):
    reloads = threading.Semaphore(0)
    calls: list[float] = []

    def reload() -> None:
        calls.append(time.monotonic())
        reloads.release()

    watcher = Watcher(shop, reload, poll=0.05)
    watcher.start()
    try:
        (shop / "src" / "index.py").write_text("# changed\n")
        (shop / "src" / "policies").mkdir()
        (shop / "src" / "policies" / "new.py").write_text("def policy(ctx, config, app):\n    return True\n")
        assert reloads.acquire(timeout=10)
        time.sleep(0.3)
        assert len(calls) == 1  # both files, one reload
        (shop / "src" / "policies" / "new.py").unlink()  # a file that goes is a change too
        assert reloads.acquire(timeout=10)
    finally:
        watcher.stop()
        watcher.join(timeout=10)
    assert not watcher.is_alive()


def test_develop_reloads_after_a_change_and_survives_a_mistake(shop, tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    subtitle = url + "/api/articles?fields[0]=subtitle"
    server = Command("develop", str(shop), "--bind", url[7:], cwd=tmp_path)
    try:
        server.wait_for(subtitle, lambda a: a.status_code == 400, what="before the change")  # no such field yet
        schema_file = shop / "src/api/article/content-types/article/schema.json"
        schema = json.loads(schema_file.read_text())
        schema["attributes"]["subtitle"] = {"type": "string"}
        schema_file.write_text(json.dumps(schema, indent=2))
        server.wait_for(subtitle, lambda a: a.status_code == 200, timeout=30, what="after a schema change")

        controller = shop / "src/api/article/controllers/article.py"
        good = controller.read_text()
        controller.write_text(good + "\nbroken(\n")
        broken = server.wait_for(url + "/api/articles", lambda a: a.status_code == 500, timeout=30,
                                 what="after a mistake")
        assert f"{controller}:" in broken.json()["error"]["message"] and "syntax error" in broken.text
        controller.write_text(good)
        server.wait_for(url + "/api/articles", lambda a: a.status_code == 200, timeout=30, what="after the fix")
    finally:
        output = server.stop()
    assert "reloading" in output and "the project did not load" in output and "Traceback" not in output
    time.sleep(0.2)
    assert _alive_in_group(server.proc.pid) == []  # no worker outlived the master


