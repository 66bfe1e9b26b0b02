"""The architecture of DESIGN.md holds: import-linter's contracts (pyproject.toml), run by every `make test`.

Layers import only downwards; content and db know nothing of HTTP or the
REST layer; HTTP and routing know nothing of content or databases; only
db talks to a database driver; no import cycles at any depth.
"""

from __future__ import annotations

import os

from importlinter.cli import lint_imports

from tests.conftest import ROOT


def test_import_contracts_are_kept(capsys):
    here = os.getcwd()
    os.chdir(ROOT)  # the contracts and the package are found from the repository root
    try:
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    finally:
        os.chdir(here)
    output = capsys.readouterr().out
    assert code == 0, output
    assert "0 broken" in output
