"""``minikoa generate``: Strapi's generators, writing files that load and serve at once."""

from __future__ import annotations

import json

import pytest

from minikoa import App
from minikoa.cli import main
from tests.conftest import write_project


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "data.db"))
    return write_project(tmp_path / "project", {})


def generate(root, *args):
    return main(["generate", *args, "--project", str(root)])


def test_a_content_type_with_its_attributes_is_served_at_once(root, capsys):
    assert generate(root, "content-type", "book", "title:string:required", "pages:integer", "isbn:string:unique") == 0
    out = capsys.readouterr().out
    assert out.count("created ") == 4
    assert 'app.permissions.grant("public", ["api::book.book.find", "api::book.book.findOne"])' in out
    schema = json.loads((root / "src/api/book/content-types/book/schema.json").read_text())
    assert schema["info"] == {"singularName": "book", "pluralName": "books", "displayName": "Book"}
    assert schema["attributes"] == {"title": {"type": "string", "required": True}, "pages": {"type": "integer"},
                                    "isbn": {"type": "string", "unique": True}}
    app = App.load(root)
    try:
        client = app.test_client()
        made = client.post("/api/books", json={"data": {"title": "Dune", "pages": 412}})
        assert made.status_code == 201, made.json
        assert client.get("/api/books").json["data"][0]["pages"] == 412
        assert client.post("/api/books", json={"data": {"pages": 1}}).status_code == 400  # title is required
    finally:
        app.destroy()


def test_an_unknown_type_or_flag_is_refused_with_the_closest_name(root, capsys):
    assert generate(root, "content-type", "book", "title:strin") == 2
    assert "unknown attribute type 'strin'; did you mean 'string'?" in capsys.readouterr().err
    assert generate(root, "content-type", "book", "title:string:requird") == 2
    assert "unknown flag 'requird'; did you mean 'required'?" in capsys.readouterr().err
    assert generate(root, "content-type", "book", "author:relation") == 2
    assert "a relation needs a target" in capsys.readouterr().err
    assert generate(root, "content-type", "Book") == 2
    assert "must be kebab-case" in capsys.readouterr().err
    assert not (root / "src/api/book").exists()


def test_existing_files_are_never_overwritten(root, capsys):
    assert generate(root, "content-type", "book", "title:string") == 0
    schema = (root / "src/api/book/content-types/book/schema.json").read_text()
    capsys.readouterr()
    assert generate(root, "content-type", "book", "name:string") == 2
    assert "will not overwrite existing file(s): " in capsys.readouterr().err
    assert (root / "src/api/book/content-types/book/schema.json").read_text() == schema


def test_api_controller_service_policy_and_middleware_load_and_work(root, capsys):
    assert generate(root, "api", "health") == 0
    assert generate(root, "controller", "report", "--api", "health") == 0
    assert generate(root, "service", "report", "--api", "health") == 0
    assert generate(root, "policy", "is-open") == 0
    assert generate(root, "policy", "is-mine", "--api", "health") == 0
    assert generate(root, "middleware", "stamp") == 0
    assert generate(root, "middleware", "trace", "--api", "health") == 0
    for rel in ("src/api/health/routes/health.py", "src/api/health/controllers/health.py",
                "src/api/health/services/health.py", "src/api/health/controllers/report.py",
                "src/api/health/services/report.py", "src/policies/is-open.py", "src/api/health/policies/is-mine.py",
                "src/middlewares/stamp.py", "src/api/health/middlewares/trace.py"):
        assert (root / rel).is_file(), rel
    # Use them all: a route through both policies and both middlewares.
    (root / "src/api/health/routes/health.py").write_text(
        "routes = [{'method': 'GET', 'path': '/health', 'handler': 'health.exampleAction', 'config': {\n"
        "    'policies': ['is-open', 'is-mine'], 'middlewares': ['trace']}},\n"
        "    {'method': 'GET', 'path': '/report', 'handler': 'report.index'}]\n")
    (root / "config/middlewares.py").write_text("config = ['minikoa::errors', 'global::stamp']\n")
    app = App.load(root)
    try:
        client = app.test_client()
        assert client.get("/api/health").json == {"data": "ok"}
        assert client.get("/api/report").json == {"data": "ok"}
        assert app.service("api::health.report").example() == "ok"
    finally:
        app.destroy()


def test_generate_outside_a_project_is_refused(tmp_path, capsys):
    assert main(["generate", "policy", "x", "--project", str(tmp_path)]) == 2
    assert "is not a project folder" in capsys.readouterr().err


def test_a_kind_that_does_not_exist_is_bad_usage(root, capsys):
    with pytest.raises(SystemExit) as exit:
        generate(root, "model", "book")
    assert exit.value.code == 2 and "invalid choice: 'model'" in capsys.readouterr().err
