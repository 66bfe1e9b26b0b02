"""``minikoa console`` (a shell with the app) and ``minikoa openapi``."""

from __future__ import annotations

import io
import json

import pytest

from minikoa import App
from minikoa.cli import main
from tests.cli.test_listings import tree
from tests.conftest import write_project

SCHEMA = '{"kind": "collectionType", "info": {"singularName": "note", "pluralName": "notes"}, ' \
         '"options": {"draftAndPublish": false}, "attributes": {"text": {"type": "string"}}}'


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "data.db"))
    return write_project(tmp_path / "project", {"src/api/note/content-types/note/schema.json": SCHEMA,
                                                "src/api/note/routes/note.py":
                                                    "from minikoa import core_router\n"
                                                    "routes = core_router('api::note.note')\n"})


def test_the_console_has_the_built_app(root, monkeypatch, capsys):
    lines = ["note = app.documents('api::note.note').create(data={'text': 'hi'})",
             "print('count:', app.documents('api::note.note').count())"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["console", str(root)]) == 0
    captured = capsys.readouterr()
    assert "count: 1" in captured.out
    assert "console: `app` is" in captured.err  # the banner


def test_openapi_prints_the_apps_document_and_writes_nothing(root, capsys):
    before = tree(root)
    assert main(["openapi", str(root)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["openapi"].startswith("3.1") and "/api/notes" in printed["paths"]
    assert tree(root) == before and not (root.parent / "data.db").exists()
    app = App.load(root)
    try:
        assert printed == app.openapi()
    finally:
        app.destroy()
