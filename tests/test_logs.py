"""``minikoa.logs``: the start-up summary, from the app's config and what it registered."""

from __future__ import annotations

import logging

from minikoa import App
from minikoa.logs import FORMAT, gunicorn_logconfig, summary
from tests.conftest import write_project


def test_the_summary_says_environment_database_types_routes_plugins_and_webhooks(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIKOA_ENV", "staging")
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "x.db"))
    root = write_project(tmp_path / "p", {
        "config/plugins.py": "config = {'upload': {'enabled': False}, 'i18n': {'enabled': False}}\n",
        "config/server.py": "config = {'webhooks': {'workers': 3}}\n",
        "src/api/a/content-types/a/schema.json":
            '{"kind": "collectionType", "info": {"singularName": "a", "pluralName": "as"}, "attributes": {}}',
        "src/api/a/routes/a.py": "from minikoa import core_router\nroutes = core_router('api::a.a')\n"})
    app = App.load(root, build=False)
    lines = summary(app)
    assert lines[0] == f"project: {root}"
    assert "environment: staging" in lines and f"database: sqlite {tmp_path / 'x.db'}" in lines
    assert lines[3].startswith("content-types: 1 of the project's")
    assert f"routes: {len(app.routes)}" in lines and "plugins: users-permissions" in lines
    assert "webhooks: dispatcher idle, 3 thread(s) per process once a delivery is queued" in lines
    assert not (tmp_path / "x.db").exists()  # summing up opens nothing


def test_an_app_in_code_with_the_dispatcher_off():
    app = App(config={"server": {"webhooks": {"workers": 0}}})
    assert "project: (built in code)" in summary(app)
    assert "webhooks: dispatcher off (server.webhooks.workers = 0)" in summary(app)


def test_gunicorns_loggers_print_through_one_handler_in_minikoas_format():
    config = gunicorn_logconfig("warning", minikoa="debug")
    assert config["formatters"]["minikoa"]["format"] == FORMAT
    assert config["loggers"]["gunicorn.error"] == {"level": "WARNING", "handlers": [], "propagate": True}
    assert config["loggers"]["minikoa"]["level"] == "DEBUG"
    assert logging.getLevelName(config["root"]["level"]) == logging.WARNING
