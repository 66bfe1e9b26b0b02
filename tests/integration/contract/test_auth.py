"""The recordings of ``data/auth/`` (users-permissions), replayed in the order of its README's index.

Shared transcripts are compared as ``test_exchanges`` compares (documentIds mapped, timestamps by shape),
and besides:

* a JWT by shape: the recorded header segment byte for byte, a payload of ``id``, ``iat``, ``exp`` in
  that order (the recorded user's id, ``exp - iat`` as recorded, ``iat`` now), an HS256 signature. The
  recording's JWT in a later command is the one our login answered;
* the ``X-RateLimit-*`` headers: present exactly where recorded, ``Limit`` and ``Remaining`` as recorded,
  ``Reset`` a whole second within a minute of the request (the clock differs).

The transcripts the README lists as not shared must answer with the status and error its table gives.
"""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass

import pytest

from .recording import (
    DATA,
    DocumentIds,
    Replay,
    Response,
    compare,
    expected_from,
    parse_curl,
    read_recording,
    send,
)

AUTH = DATA / "auth"
ROW = re.compile(r"^\| (?:\[(?P<shared>[^\]]+)\.http\]\([^)]*\)|(?P<unshared>[^ |]+)\.http \(not shared\)) "
                 r"\| (?P<status>\d+) \| .* \| `(?P<cmd>curl .*)` \|$")


def index() -> list[tuple[str, int, str, bool]]:
    """``(name, status, curl command, shared)`` of every row of the README's table, in order."""
    rows = []
    for line in (AUTH / "README.md").read_text().splitlines():
        match = ROW.match(line)
        if match:
            name = match["shared"] or match["unshared"]
            rows.append((name, int(match["status"]), match["cmd"], match["shared"] is not None))
    return rows


INDEX = index()
NAMES = [name for name, _, _, _ in INDEX]
SHARED = [name for name, _, _, shared in INDEX if shared]
RECORDINGS = {name: read_recording(AUTH / f"{name}.http") for name in SHARED}
#: The recorded user's documentId (register and login answer it).
USER_DOCUMENT = RECORDINGS["x07-register"].json()["user"]["documentId"]
#: The JWT the recorded login answered, which the later commands send.
RECORDED_JWT = RECORDINGS["x10-login"].json()["jwt"]
JWT_IN_JSON = re.compile(rb'"jwt":"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"')
FORBIDDEN = ("ForbiddenError", "Forbidden")
UNAUTHORIZED = ("UnauthorizedError", "Missing or invalid credentials")

#: What the transcripts not shared must answer: status, error name and message (None: a 2xx), and the
#: X-RateLimit-Remaining they imply (the /auth routes count per path, in the index's order).
UNSHARED = {
    "x09-register-invalid": (400, ("ValidationError", "email must be a valid email"), "7"),
    "x12-login-unknown-user": (400, ("ValidationError", "Invalid identifier or password"), "7"),
    "x13-login-missing-password": (400, ("ValidationError", "password is a required field"), "6"),
    "x19-notes-create-token": (403, FORBIDDEN, None),
    "x20-notes-create-public": (403, FORBIDDEN, None),
    "x21-notes-garbage-token": (401, UNAUTHORIZED, None),
    "x23-articles-garbage-token": (401, UNAUTHORIZED, None),
    "x25-ping-garbage-token": (200, None, None),
}


@dataclass
class Sent:
    response: Response
    at: float  # when it was sent


class AuthReplay(Replay):
    """The replay with our JWT put where the recording's was, and the user's documentId mapped."""

    def __init__(self, port: int, ids: DocumentIds) -> None:
        super().__init__(port, ids, [(name, command) for name, _, command, _ in INDEX], RECORDINGS)
        self.jwt: str | None = None
        self.sent: dict[str, float] = {}

    def _exchange(self, name: str, command: str) -> Response:
        if RECORDED_JWT in command:
            assert self.jwt is not None, f"{name} needs the JWT of x10-login"
            command = command.replace(RECORDED_JWT, self.jwt)
        self.sent[name] = time.time()
        response = send(self.port, parse_curl(self.ids.text(command)))
        if name in ("x07-register", "x10-login") and response.status == 200:
            body = response.json()
            self.ids.map(USER_DOCUMENT, body["user"]["documentId"])
            if name == "x10-login":
                self.jwt = body["jwt"]
        return response


