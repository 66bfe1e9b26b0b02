"""Read the recorded Strapi exchanges, replay their requests, and compare the answers.

A recording (``data/exchanges/NN-name.http``) is ``curl -s -i`` output: the status
line, the headers and the body, verbatim. Its request is the curl command in the
index table of ``data/README.md`` (for ``data/draft-and-publish/`` the requests are
written out in ``test_draft_and_publish.py``).

documentIds and timestamps differ between runs. documentIds are mapped from the
recording to ours entity by entity (the recording's Article 3 is our Article 3;
an entity created during the replay is mapped from the create response);
timestamps are checked against ISO 8601 with milliseconds and ``Z``, then replaced
by a placeholder.
"""

from __future__ import annotations

import difflib
import http.client
import json
import re
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.conftest import FIXTURES

DATA = FIXTURES / "contract-recordings"

DOCUMENT_ID = re.compile(r"^[a-z0-9]{24}$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
TIMESTAMP_IN_JSON = re.compile(r'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"')
TIMESTAMP_KEYS = ("createdAt", "updatedAt", "publishedAt")
PLACEHOLDER = "<timestamp>"

#: Headers compared value for value; one the recording lacks must be absent too.
COMPARED_HEADERS = (
    "Content-Type", "Allow", "Location", "Vary",
    "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Max-Age",
    "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
    "Content-Security-Policy", "Referrer-Policy", "Strict-Transport-Security", "X-Content-Type-Options",
    "X-DNS-Prefetch-Control", "X-Download-Options", "X-Frame-Options", "X-Permitted-Cross-Domain-Policies",
)
#: Present exactly where the recording has it, with minikoa's value: ``minikoa``, not ``Strapi <strapi.io>``
#: (a deliberate difference).
POWERED_BY = "X-Powered-By"
POWERED_BY_VALUE = "minikoa"

# curl's own request headers (curl 8; `-H 'Expect:'` removes Expect).
CURL_HEADERS = (("User-Agent", "curl/8.5.0"), ("Accept", "*/*"))


# -- the recordings --------------------------------------------------------------------------------


@dataclass
class Response:
    """A response: status, headers (name -> value, last one wins), body bytes."""

    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def is_json(self) -> bool:
        return (self.header("Content-Type") or "").startswith("application/json") and bool(self.body)


def read_recording(path: Path) -> Response:
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    return Response(status, headers, body)


@dataclass
class Request:
    method: str
    target: str                        # path and query, byte for byte as curl sends them
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None


def index_commands(readme: Path = DATA / "README.md") -> list[tuple[str, int, str]]:
    """``(exchange name, recorded status, curl command)`` from the README's index table, in order."""
    row = re.compile(r"^\| \[(?P<file>[^\]]+)\.http\]\([^)]*\) \| (?P<status>\d+) \| .* \| `(?P<cmd>curl .*)` \|$")
    rows = []
    for line in readme.read_text().splitlines():
        match = row.match(line)
        if match:
            rows.append((match["file"], int(match["status"]), match["cmd"]))
    return rows


def parse_curl(command: str, files: dict[str, bytes] | None = None) -> Request:
    """The request a ``curl -s -i -g ...`` command sends (the options the index uses)."""
    args = shlex.split(command)
    assert args[0] == "curl", command
    method = None
    headers: list[tuple[str, str]] = []
    body: bytes | None = None
    url = None
    i = 1
    while i < len(args):
        arg = args[i]
        if arg in ("-s", "-i", "-g"):
            pass
        elif arg == "-I":
            method = "HEAD"
        elif arg == "-X":
            i += 1
            method = args[i]
        elif arg == "-H":
            i += 1
            name, _, value = args[i].partition(":")
            value = value.strip()
            if value:                                      # `-H 'Expect:'` only removes a header
                headers.append((name.strip(), value))
        elif arg in ("-d", "--data-binary"):
            i += 1
            value = args[i]
            if value.startswith("@"):
                body = (files or {})[value[1:]]
            else:
                body = value.encode()
        elif arg.startswith("-"):
            raise ValueError(f"unsupported curl option {arg!r} in {command}")
        else:
            url = arg
        i += 1
    assert url is not None, command
    if method is None:
        method = "POST" if body is not None else "GET"
    if body is not None and not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return Request(method, target, headers, body)


# -- sending ----------------------------------------------------------------------------------------------


def send(port: int, request: Request) -> Response:
    """Send ``request`` as curl would: the target byte for byte, one connection per request."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(request.method, request.target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", f"127.0.0.1:{port}")
        for name, value in (*CURL_HEADERS, *request.headers):
            conn.putheader(name, value)
        if request.body is not None:
            conn.putheader("Content-Length", str(len(request.body)))
        conn.endheaders()
        if request.body:
            try:
                conn.send(request.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered (413) before reading it all; its answer is waiting
        response = conn.getresponse()
        body = response.read()
        headers = {}
        for name, value in response.getheaders():
            headers[name] = value
        return Response(response.status, headers, body)
    finally:
        conn.close()


# -- documentIds ---------------------------------------------------------------------------------------------


def entities(value: Any, kind: str = "article") -> Iterable[tuple[str, dict[str, Any]]]:
    """Every ``(kind, entry)`` with an id and a documentId in a response body (kind from where it sits)."""
    if isinstance(value, list):
        for item in value:
            yield from entities(item, kind)
    elif isinstance(value, dict):
        if "id" in value and "documentId" in value:
            yield kind, value
        for key, item in value.items():
            if key == "category":
                yield from entities(item, "category")
            elif key == "articles":
                yield from entities(item, "article")
            elif key in ("data",):
                yield from entities(item, kind)


def recorded_document_ids(recordings: Iterable[Response]) -> dict[tuple[str, int], str]:
    """``(kind, id) -> documentId`` as the recordings show them (checked to be consistent)."""
    table: dict[tuple[str, int], str] = {}
    for response in recordings:
        if not response.is_json:
            continue
        for kind, entry in entities(response.json()):
            key = (kind, entry["id"])
            assert table.setdefault(key, entry["documentId"]) == entry["documentId"], key
    return table


class DocumentIds:
    """The recording's documentIds -> ours."""

    def __init__(self) -> None:
        self.ours: dict[str, str] = {}

    def map(self, recorded: str, ours: str) -> None:
        assert DOCUMENT_ID.match(ours), f"our documentId {ours!r} is not 24 lowercase letters and digits"
        previous = self.ours.setdefault(recorded, ours)
        assert previous == ours, f"recorded documentId {recorded} maps to both {previous} and {ours}"
        others = [r for r, o in self.ours.items() if o == ours and r != recorded]
        assert not others, f"our documentId {ours} stands for recorded {recorded} and {others}"

    def text(self, text: str) -> str:
        """``text`` (a path, a request body, a raw response body) with the recording's documentIds made ours."""
        return re.sub(r"[a-z0-9]{24}", lambda m: self.ours.get(m[0], m[0]), text)


# -- normalising and comparing ---------------------------------------------------------------------------------


def normalise(value: Any, ids: DocumentIds | None = None, *, ours: bool = False) -> Any:
    """A JSON body with documentIds mapped (recorded ones, when ``ids``) and timestamps replaced.

    In our bodies every documentId must have the right shape and every timestamp the right format.
    """
    if isinstance(value, list):
        return [normalise(item, ids, ours=ours) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key == "documentId" and isinstance(item, str):
            if ours:
                assert DOCUMENT_ID.match(item), f"documentId {item!r} is not 24 lowercase letters and digits"
            elif ids is not None:
                item = ids.ours.get(item, f"<unmapped recorded documentId {item}>")
        elif key in TIMESTAMP_KEYS and isinstance(item, str):
            assert TIMESTAMP.match(item), f"{key} {item!r} is not ISO 8601 with milliseconds and Z"
            item = PLACEHOLDER
        else:
            item = normalise(item, ids, ours=ours)
        out[key] = item
    return out


def raw_json(body: bytes, ids: DocumentIds | None = None) -> str:
    """A raw JSON body, documentIds mapped and timestamps replaced: checks key order and compactness."""
    text = body.decode("utf-8")
    if ids is not None:
        text = ids.text(text)
    return TIMESTAMP_IN_JSON.sub(f'"{PLACEHOLDER}"', text)


@dataclass
class Expected:
    """What we expect of minikoa: the recording, with its documentIds made ours and deliberate changes."""

    status: int
    headers: dict[str, Any]
    body: Any                      # normalised JSON, or bytes
    raw: str | None = None         # the raw JSON (normalised), for key order and spacing
    match_body: Callable[[Any], bool] | None = None   # instead of ==, for a body minikoa words differently


def expected_from(recorded: Response, ids: DocumentIds) -> Expected:
    headers: dict[str, Any] = {name: recorded.header(name) for name in COMPARED_HEADERS}
    headers[POWERED_BY] = POWERED_BY_VALUE if recorded.header(POWERED_BY) is not None else None
    if recorded.is_json:
        return Expected(recorded.status, headers, normalise(recorded.json(), ids),
                        raw_json(recorded.body, ids))
    return Expected(recorded.status, headers, recorded.body)


def compare(actual: Response, expected: Expected) -> None:
    """Assert that ``actual`` is ``expected``: status, the expected headers (None: absent), body.

    A JSON body is compared normalised, then raw (normalised the same way) for key order and spacing,
    and its numbers must be written as JavaScript writes them (Python's 5.0 equals 5 once parsed).
    """
    got: dict[str, Any] = {"status": actual.status,
                           "headers": {name: actual.header(name) for name in expected.headers}}
    want: dict[str, Any] = {"status": expected.status, "headers": expected.headers}
    if isinstance(expected.body, bytes):
        got["body"], want["body"] = actual.body, expected.body
    else:
        try:
            got["body"] = normalise(actual.json(), ours=True)
        except ValueError:
            got["body"] = actual.body
        want["body"] = expected.body
        if expected.match_body is not None and expected.match_body(got["body"]):
            got["body"] = want["body"]
    assert got == want, differences(got, want)
    if actual.is_json:
        check_js_numbers(actual.body)
    if expected.raw is not None and expected.match_body is None:
        ours = raw_json(actual.body)
        assert ours == expected.raw, f"same JSON, different serialisation (key order or spacing):\n{ours}"


def differences(got: dict[str, Any], want: dict[str, Any]) -> str:
    """What differs, one line per status or header, a unified diff for a body (- recorded, + minikoa)."""
    lines = []
    if got["status"] != want["status"]:
        lines.append(f"status: minikoa {got['status']}, recorded {want['status']}")
    for name, value in want["headers"].items():
        if got["headers"].get(name) != value:
            lines.append(f"header {name}: minikoa {got['headers'].get(name)!r}, recorded {value!r}")
    if got["body"] != want["body"]:
        def text(body: Any) -> list[str]:
            if isinstance(body, bytes):
                return [repr(body)]
            return json.dumps(body, indent=1, ensure_ascii=False).splitlines()
        lines.append("body (- recorded, + minikoa):")
        lines.extend(difflib.unified_diff(text(want["body"]), text(got["body"]), lineterm="", n=2))
    return "\n".join(lines)


# -- replaying -----------------------------------------------------------------------------------------------


class Replay:
    """Sends the exchanges' requests in order, each once, keeping our responses.

    ``steps`` is ``[(name, curl command)]`` with the recording's documentIds; they are made ours
    before sending. A 201 that creates an entity maps the recorded documentId to ours.
    ``before`` gives a curl command to send (and expect a 2xx for) before an exchange.
    """

    def __init__(self, port: int, ids: DocumentIds, steps: list[tuple[str, str]],
                 recordings: dict[str, Response], *, files: dict[str, bytes] | None = None,
                 before: dict[str, str] | None = None) -> None:
        self.port = port
        self.ids = ids
        self.steps = steps
        self.names = [name for name, _ in steps]
        self.recordings = recordings
        self.files = files or {}
        self.before = before or {}
        self.responses: dict[str, Response] = {}

    def response(self, name: str) -> Response:
        """Our response to exchange ``name``, after sending every earlier one."""
        for earlier, command in self.steps[: self.names.index(name) + 1]:
            if earlier not in self.responses:
                self.responses[earlier] = self._exchange(earlier, command)
        return self.responses[name]

    def _exchange(self, name: str, command: str) -> Response:
        if name in self.before:
            setup = send(self.port, parse_curl(self.ids.text(self.before[name]), self.files))
            assert 200 <= setup.status < 300, f"before {name}: {self.before[name]} answered {setup}"
        response = send(self.port, parse_curl(self.ids.text(command), self.files))
        recorded = self.recordings.get(name)   # None: a request whose transcript is not shared
        if recorded is not None and recorded.status == 201 and response.status == 201:
            self.ids.map(recorded.json()["data"]["documentId"], response.json()["data"]["documentId"])
        return response


# -- looser comparisons: ids per table, numbers as JavaScript writes them ----------------------------------


class IdTables:
    """The recording's ids -> ours, one mapping per table: the same recorded id must always come back as
    the same id of ours. Learnt on first sight; not one-to-one, since Strapi makes a new row (a new id)
    on every publish where minikoa may keep one."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[int, int]] = {}

    def expect(self, table: str, recorded: int, ours: Any) -> int:
        """The id we must answer where the recording has ``recorded`` (``ours``: what we answered)."""
        known = self.tables.setdefault(table, {})
        if recorded not in known and isinstance(ours, int) and not isinstance(ours, bool):
            known[recorded] = ours
        return known.get(recorded, recorded)


#: A JSON number as JavaScript's JSON.stringify writes one: no ``.0``, no ``-0``, no leading zeros or
#: ``+``, an exponent only as ``e+N``/``e-N`` and only outside [1e-7, 1e21).
_JS_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?(?:e[+-][1-9]\d*)?")


def check_js_numbers(body: bytes) -> None:
    """Every number in the JSON ``body`` is written as JavaScript would write it (an integer of any size
    with all its digits: minikoa's integers are exact, and no JS number past 1e21 is an integer anyway)."""
    def real(token: str) -> float:
        assert _JS_NUMBER.fullmatch(token), f"{token} is not how JavaScript writes a number"
        magnitude = abs(float(token))
        if "e" in token:
            assert magnitude >= 1e21 or magnitude < 1e-6, f"JavaScript writes {token} without an exponent"
        else:
            assert 1e-6 <= magnitude < 1e21, f"JavaScript writes {token} with an exponent"
        return float(token)

    def integer(token: str) -> int:
        assert _JS_NUMBER.fullmatch(token) and token != "-0", f"{token} is not how JavaScript writes a number"
        return int(token)
    json.loads(body, parse_float=real, parse_int=integer)


def json_method_not_allowed(expected: Expected) -> Expected:
    """A recorded text/plain 405 as minikoa answers it: its JSON error shape (a deliberate difference)."""
    expected.headers["Content-Type"] = "application/json; charset=utf-8"
    expected.body = {"data": None, "error": {"status": 405, "name": "MethodNotAllowedError",
                                             "message": "Method Not Allowed", "details": {}}}
    expected.raw = None
    return expected
