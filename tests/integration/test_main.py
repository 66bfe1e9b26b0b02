"""python -m minikoa: the route table, and errors reported without a traceback (more in tests/cli)."""

import subprocess
import sys

from tests.conftest import ROOT


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "minikoa", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env=env)


def test_routes_lists_the_blog(tmp_path):
    import os

    result = run("routes", "examples/blog", env={**os.environ, "DATABASE_FILENAME": str(tmp_path / "b.db"),
                                                 "JWT_SECRET": "a-test-secret-long-enough-for-hs256"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["METHOD", "PATH", "HANDLER", "AUTH", "POLICIES", "MIDDLEWARES"]
    assert any(line.split()[:3] == ["PUT", "/api/articles/:id", "api::article.article.update"]
               and "plugin::users-permissions.isAuthenticated, is-owner" in line for line in lines)
    assert any(line.split()[:3] == ["POST", "/api/auth/local/register", "plugin::users-permissions.auth.register"]
               and "plugin::users-permissions.rateLimit" in line for line in lines)
    assert "global middlewares: minikoa::errors, minikoa::security" in result.stdout


def test_a_broken_project_is_a_one_line_error(project):
    root = project({"src/api/a/routes/a.py": "routes = [{'method': 'GET', 'path': '/a', 'handler': 'a.nope'}]"})
    result = run("routes", str(root))
    assert result.returncode == 1  # 2 is for bad usage
    assert result.stderr.startswith("minikoa: error: ") and "a.nope" in result.stderr
    assert "Traceback" not in result.stderr
