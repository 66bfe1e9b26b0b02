"""Error classes and the errors layer: Strapi's shape, never a traceback."""

from __future__ import annotations

import logging

import pytest
from werkzeug.exceptions import abort

from minikoa import errors as E


@pytest.mark.parametrize("cls, status, name, message", [
    (E.ApplicationError, 400, "ApplicationError", "An application error occured"),
    (E.ValidationError, 400, "ValidationError", "Validation error"),
    (E.PaginationError, 400, "PaginationError", "Invalid pagination"),
    (E.UnauthorizedError, 401, "UnauthorizedError", "Unauthorized"),
    (E.ForbiddenError, 403, "ForbiddenError", "Forbidden access"),
    (E.PolicyError, 403, "PolicyError", "Policy Failed"),
    (E.NotFoundError, 404, "NotFoundError", "Not Found"),
    (E.MethodNotAllowedError, 405, "MethodNotAllowedError", "Method Not Allowed"),
    (E.PayloadTooLargeError, 413, "PayloadTooLargeError", "Entity too large"),
    (E.UnsupportedMediaTypeError, 415, "UnsupportedMediaTypeError", "Unsupported Media Type"),
    (E.RateLimitError, 429, "RateLimitError", "Too many requests, please try again later."),
])
def test_named_errors(cls, status, name, message):
    err = cls()
    assert (err.status, err.name, err.message, err.details) == (status, name, message, {})
    assert err.to_dict() == {"status": status, "name": name, "message": message, "details": {}}
    assert isinstance(err, E.HttpError)
    custom = cls("custom", {"k": 1})
    assert custom.to_dict()["message"] == "custom" and custom.details == {"k": 1}


def test_policy_error_is_a_forbidden_error():
    assert issubclass(E.PolicyError, E.ForbiddenError)


def test_http_error_takes_status_first():
    err = E.HttpError(409, "taken", {"field": "email"})
    assert err.to_dict() == {"status": 409, "name": "ConflictError", "message": "taken",
                             "details": {"field": "email"}}
    assert E.HttpError(400).to_dict()["name"] == "BadRequestError"
    assert E.HttpError(503, "db down").to_dict() == {
        "status": 503, "name": "ServiceUnavailableError", "message": "Service Unavailable"}
    assert E.HttpError(503, "retry", expose=True).to_dict()["message"] == "retry"


def test_error_for_status_picks_the_strapi_class():
    assert isinstance(E.error_for_status(404), E.NotFoundError)
    assert E.error_for_status(404).message == "Not Found"
    assert type(E.error_for_status(400)) is E.HttpError




def test_errors_layer_renders_every_kind(app, client, caplog):
    @app.get("/werkzeug")
    def wz(ctx):
        abort(413)

    @app.get("/strapi")
    def strapi(ctx):
        raise E.ValidationError("title must be defined.", {"errors": [{"path": ["title"]}]})

    @app.get("/crash")
    def crash(ctx):
        raise RuntimeError("secret internals /etc/passwd")

    @app.get("/retry")
    def retry(ctx):
        raise E.RateLimitError(headers={"Retry-After": "10"})

    res = client.get("/werkzeug")
    assert res.status_code == 413 and res.json["error"]["name"] == "PayloadTooLargeError"
    res = client.get("/strapi")
    assert res.json == {"data": None, "error": {"status": 400, "name": "ValidationError",
                                                "message": "title must be defined.",
                                                "details": {"errors": [{"path": ["title"]}]}}}
    with caplog.at_level(logging.ERROR, logger="minikoa"):
        res = client.get("/crash")
    assert res.status_code == 500
    assert res.json == {"data": None, "error": {"status": 500, "name": "InternalServerError",
                                                "message": "Internal Server Error"}}
    assert b"secret" not in res.data and b"Traceback" not in res.data
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and "secret internals" in str(logged[-1].exc_info[1])
    res = client.get("/retry")
    assert res.status_code == 429 and res.headers["Retry-After"] == "10"


def test_error_response_drops_the_handlers_content_type_keeps_other_headers(app, client):
    @app.get("/")
    def handler(ctx):
        ctx.set("X-Kept", "1")
        ctx.type = "text/html"
        ctx.throw(400, "nope")

    res = client.get("/")
    assert res.headers["Content-Type"] == "application/json; charset=utf-8"
    assert res.headers["X-Kept"] == "1"
