"""Checks fed adversarial input of about 1 MB (the body limit) finish, and answer right.

Each input is built to make a backtracking pattern, or a quadratic loop, work hard: a query
string of brackets, a cookie, an Origin, a path of a million segments, a size, a media type,
webhook names. ``tests.hang.finishes`` runs each check in a child process and fails the test
if it would run for hours (a hang detector, not a timer); hence this file's place here, with
the other tests that start processes. The patterns themselves are tested beside their modules.
"""

from __future__ import annotations

import json

import pytest

from tests.hang import MB, finishes
from tests.http.test_body import _echo_status
from tests.http.test_querystring import _parse_outcome
from tests.middlewares.test_body import _size
from tests.middlewares.test_cors import _allowed_origin
from tests.middlewares.test_public import _status_of, make_project
from tests.middlewares.test_session import _read_with
from tests.routing.test_router import _match
from tests.webhooks.test_admin import _create_status, body_for


@pytest.fixture
def project(tmp_path):
    """A project folder with a ``public/`` folder (``tests.middlewares.test_public``'s)."""
    return make_project(tmp_path)


@pytest.fixture
def app(make_app):
    """An app with the admin API (``tests.webhooks.test_admin``'s)."""
    return make_app(admin=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize("cookie", [
    "koa.sess=" + "a" * MB,
    'koa.sess="' + "\\a" * (MB // 2),
    "koa.sess" + ";" * MB,
    "koa.sess=" + "a=" * (MB // 2),
    " " * MB + "koa.sess=x",
    "koa.sess=" + "a." * (MB // 2),
], ids=["long-value", "open-quote-escapes", "semicolons", "equals", "spaces", "dots"])
def test_a_1mb_cookie_header_finishes_and_gives_a_new_session(cookie):
    assert finishes(_read_with, cookie) == (200, {"session": {}, "new": True, "type": "Session"})


@pytest.mark.parametrize("origin", ["https://" + "a." * (MB // 2) + "example", "h" * MB,
                                    "https://a.example" * (MB // 17)])
def test_a_1mb_origin_finishes_and_is_refused(origin):
    # Origins are compared as whole strings (a set lookup), never through a pattern.
    assert finishes(_allowed_origin, origin) == (200, None)


@pytest.mark.parametrize("path", [
    "/" + "a/" * (MB // 2),
    "/" + "a" * MB,
    "/" + "%2e%2e/" * (MB // 7),
    "/" + "..%2f" * (MB // 5),
    "/" + "%" * MB,
    "/sub/" + "./" * (MB // 2) + "index.html",
], ids=["many-segments", "long-segment", "encoded-dots", "encoded-slashes", "percents", "dot-segments"])
def test_a_1mb_path_finishes_and_serves_nothing(project, path):
    assert finishes(_status_of, str(project), path) in (400, 404)


@pytest.mark.parametrize("text, size", [
    ("1" + " " * MB + "x", "minikoa::body: jsonLimit must be a size like"),
    (" 1" + " " * MB + "mb" + " " * MB, 1024**2),
    ("1" * MB + ".", "minikoa::body: jsonLimit must be a size like"),
    ("2" + " " * MB, 2),
])
def test_sizes_are_parsed_in_linear_time(text, size):
    # Configuration rather than client input, but the spaces around the unit once backtracked quadratically.
    assert finishes(_size, text) == size


@pytest.mark.parametrize("path, found", [
    ("/" + "a/" * (MB // 2), ("NotFoundError", None)),
    ("/articles/" + "1" * MB, ("GET /articles/:id", {"id": MB})),
    ("/articles/" + "%41" * (MB // 3), ("GET /articles/:id", {"id": MB // 3})),
    ("/articles/" + "%" * MB, ("GET /articles/:id", {"id": MB})),  # kept as sent, as koa-router does
    ("/files/" + "a/" * (MB // 2) + "b", ("GET /files/*path", {"path": MB + 1})),
    ("/" + "/" * MB, ("NotFoundError", None)),
], ids=["many-segments", "long-param", "escaped-param", "bad-escapes", "deep-catch-all", "slashes"])
def test_a_1mb_path_finishes(path, found):
    # The router's own code sees client paths only through str operations; constraint patterns such as
    # (\d+) are the developer's (see the README), applied to one segment at a time.
    assert finishes(_match, path) == found


@pytest.mark.parametrize("query, kind, start", [
    ("[" * MB, "ok", json.dumps({"[" * MB: ""})[:60]),          # no closing bracket: a literal key
    ("a" + "[b" * (MB // 2), "ok", json.dumps({"a" + "[b" * (MB // 2): ""})[:60]),
    ("a[" + "b" * MB + "]=1", "ok", json.dumps({"a": {"b" * MB: "1"}})[:60]),
    ("a" + "[]" * (MB // 2) + "=1", "error", "Query parameter nested too deeply: 'a[][]"),
    ("a" + "[b]" * (MB // 3), "error", "Query parameter nested too deeply: 'a[b][b]"),
    ("a=" + "%" * MB, "error", "Malformed query string: invalid percent-encoding in 'a=%%"),
    ("a=" + "%41" * (MB // 3) + "%4", "error", "Malformed query string: invalid percent-encoding in 'a=%41"),
    ("a=" + "%C3%A9" * (MB // 6), "ok", json.dumps({"a": "\u00e9" * (MB // 6)})[:60]),
    ("\u00e9=" + "%" * MB, "error", "Malformed query string: invalid percent-encoding in '\u00e9=%%"),
    ("a[" * (MB // 2) + "]=1", "ok", json.dumps({"a[" * (MB // 2 - 1) + "a": {"": "1"}})[:60]),
    ("&" * 999 + "a=" + "[" * MB, "ok", json.dumps({"a": "[" * MB})[:60]),
], ids=["open-brackets", "unclosed-segments", "long-segment", "empty-segments", "deep", "percents",
        "escape-run-cut", "utf8-escapes", "percents-after-unicode", "open-then-close", "many-empty-parts"])
def test_adversarial_1mb_query_strings_finish(query, kind, start):
    got_kind, got = finishes(_parse_outcome, query)
    assert got_kind == kind and got.startswith(start)


@pytest.mark.parametrize("content_type, data, answer", [
    ("text/plain" + "; a=b" * (MB // 5) + "; charset=utf-8", b"hi", (200, "hi")),
    ("text/plain;" + " " * MB + "charset=latin-1", b"\xe9", (200, "\u00e9")),
    ("application/json" + " " * MB, b"[1]", (200, [1])),
    (" " * MB + "application/json", b"[1]", (200, [1])),
    ("application/" + "x" * MB, b"[1]", (415, "UnsupportedMediaTypeError")),
    ("text/plain; charset=" + "u" * MB, b"hi", (400, "SyntaxError")),
], ids=["many-parameters", "spaces-before-charset", "trailing-spaces", "leading-spaces", "long-subtype",
        "long-charset"])
def test_a_1mb_content_type_finishes(content_type, data, answer):
    # Media types and charsets are read with str operations, never through a pattern.
    assert finishes(_echo_status, content_type, data) == answer


@pytest.mark.parametrize("field, value, message", [
    ("events", ["a" * MB + "!"], "events must be a non-empty list of event names"),
    ("events", ["a" + "." * MB + " "], "events must be a non-empty list of event names"),
    ("headers", {"X-" + "a" * MB + "(": "v"}, "headers must map header names to one-line strings"),
    ("headers", {"X-" + "!" * MB + "/": "v"}, "headers must map header names to one-line strings"),
], ids=["long-event", "dotted-event", "long-header-name", "symbols-header-name"])
def test_1mb_event_and_header_names_finish_and_are_refused(app, client, receiver, field, value, message):
    status, got = finishes(_create_status, client, body_for(receiver, **{field: value}))
    assert status == 400 and got.startswith(message)
    assert app.webhooks.list() == []
