"""The recorded Strapi's i18n answers, replayed against the media project on gunicorn.

Case 01 (``GET /api/i18n/locales``) is compared by the recording's rules (status, Strapi's
headers, the body with documentIds and timestamps normalised, key order and spacing), and so
are the shared transcripts of cases 19 and 42-77 (but 53, which depends on the media cases 20-41,
not replayed here); each rule is also tested on its own in ``tests/plugins/i18n``. Where minikoa
answers differently on purpose:

* an unknown locale code: 400 on reads (Strapi: 200 with an empty list, 404 for an item; 47, 56,
  57) and on writes (Strapi creates rows in that locale; 58);
* ``data.locale`` in a body: 400 naming the ``locale`` parameter (Strapi ignores it; 59);
* so 63 lists no ``xx`` localization and 65 only the ``de`` post (our id 3, Strapi's 5), the rows
  58 and 59 made in Strapi not existing here;
* 77 asks ``fields`` title, locale, publishedAt: Strapi answers the keys in that order, minikoa
  in its usual one (attributes, timestamps, then locale); the values are the same.

Cases 66-77 (the single type ``setting`` and the draft & publish ``page``, each its own table)
are replayed in order on a database holding two uploaded files, as the recording's did by then
(file 2 is the one the requests link).
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator

import pytest
from PIL import Image

from tests.conftest import FIXTURES, Server

from .recording import DocumentIds, Expected, Request, compare, expected_from, read_recording, send

PROJECT = FIXTURES / "strapi-media-project"
RECORDINGS = FIXTURES / "strapi-media-recordings" / "exchanges"


@pytest.fixture(scope="module")
def media_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("media") / "project"
    shutil.copytree(PROJECT, root)
    server = Server(f'minikoa.wsgi:create_app("{root}")', workers=1,
                    env={"DATABASE_FILENAME": str(root / ".tmp" / "data.db")})
    try:
        yield server
    finally:
        server.stop()


def test_01_locales(media_server):
    recorded = read_recording(RECORDINGS / "01-locales.http")
    ours = send(media_server.port, Request("GET", "/api/i18n/locales"))
    ids = DocumentIds()  # the recording's locale n is our locale n (both made in the same order)
    for theirs, mine in zip(recorded.json(), ours.json(), strict=True):
        ids.map(theirs["documentId"], mine["documentId"])
    compare(ours, expected_from(recorded, ids))


#: Cases 66-77 as the shared index gives them: (case, method, target, JSON body or None).
STEPS = [
    ("66", "GET", "/api/setting", None),
    ("67", "PUT", "/api/setting?locale=fr", {"data": {"siteName": "Mon site", "logo": 2}}),
    ("68", "GET", "/api/setting", None),
    ("69", "PUT", "/api/setting", {"data": {"siteName": "My site"}}),
    ("70", "GET", "/api/setting?populate[logo][fields][0]=name&populate[localizations][fields][0]=siteName"
                  "&populate[localizations][fields][1]=locale", None),
    ("71", "POST", "/api/pages?status=draft", {"data": {"title": "Home", "hero": 2}}),
    ("72", "PUT", "/api/pages/p9ox3xg8uzk1tgt0d9n0gvck?locale=fr&status=draft", {"data": {"title": "Accueil"}}),
    ("73", "GET", "/api/pages?locale=fr", None),
    ("74", "GET", "/api/pages?status=draft&locale=fr&populate=*", None),
    ("75", "PUT", "/api/pages/p9ox3xg8uzk1tgt0d9n0gvck?locale=fr", {"data": {"title": "Accueil publié"}}),
    ("76", "GET", "/api/pages/p9ox3xg8uzk1tgt0d9n0gvck?locale=fr&populate=localizations", None),
    ("77", "GET", "/api/pages?locale=*&status=draft&fields[0]=title&fields[1]=locale&fields[2]=publishedAt", None),
]
#: The recorded statuses of the cases whose transcripts are not shared.
UNSHARED = {"66": 404, "68": 404, "70": 200, "72": 200, "74": 200, "76": 200}


def _upload(port: int, name: str) -> None:
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(image, format="PNG")
    boundary = "minikoa-contract"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + image.getvalue() + f"\r\n--{boundary}--\r\n".encode()
    response = send(port, Request("POST", "/api/upload",
                                  [("Content-Type", f"multipart/form-data; boundary={boundary}")], body))
    assert response.status == 201, response


def test_66_to_77_single_type_and_draft_and_publish(media_server):
    port = media_server.port
    _upload(port, "one.png")
    _upload(port, "two.png")
    ids = DocumentIds()
    for case, method, target, data in STEPS:
        body = None if data is None else json.dumps(data).encode()
        headers = [] if data is None else [("Content-Type", "application/json")]
        ours = send(port, Request(method, ids.text(target), headers, body))
        files = sorted(RECORDINGS.glob(f"{case}-*.http"))
        if not files:
            assert ours.status == UNSHARED[case], (case, ours)
            continue
        recorded = read_recording(files[0])
        if recorded.status in (200, 201) and isinstance(recorded.json()["data"], dict):
            ids.map(recorded.json()["data"]["documentId"], ours.json()["data"]["documentId"])
        expected = expected_from(recorded, ids)
        if case == "77":  # the same keys and values, in minikoa's order (see the module docstring)
            expected = Expected(expected.status, expected.headers, expected.body,
                                match_body=lambda got, want=expected.body: got == want)
        compare(ours, expected)


#: Cases 19 and 42-65 on a post; 19 is sent without its media (the media cases are not replayed
#: here, and its answer does not show them), 52-53 are left out for the same reason.
POST_STEPS = [
    ("19", "POST", "/api/posts", {"data": {"title": "Hello world", "body": "English body", "slug": "hello-world",
                                           "views": 5}}),
    ("42", "GET", "/api/posts?locale=fr", None),
    ("43", "PUT", "/api/posts/f0x4texj6im5xxrrarvjairz?locale=fr",
     {"data": {"title": "Bonjour le monde", "body": "Corps en français"}}),
    ("44", "GET", "/api/posts/f0x4texj6im5xxrrarvjairz?locale=fr&populate=*", None),
    ("45", "GET", "/api/posts?locale=fr", None),
    ("46", "GET", "/api/posts?locale=*&fields[0]=title&fields[1]=locale", None),
    ("47", "GET", "/api/posts?locale=all&fields[0]=title", None),
    ("48", "GET", "/api/posts?locale[0]=en&locale[1]=fr&fields[0]=title&fields[1]=locale", None),
    ("49", "GET", "/api/posts/f0x4texj6im5xxrrarvjairz?locale=*", None),
    ("50", "GET", "/api/posts?populate=localizations", None),
    ("51", "GET", "/api/posts?filters[locale][$eq]=fr&fields[0]=title&fields[1]=locale", None),
    ("54", "PUT", "/api/posts/f0x4texj6im5xxrrarvjairz?locale=fr&fields[0]=slug", {"data": {"slug": "hello-world"}}),
    ("55", "PUT", "/api/posts/f0x4texj6im5xxrrarvjairz?locale=de", {"data": {"body": "nur Text"}}),
    ("56", "GET", "/api/posts?locale=xx", None),
    ("57", "GET", "/api/posts/f0x4texj6im5xxrrarvjairz?locale=xx", None),
    ("58", "PUT", "/api/posts/f0x4texj6im5xxrrarvjairz?locale=xx", {"data": {"title": "Invalid locale"}}),
    ("59", "POST", "/api/posts", {"data": {"title": "Body locale", "locale": "de"}}),
    ("60", "POST", "/api/posts?locale=de", {"data": {"title": "Hallo Welt"}}),
    ("61", "DELETE", "/api/posts/f0x4texj6im5xxrrarvjairz?locale=fr", None),
    ("62", "GET", "/api/posts/f0x4texj6im5xxrrarvjairz?locale=fr", None),
    ("63", "GET", "/api/posts/f0x4texj6im5xxrrarvjairz?fields[0]=title&populate[localizations][fields][0]=locale",
     None),
    ("64", "DELETE", "/api/posts/f0x4texj6im5xxrrarvjairz?locale=*", None),
    ("65", "GET", "/api/posts?locale=*&fields[0]=title&fields[1]=locale", None),
]
#: Recorded statuses of the unshared cases, with minikoa's deliberate 400s (56, 58: unknown locale).
POST_UNSHARED = {"42": 200, "44": 200, "46": 200, "48": 200, "50": 200, "54": 200, "56": 400, "58": 400,
                 "60": 201, "62": 404, "64": 204}
#: Deliberate differences: an unknown locale or data.locale is a 400 naming the locale parameter.
REFUSED = {"47", "57", "59"}


def _refused(expected: Expected) -> Expected:
    """The recorded answer turned into minikoa's 400 ValidationError about ``locale``."""
    def match(got: object) -> bool:
        error = got.get("error") if isinstance(got, dict) else None
        return bool(error) and error["status"] == 400 and error["name"] == "ValidationError" and \
            error["details"].get("key") == "locale"
    # As Strapi's own 400s (55), without X-Powered-By.
    return Expected(400, {**expected.headers, "X-Powered-By": None}, expected.body, match_body=match)


