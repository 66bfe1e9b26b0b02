"""``minikoa start`` (and ``serve``) over real processes on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests

from minikoa.cli import main
from tests.cli.processes import CLEAN, Command
from tests.conftest import ROOT, free_port


@pytest.fixture
def shop(tmp_path, capsys):
    assert main(["new", str(tmp_path / "shop")]) == 0
    capsys.readouterr()
    return tmp_path / "shop"


def test_start_serves_the_new_project_with_one_access_line_per_request(shop, tmp_path):
    # Each worker's app is destroyed when it stops: src/index.py's destroy leaves a mark.
    index = shop / "src" / "index.py"
    mark = f"import os, pathlib\n    pathlib.Path({str(tmp_path)!r}, f'destroyed-{{os.getpid()}}').touch()"
    index.write_text(index.read_text().replace("def destroy(app):\n    pass", f"def destroy(app):\n    {mark}"))
    url = f"http://127.0.0.1:{free_port()}"
    server = Command("start", str(shop), "--bind", url[7:], "--workers", "2", "--threads", "2", cwd=tmp_path)
    try:
        server.wait_for(url + "/api/articles", lambda a: a.status_code == 200, what="after start")
        for _ in range(3):
            assert requests.get(url + "/api/articles?sort=title", timeout=10).json()["data"] == []
        assert requests.post(url + "/api/articles", json={"data": {"title": "x"}}, timeout=10).status_code == 403
    finally:
        output = server.stop()
    assert server.proc.returncode == 0, output
    assert output.count("GET /api/articles?sort=title") == 3, output  # one line per request, not two
    assert output.count("POST /api/articles") == 1
    for line in ("environment: development", f"database: sqlite {shop / '.tmp' / 'data.db'}", "routes: ",
                 "plugins: users-permissions, upload", "webhooks: dispatcher idle", "(2 worker(s), 2 thread(s)"):
        assert line in output, line
    assert "Traceback" not in output
    assert len(list(tmp_path.glob("destroyed-*"))) == 2, output  # both workers' apps were destroyed


def test_start_refuses_production_without_secrets_before_any_worker(shop, tmp_path):
    (shop / ".env").write_text("APP_KEYS=a,b\n")
    done = subprocess.run([sys.executable, "-m", "minikoa", "start", str(shop), "--bind", f"127.0.0.1:{free_port()}"],
                          capture_output=True, text=True, timeout=60,
                          env={**{k: v for k, v in os.environ.items() if k not in CLEAN},
                               "MINIKOA_ENV": "production", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1
    assert "no JWT secret in production: set JWT_SECRET" in done.stderr and "Traceback" not in done.stderr
    assert "Booting worker" not in done.stderr and not (shop / ".tmp").exists()


def test_a_one_file_app_is_served_with_gunicorns_access_line_and_serve_is_starts_old_name(tmp_path):
    (tmp_path / "hello.py").write_text("from minikoa import App\n\napp = App()\n\n\n@app.get('/hello/:name')\n"
                                       "def hello(ctx):\n    return {'hello': ctx.params['name']}\n")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = Command("serve", "hello:app", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", cwd=tmp_path)
    try:
        answer = server.wait_for(url + "/hello/ada", lambda a: a.status_code == 200, what="a one-file app")
        assert answer.json() == {"hello": "ada"}
    finally:
        output = server.stop()
    assert output.count("GET /hello/ada") == 1, output  # the app has no logger middleware: gunicorn's line
    assert "gunicorn.access" in output and "a one-file app" in output
