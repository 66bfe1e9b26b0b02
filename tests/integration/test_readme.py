"""The README's quick start, run by bash and curl against the blog on gunicorn (its port made ours)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from minikoa.cli import main
from tests.cli.test_listings import tree
from tests.conftest import ROOT
from tests.examples.test_blog import SECRET

TIMEOUT = 60  # a hang detector, not a speed check


def quick_start() -> list[str]:
    """The quick start's shell lines (continuations joined), without the two that start or list the blog."""
    text = (ROOT / "README.md").read_text()
    start = text.index("\n## Quick start\n")
    block = text[start:].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = block.replace("\\\n", " ").splitlines()
    return [line for line in lines if line.strip() and not line.startswith(("make run", "minikoa "))]


def bodies(output: str) -> list[dict]:
    """The JSON objects curl printed one after another (no separator between them)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while (at := output.find("{", at)) != -1:
        value, at = decoder.raw_decode(output, at)
        found.append(value)
    return found


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("bash") is None, reason="needs bash and curl")
def test_the_quick_start_registers_logs_in_and_writes(serve, tmp_path):
    server = serve('minikoa.wsgi:create_app("examples/blog")', workers=2,
                   env={"DATABASE_FILENAME": str(tmp_path / "readme.db"), "JWT_SECRET": SECRET})
    script = "\n".join(["set -euo pipefail", *quick_start()]).replace("http://127.0.0.1:1337", server.url)
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    answers = bodies(done.stdout)
    created = [a["data"] for a in answers if isinstance(a.get("data"), dict) and a["data"].get("title") == "Hi"]
    assert created and created[0]["author"] == "lin"
    assert answers[-1]["username"] == "lin"  # /users/me with the JWT


def block_after(heading: str) -> list[str]:
    """The shell lines of the first ``sh`` block after ``heading``, comments and blank lines dropped."""
    text = (ROOT / "README.md").read_text()
    block = text[text.index(f"\n{heading}\n"):].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_your_own_project_runs_as_the_readme_says(tmp_path):
    """The commands of "Your own project", in a fresh folder with this checkout's minikoa on PATH (what the
    first two lines set up, which the test does not redo: making a virtual environment and installing into it
    would take longer than the rest together), up to ``minikoa develop`` (a server: tests/cli/test_server.py)."""
    lines = block_after("## Your own project")
    assert lines[0].startswith("python3 -m venv .venv") and lines[1].startswith("pip install ")
    assert lines[-1] == "minikoa develop"
    script = "\n".join(["set -euo pipefail", *lines[2:-1]])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DATABASE_", "MINIKOA_"))}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}", PYTHONPATH=str(ROOT))
    for key in ("JWT_SECRET", "API_TOKEN_SALT", "APP_KEYS", "ADMIN_TOKEN"):
        env.pop(key, None)
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT,
                          env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "/api/books" in done.stdout and "/api/articles" in done.stdout and "3 passed" in done.stdout
    assert not (tmp_path / "shop" / ".tmp").exists()  # routes wrote nothing; the tests used their own database


def test_the_quick_starts_route_table_changes_nothing(capsys):
    line = next(line for line in block_after("## Quick start") if line.startswith("minikoa routes"))
    blog = ROOT / "examples" / "blog"
    before = tree(blog)
    assert main([*line.split()[1:2], str(ROOT / line.split()[2])]) == 0
    assert "/api/articles/:id/reading-time" in capsys.readouterr().out
    assert tree(blog) == before