def _without_refused_rows(case: str, expected: Expected) -> Expected:
    """63 and 65 as they are once 58 (an xx version) and 59 (a post in en) were refused: no xx among the
    localizations; only the de post of 60 left, which is our third row (Strapi's fifth)."""
    body = expected.body
    if case == "63":
        body = {**body, "data": {**body["data"], "localizations": []}}
    else:
        body = {**body, "data": [{**row, "id": 3} for row in body["data"] if row["locale"] == "de"],
                "meta": {"pagination": {**body["meta"]["pagination"], "total": 1}}}
    return Expected(expected.status, expected.headers, body, match_body=lambda got, want=body: got == want)


def test_19_and_42_to_65_a_localized_collection_type(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    server = Server(f'minikoa.wsgi:create_app("{root}")', workers=1,
                    env={"DATABASE_FILENAME": str(root / ".tmp" / "data.db")})
    try:
        ids = DocumentIds()
        for case, method, target, data in POST_STEPS:
            body = None if data is None else json.dumps(data, ensure_ascii=False).encode()
            headers = [] if data is None else [("Content-Type", "application/json")]
            ours = send(server.port, Request(method, ids.text(target), headers, body))
            files = sorted(RECORDINGS.glob(f"{case}-*.http"))
            if not files:
                assert ours.status == POST_UNSHARED[case], (case, ours)
                if case == "60":
                    ids.map("anevrj2fy9kdkhjgd32l1war", ours.json()["data"]["documentId"])
                continue
            recorded = read_recording(files[0])
            if case == "19":
                ids.map(recorded.json()["data"]["documentId"], ours.json()["data"]["documentId"])
            expected = expected_from(recorded, ids)
            if case in REFUSED:
                expected = _refused(expected)
            elif case in ("63", "65"):
                expected = _without_refused_rows(case, expected)
            compare(ours, expected)
    finally:
        server.stop()
