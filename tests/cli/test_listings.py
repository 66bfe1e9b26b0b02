"""``minikoa routes`` and the other listings: what they print, and that they change nothing on disk."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from minikoa.cli import main
from tests.conftest import ROOT

BLOG = ROOT / "examples" / "blog"


def tree(root: Path) -> dict[str, str]:
    """Every file and folder under ``root``, with a digest of each file's bytes and its mode."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            found[os.path.relpath(os.path.join(folder, name), root) + "/"] = ""
        for name in files:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root)] = (hashlib.sha256(Path(path).read_bytes()).hexdigest()
                                                  + oct(os.stat(path).st_mode))
    return found


@pytest.fixture
def blog(tmp_path, monkeypatch):
    """A copy of the blog, with none of the variables that would give it its secrets."""
    for name in ("JWT_SECRET", "API_TOKEN_SALT", "DATABASE_FILENAME", "MINIKOA_ENV", "NODE_ENV"):
        monkeypatch.delenv(name, raising=False)
    return Path(shutil.copytree(BLOG, tmp_path / "blog", ignore=shutil.ignore_patterns(".tmp", "__pycache__")))


@pytest.mark.parametrize("command", ["routes", "content-types", "policies", "middlewares", "services",
                                     "controllers"])
def test_a_listing_leaves_the_project_byte_identical(blog, command, capsys):
    before = tree(blog)
    assert main([command, str(blog)]) == 0
    assert capsys.readouterr().out.strip()
    assert tree(blog) == before  # no .tmp/, no database, no secret, no __pycache__


def test_python_m_minikoa_routes_writes_nothing_in_a_process_of_its_own(blog):
    before = tree(blog)
    done = subprocess.run([sys.executable, "-m", "minikoa", "routes", str(blog)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert tree(blog) == before and done.stderr == ""


def test_routes_shows_method_path_handler_auth_policies_and_middlewares(blog, capsys):
    assert main(["routes", str(blog)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["METHOD", "PATH", "HANDLER", "AUTH", "POLICIES", "MIDDLEWARES"]
    rows = {tuple(line.split()[:2]): line.split(maxsplit=4) for line in lines[1:] if line.strip()}
    put = rows[("PUT", "/api/articles/:id")]
    assert put[2:4] == ["api::article.article.update", "role"]
    assert put[4].startswith("plugin::users-permissions.isAuthenticated, is-owner")
    assert rows[("GET", "/ping")][3] == "none"  # config.auth False
    assert "global::timer" in lines[-1] and lines[-1].startswith("global middlewares: minikoa::errors")


def test_the_other_listings_name_each_thing_and_where_it_comes_from(blog, capsys):
    main(["content-types", str(blog)])
    out = capsys.readouterr().out
    assert "api::article.article" in out and "collectionType" in out and "plugin::upload.file" in out
    main(["policies", str(blog)])
    assert str(blog / "src/api/article/policies/is-owner.py") in capsys.readouterr().out
    main(["middlewares", str(blog)])
    out = capsys.readouterr().out
    assert "global::timer" in out and "minikoa::cors" in out and "built-in" in out
    main(["controllers", str(blog)])
    out = capsys.readouterr().out
    assert "api::article.article" in out and re.search(r"^api::category\.category +core$", out, re.M)


def test_a_mistake_names_the_file_the_line_and_the_closest_name(project, capsys):
    root = project({"src/api/a/routes/a.py": "routes = [\n    {'method': 'GET', 'path': '/a', 'handler': 'a.find',\n"
                                              "     'config': {'policies': ['is-ownr']}},\n]\n",
                    "src/api/a/controllers/a.py": "from minikoa import Controller\n\n"
                                                  "class A(Controller):\n    def find(self, ctx):\n        return 1\n\n"
                                                  "controller = A\n",
                    "src/api/a/policies/is-owner.py": "def policy(ctx, config, app):\n    return True\n"})
    assert main(["routes", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("minikoa: error: ") and "Traceback" not in err
    assert f"{root / 'src/api/a/routes/a.py'}:3: unknown policy 'is-ownr'; did you mean 'is-owner'?" in err


def test_an_unknown_handler_attribute_type_or_middleware_is_named_with_a_suggestion(project, capsys):
    root = project({"src/api/a/routes/a.py": "routes = []\n",
                    "src/api/a/content-types/a/schema.json":
                        '{"kind": "collectionType", "info": {"singularName": "a", "pluralName": "as"},\n'
                        ' "attributes": {"title": {"type": "strng"}}}\n'})
    assert main(["routes", str(root)]) == 1
    assert "unknown attribute type 'strng'; did you mean 'string'?" in capsys.readouterr().err
    (root / "src/api/a/content-types/a/schema.json").write_text(
        '{"kind": "collectionType", "info": {"singularName": "a", "pluralName": "as"}, "attributes": {}}')
    (root / "src/api/a/routes/a.py").write_text("routes = [{'method': 'GET', 'path': '/a', 'handler': 'a.fnd'}]\n")
    assert main(["routes", str(root)]) == 1
    assert "has no action 'fnd'; did you mean 'find'?" in capsys.readouterr().err
    (root / "src/api/a/routes/a.py").write_text("routes = []\n")
    (root / "config/middlewares.py").write_text("config = [\n    'minikoa::errors',\n    'minikoa::corss',\n]\n")
    assert main(["routes", str(root)]) == 1
    err = capsys.readouterr().err
    assert f"{root / 'config/middlewares.py'}:3: unknown middleware 'minikoa::corss'; did you mean 'minikoa::cors'?" \
        in err


def test_debug_adds_the_traceback(project, capsys):
    root = project({"src/index.py": "def register(app):\n    raise RuntimeError('boom')\n"})
    assert main(["routes", str(root), "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and err.rstrip().endswith("register(app) failed: RuntimeError: boom")


def test_no_project_there(tmp_path, capsys):
    assert main(["routes", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err == f"minikoa: error: {tmp_path / 'nowhere'}: no such project folder\n"


def test_a_config_file_that_fails_names_its_line_without_a_traceback(project, capsys):
    root = project({"config/server.py": "def config(env):\n    port = env.int('PORT', 1337)\n"
                                        "    return {'port': port, 'host': undefined_host}\n"})
    assert main(["routes", str(root)]) == 1
    err = capsys.readouterr().err
    assert err == (f"minikoa: error: {root / 'config/server.py'}:3: config(env) failed: NameError: "
                   "name 'undefined_host' is not defined\n")
