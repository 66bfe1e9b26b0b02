"""minikoa::response-time: X-Response-Time as Strapi writes it (whole milliseconds, rounded up)."""

import re
import time

import pytest

from minikoa import App, PolicyError, ValidationError
from minikoa.middlewares.response_time import middleware


@pytest.fixture
def client():
    app = App()
    app.use("strapi::responseTime")  # Strapi's name finds the built-in
    app.get("/fast")(lambda ctx: {"ok": True})

    @app.get("/slow")
    def slow(ctx):
        time.sleep(0.025)
        return {"ok": True}

    @app.get("/bad")
    def bad(ctx):
        raise ValidationError("nope")

    def refuse(ctx, config, app):
        raise PolicyError("no")

    app.get("/guarded", policies=[refuse])(lambda ctx: {})
    return app.test_client()


def test_header_format_and_value(client):
    fast = client.get("/fast").headers["X-Response-Time"]
    assert re.fullmatch(r"[1-9]\d*ms", fast)  # at least 1: any time above zero, rounded up
    slow = client.get("/slow").headers["X-Response-Time"]
    assert re.fullmatch(r"\d+ms", slow) and 25 <= int(slow[:-2]) < 1000


def test_errors_strapi_throws_have_no_header_and_its_responses_do(client):
    assert "X-Response-Time" in client.get("/missing").headers          # unknown route: a response in Strapi
    assert "X-Response-Time" in client.post("/fast").headers            # 405 too
    assert "X-Response-Time" not in client.get("/bad").headers          # a thrown 400
    assert "X-Response-Time" not in client.get("/guarded").headers      # a policy's thrown 403


def test_no_options():
    with pytest.raises(ValueError, match="unknown option"):
        middleware({"hrtime": True}, App())
