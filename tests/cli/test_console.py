"""``minikoa console`` (a shell with the app) and ``minikoa openapi``."""

from __future__ import annotations

import io
import json

import pytest

from minikoa import App
from minikoa.cli import main
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


def test_openapi_prints_the_document_or_says_it_is_not_there(root, capsys):
    code = main(["openapi", str(root)])
    if hasattr(App, "openapi"):
        assert code == 0 and json.loads(capsys.readouterr().out)["openapi"].startswith("3.1")
    else:
        assert code == 2
        assert capsys.readouterr().err == "minikoa: error: the OpenAPI document is not available in this version\n"
