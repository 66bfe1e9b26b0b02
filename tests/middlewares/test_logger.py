"""minikoa::logger: one line per request, errors included."""

import logging

import pytest

from minikoa import App, ValidationError
from minikoa.middlewares.logger import middleware


@pytest.fixture
def logged(caplog):
    app = App()
    app.use(middleware({}, app))
    app.get("/ok")(lambda ctx: {"ok": True})

    @app.get("/bad")
    def bad(ctx):
        raise ValidationError("nope")

    @app.get("/crash")
    def crash(ctx):
        raise RuntimeError("boom")

    caplog.set_level(logging.INFO, logger="minikoa.access")
    return app.test_client(), caplog


def test_one_line_per_request_with_method_path_status_duration(logged):
    client, caplog = logged
    client.get("/ok?x=1")
    client.get("/bad")
    client.get("/crash")
    client.get("/missing")
    lines = [r.getMessage() for r in caplog.records if r.name == "minikoa.access"]
    assert len(lines) == 4
    assert lines[0].startswith("GET /ok?x=1 (") and lines[0].endswith(" ms) 200")
    assert lines[1].endswith(" 400") and lines[2].endswith(" 500") and lines[3].endswith(" 404")


def test_level_and_logger_options(caplog):
    app = App()
    app.use(middleware({"level": "debug", "logger": "custom.access"}, app))
    app.get("/")(lambda ctx: {})
    caplog.set_level(logging.INFO, logger="custom.access")
    app.test_client().get("/")
    assert not [r for r in caplog.records if r.name == "custom.access"]  # DEBUG is below INFO
    caplog.set_level(logging.DEBUG, logger="custom.access")
    app.test_client().get("/")
    assert [r.levelno for r in caplog.records if r.name == "custom.access"] == [logging.DEBUG]


def test_bad_options():
    with pytest.raises(ValueError, match="level must be one of"):
        middleware({"level": "loud"}, App())
    with pytest.raises(ValueError, match="unknown option"):
        middleware({"format": "x"}, App())
