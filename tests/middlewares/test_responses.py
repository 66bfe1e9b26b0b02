"""minikoa::responses: handlers by status, run after the route (Strapi's strapi::responses)."""

import pytest

from minikoa import App, ValidationError
from minikoa.middlewares.responses import middleware


def not_found(ctx):
    ctx.body = {"data": None, "error": {"status": 404, "name": "NotFoundError", "message": "Nothing here",
                                        "details": {"path": ctx.path, "was": ctx.body["error"]["message"]}}}


def created(ctx):
    ctx.set("Location", f"/things/{ctx.body['id']}")


def teapot_to_ok(ctx):
    ctx.status = 200
    ctx.body = {"brewed": True}


@pytest.fixture
def client():
    app = App()
    app.use("strapi::responses", {"handlers": {404: not_found, "201": created, 418: teapot_to_ok,
                                               400: lambda ctx: setattr(ctx, "body", "never")}})
    app.get("/gone")(lambda ctx: ctx.not_found())

    @app.post("/things")
    def create(ctx):
        ctx.status = 201
        return {"id": 7}

    @app.get("/teapot")
    def teapot(ctx):
        ctx.status = 418
        return {"short": True}

    @app.get("/bad")
    def bad(ctx):
        raise ValidationError("nope")

    return app.test_client()


def test_handler_by_status(client):
    res = client.get("/nowhere")  # an unknown route: a response in Strapi, so its handler runs
    assert res.status_code == 404
    assert res.json["error"] == {"status": 404, "name": "NotFoundError", "message": "Nothing here",
                                 "details": {"path": "/nowhere", "was": "Not Found"}}
    assert client.get("/gone").json["error"]["message"] == "Nothing here"
    res = client.post("/things")
    assert res.status_code == 201 and res.headers["Location"] == "/things/7" and res.json == {"id": 7}
    res = client.get("/teapot")
    assert res.status_code == 200 and res.json == {"brewed": True}


def test_errors_strapi_throws_pass_by(client):
    res = client.get("/bad")  # thrown in Strapi: strapi::errors answers it, no handler sees it
    assert res.status_code == 400 and res.json["error"]["name"] == "ValidationError"


@pytest.mark.parametrize("config, message", [
    ({"handler": {}}, r"unknown option\(s\) handler; did you mean 'handlers'\?"),
    ({"handlers": [not_found]}, r"'handlers' must be a dict"),
    ({"handlers": {"nope": not_found}}, r"key 'nope', which is not a status code"),
    ({"handlers": {999: not_found}}, r"not a status code"),
    ({"handlers": {404: "not_found"}}, r"not a function of ctx"),
])
def test_bad_options(config, message):
    with pytest.raises(ValueError, match=message):
        middleware(config, App())


def test_no_handlers_no_layer():
    assert middleware({}, App()) is None
