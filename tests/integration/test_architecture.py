"""The architecture of DESIGN.md holds: import-linter's contracts (pyproject.toml), run by every `make test`.

Layers import only downwards; content and db know nothing of HTTP or the
REST layer; HTTP and routing know nothing of content or databases; only
db talks to a database driver; no import cycles at any depth. Run as
``lint-imports`` in its own process: the linter configures logging as a
command line tool does, which must not leak into the other tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_import_contracts_are_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
