"""The README's quick start, run by bash and curl against the blog on gunicorn (its port made ours)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import ROOT
from tests.examples.test_blog import SECRET

TIMEOUT = 60  # a hang detector, not a speed check


def quick_start() -> list[str]:
    """The quick start's shell lines (continuations joined), without the two that start or list the blog."""
    text = (ROOT / "README.md").read_text()
    start = text.index("\n## Quick start\n")
    block = text[start:].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = block.replace("\\\n", " ").splitlines()
    return [line for line in lines if line.strip() and not line.startswith(("make run", "python -m minikoa"))]


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
