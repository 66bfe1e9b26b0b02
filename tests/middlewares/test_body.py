"""minikoa::body: koa-body's option names set the limits ctx.request_body applies."""

import io

import pytest

from minikoa import App
from minikoa.middlewares.body import middleware
from minikoa.middlewares.options import parse_size


def make(config):
    app = App()
    assert middleware(config, app) is None

    @app.post("/")
    def handler(ctx):
        return {"body": ctx.request_body, "files": sorted(ctx.files)}

    return app, app.test_client()


def test_defaults_are_koa_bodys():
    app, client = make({})
    limits = app.body_limits
    assert (limits.json, limits.form, limits.text) == (1024**2, 56 * 1024, 56 * 1024)
    assert limits.multipart_file == 200 * 1024**2
    assert client.post("/", data=b"x" * (1024**2 + 1), content_type="application/json").status_code == 413


def test_changed_limits_and_sizes_as_strings():
    app, client = make({"jsonLimit": "10b", "formLimit": 20, "textLimit": "1kb",
                        "formidable": {"maxFileSize": "4b"}})
    assert app.body_limits.text == 1024
    assert client.post("/", data=b'{"a":1234}', content_type="application/json").status_code == 200
    assert client.post("/", data=b'{"a":12345}', content_type="application/json").status_code == 413
    assert client.post("/", data="a=" + "x" * 19, content_type="application/x-www-form-urlencoded").status_code == 413
    assert client.post("/", data={"f": (io.BytesIO(b"12345"), "f.txt")}).status_code == 413
    assert client.post("/", data={"f": (io.BytesIO(b"1234"), "f.txt")}).json["files"] == ["f"]


def test_multipart_off_is_415():
    _, client = make({"multipart": False})
    res = client.post("/", data={"f": (io.BytesIO(b"1"), "f.txt")})
    assert res.status_code == 415 and res.json["error"]["name"] == "UnsupportedMediaTypeError"


@pytest.mark.parametrize("config, message", [
    ({"jsonLimit": "lots"}, "jsonLimit must be a size"),
    ({"jsonLimit": True}, "jsonLimit must be a size"),
    ({"multipart": "yes"}, "multipart must be true or false"),
    ({"formidable": {"uploadDir": "/tmp"}}, "formidable takes one option"),
    ({"strict": True}, "unknown option"),
])
def test_bad_options(config, message):
    with pytest.raises(ValueError, match=message):
        middleware(config, App())


def _size(text: str) -> int | str:
    try:
        return parse_size("body", "jsonLimit", text)
    except ValueError as exc:
        return str(exc)[:44]


