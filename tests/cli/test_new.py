"""``minikoa new``: a project that loads, serves its api and passes its own test at once."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from minikoa import App
from minikoa.cli import main
from minikoa.project.config import load_dotenv
from tests.conftest import ROOT


@pytest.fixture
def made(tmp_path, capsys):
    assert main(["new", str(tmp_path / "shop")]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith(f"cd {tmp_path / 'shop'}\n  minikoa develop")
    return tmp_path / "shop"


def test_it_writes_a_whole_project(made):
    for rel in (".env", ".env.example", ".gitignore", "README.md", "src/index.py",
                "config/server.py", "config/database.py", "config/api.py", "config/middlewares.py",
                "config/plugins.py", "config/admin.py", "src/api/article/content-types/article/schema.json",
                "src/api/article/routes/article.py", "src/api/article/controllers/article.py",
                "src/api/article/services/article.py", "src/api/article/policies/max-page-size.py",
                "tests/test_articles.py"):
        assert (made / rel).is_file(), rel
    assert ".env" in (made / ".gitignore").read_text().split() and ".tmp/" in (made / ".gitignore").read_text()


def test_its_secrets_are_fresh_and_strapis(made, tmp_path):
    values = load_dotenv(made / ".env", {})
    assert set(values) >= {"APP_KEYS", "API_TOKEN_SALT", "ADMIN_TOKEN", "JWT_SECRET", "HOST", "PORT"}
    assert len(values["APP_KEYS"].split(",")) == 4
    assert main(["new", str(tmp_path / "other")]) == 0
    again = load_dotenv(tmp_path / "other" / ".env", {})
    for key in ("APP_KEYS", "API_TOKEN_SALT", "ADMIN_TOKEN", "JWT_SECRET"):
        assert values[key] != again[key] and len(values[key]) >= 16


def test_its_api_answers_at_once(made, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "data.db"))
    dotenv = ("JWT_SECRET", "API_TOKEN_SALT", "APP_KEYS", "ADMIN_TOKEN", "HOST", "PORT")
    for key in dotenv:
        monkeypatch.delenv(key, raising=False)  # the project's .env gives them
    unset = [key for key in dotenv if key not in os.environ]
    app = App.load(made)
    try:
        client = app.test_client()
        assert client.get("/api/articles").json["meta"]["pagination"]["total"] == 0
        assert client.post("/api/articles", json={"data": {"title": "x"}}).status_code == 403
        assert client.get("/api/articles?pagination[pageSize]=51").status_code == 403  # its policy
        assert not (made / ".tmp" / "jwt-secret").exists()  # the secrets came from .env
    finally:
        app.destroy()
        for key in unset:
            os.environ.pop(key, None)  # load_dotenv set them for this process


def test_its_own_tests_pass(made):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "MINIKOA_", "DATABASE_"))}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=made,
                          capture_output=True, text=True, timeout=120, env={**env, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


def test_a_folder_with_something_in_it_is_refused(tmp_path, capsys):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    assert main(["new", str(tmp_path / "taken")]) == 2
    err = capsys.readouterr().err
    assert err == f"minikoa: error: {tmp_path / 'taken'} exists and is not an empty folder: choose a new path\n"
    assert os.listdir(tmp_path / "taken") == ["notes.txt"]
    (tmp_path / "empty").mkdir()
    assert main(["new", str(tmp_path / "empty")]) == 0


def test_new_without_a_path_is_bad_usage(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["new"])
    assert exit.value.code == 2 and "the following arguments are required: PATH" in capsys.readouterr().err
