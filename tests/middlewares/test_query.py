"""minikoa::query: Strapi's qs options by default, changeable, no per-request layer."""

import pytest

from minikoa import App
from minikoa.middlewares.query import middleware


def make(config):
    app = App()
    assert middleware(config, app) is None  # configuration only: no layer in the onion
    app.get("/")(lambda ctx: ctx.query)
    return app.test_client()


def test_defaults_are_strapis():
    client = make({})
    assert client.get("/?a&b=1").json == {"a": None, "b": "1"}  # strictNullHandling
    assert client.get("/?a[100]=x").json == {"a": ["x"]}
    assert client.get("/?a[101]=x").json == {"a": {"101": "x"}}
    assert client.get("/?" + "a" + "[b]" * 21 + "=1").status_code == 400


def test_changed_options():
    client = make({"depth": 2, "arrayLimit": 5, "parameterLimit": 3, "strictNullHandling": False})
    assert client.get("/?a").json == {"a": ""}
    assert client.get("/?a[6]=x").json == {"a": {"6": "x"}}
    assert client.get("/?a[b][c][d]=1").status_code == 400
    assert client.get("/?a=1&b=2&c=3&d=4").status_code == 400


@pytest.mark.parametrize("config", [{"depth": -1}, {"arrayLimit": "5"}, {"strictNullHandling": 1}, {"nope": 1}])
def test_bad_options(config):
    with pytest.raises(ValueError, match="minikoa::query"):
        middleware(config, App())
