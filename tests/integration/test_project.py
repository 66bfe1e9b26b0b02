"""A project's lifecycle under gunicorn."""

from __future__ import annotations

import requests


def test_destroy_runs_when_a_gunicorn_worker_exits(project, serve):
    root = project({
        "src/index.py": (
            "import os\n"
            "def destroy(app):\n"
            "    (app.root / f'destroyed-{os.getpid()}').write_text('bye')\n"),
        "src/api/a/routes/a.py": "routes = [{'method': 'GET', 'path': '/', 'handler': lambda ctx: {'ok': 1}, "
                                 "'config': {'prefix': ''}}]\n",
    })
    server = serve(f"minikoa.wsgi:create_app({str(root)!r})", workers=2)
    assert requests.get(server.url + "/", timeout=5).json() == {"ok": 1}
    server.stop()
    assert len(list(root.glob("destroyed-*"))) == 2  # one per worker