@pytest.fixture(scope="module")
def replay(auth_project) -> AuthReplay:
    # The articles these recordings show (Article 1 of x24), by id: the recording's database was seeded anew.
    _, articles = auth_project.seed
    for entry in RECORDINGS["x24-articles-basic-auth"].json()["data"]:
        auth_project.ids.map(entry["documentId"], articles[entry["id"] - 1])
    return AuthReplay(auth_project.port, auth_project.ids)


def _segment(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check_jwt(ours: str, recorded: str, sent_at: float) -> None:
    """``ours`` has the recorded JWT's shape (see the module docstring)."""
    header, payload, signature = ours.split(".")
    recorded_header, recorded_payload, recorded_signature = recorded.split(".")
    assert header == recorded_header, _segment(header)
    claims, recorded_claims = json.loads(_segment(payload)), json.loads(_segment(recorded_payload))
    assert list(claims) == list(recorded_claims) == ["id", "iat", "exp"]
    assert claims["id"] == recorded_claims["id"]
    assert claims["exp"] - claims["iat"] == recorded_claims["exp"] - recorded_claims["iat"]
    assert int(sent_at) - 1 <= claims["iat"] <= time.time() + 1
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", signature) and len(signature) == len(recorded_signature)


def with_recorded_jwt(response: Response, recorded: Response, sent_at: float) -> Response:
    """``response`` with its JWT checked for shape, then replaced by the recorded one (for the comparison)."""
    if not recorded.is_json or "jwt" not in recorded.json():
        return response
    assert response.is_json and "jwt" in response.json(), response
    check_jwt(response.json()["jwt"], recorded.json()["jwt"], sent_at)
    body = JWT_IN_JSON.sub(b'"jwt":"' + recorded.json()["jwt"].encode() + b'"', response.body)
    return Response(response.status, response.headers, body)


def check_rate_limit(response: Response, recorded: Response, sent_at: float) -> None:
    for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining"):
        assert response.header(name) == recorded.header(name), name
    reset = response.header("X-RateLimit-Reset")
    if recorded.header("X-RateLimit-Reset") is None:
        assert reset is None
    else:
        assert reset is not None and reset.isdigit()
        assert sent_at < int(reset) <= time.time() + 61  # the window opened by this or an earlier request


def test_the_index_and_the_recordings_agree():
    assert sorted(SHARED) == sorted(path.stem for path in AUTH.glob("*.http"))
    assert NAMES == sorted(NAMES) and set(NAMES) == set(SHARED) | set(UNSHARED)
    assert {name: status for name, status, _, shared in INDEX if shared} == {
        name: r.status for name, r in RECORDINGS.items()}
    assert {name: status for name, status, _, shared in INDEX if not shared} == {
        name: expected[0] for name, expected in UNSHARED.items()}


@pytest.mark.parametrize("name", SHARED)
def test_shared_transcript(name: str, replay: AuthReplay) -> None:
    recorded = RECORDINGS[name]
    response = replay.response(name)
    sent_at = replay.sent[name]
    check_rate_limit(response, recorded, sent_at)
    compare(with_recorded_jwt(response, recorded, sent_at), expected_from(recorded, replay.ids))


@pytest.mark.parametrize("name", sorted(UNSHARED))
def test_unshared_transcript(name: str, replay: AuthReplay) -> None:
    status, error, remaining = UNSHARED[name]
    response = replay.response(name)
    assert response.status == status, response
    if error is not None:
        body = response.json()
        assert body["data"] is None and (body["error"]["name"], body["error"]["message"]) == error
    assert response.header("X-RateLimit-Remaining") == remaining
