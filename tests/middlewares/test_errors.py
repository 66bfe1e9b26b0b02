"""minikoa::errors is the app's outermost try, wherever the list puts it."""

import pytest

from minikoa import App
from minikoa.middlewares.errors import middleware


def test_listed_anywhere_the_errors_layer_stays_outermost():
    app = App()
    seen = []

    def outer(ctx):
        try:
            yield
        except Exception as exc:
            seen.append(type(exc).__name__)
            raise

    app.use(outer)
    app.use("minikoa::errors")  # listed inside another middleware: still outermost
    app.get("/")(lambda ctx: ctx.throw(418))
    res = app.test_client().get("/")
    assert res.status_code == 418 and res.json["error"]["name"] == "ImATeapotError"
    assert seen == ["HttpError"]  # the error passed through `outer` on its way out


def test_takes_no_options():
    assert middleware({}, App()) is None
    with pytest.raises(ValueError, match="minikoa::errors: unknown option"):
        middleware({"debug": True}, App())
