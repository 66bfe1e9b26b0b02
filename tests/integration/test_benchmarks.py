"""`make bench` must keep working: a quick run verifies minikoa's answers in every group."""

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_quick_benchmark_run_verifies_and_reports(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--only", "middleware",
                             "--only", "models", "--json", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "### Models" in result.stdout and "### Middleware" in result.stdout
    groups = json.loads(out.read_text())["groups"]
    assert groups["models"]["data"]["insert_ratio"] > 0 and groups["models"]["data"]["list_ratio"] > 0
    assert groups["middleware"]["data"]["per_layer_ns"] > 0
