"""The ``minikoa`` command itself: help, version, usage errors, the console script and ``python -m``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from minikoa import __version__
from minikoa.cli import main
from tests.conftest import ROOT


def test_version_and_help_are_plain_text(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0 and capsys.readouterr().out == f"minikoa {__version__}\n"
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("new", "develop", "start", "routes", "content-types", "policies", "middlewares", "services",
                    "controllers", "generate", "console", "openapi"):
        assert f"\n    {command}" in out, command
    assert not any(mark in out for mark in ("``", "**", "\x1b["))  # no markup, no colours


def test_bad_usage_exits_2_with_a_message(capsys):
    for argv, said in ((["bogus"], "invalid choice: 'bogus'"), ([], "the following arguments are required: COMMAND"),
                       (["start", "--workers", "many"], "invalid int value: 'many'")):
        with pytest.raises(SystemExit) as exit:
            main(argv)
        err = capsys.readouterr().err
        assert exit.value.code == 2 and said in err and err.startswith("usage: minikoa")


def test_the_console_script_and_python_m_are_the_same_command():
    script = Path(sys.executable).with_name("minikoa")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for argv in ([str(script)], [sys.executable, "-m", "minikoa"]):
        done = subprocess.run([*argv, "--version"], capture_output=True, text=True, timeout=60, env=env)
        assert (done.returncode, done.stdout) == (0, f"minikoa {__version__}\n")
