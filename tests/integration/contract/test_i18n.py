"""The recorded Strapi's i18n answers, replayed against the media project on gunicorn.

Case 01 (``GET /api/i18n/locales``) is compared by the recording's rules (status, Strapi's
headers, the body with documentIds and timestamps normalised, key order and spacing). The
other i18n rules (cases 42-77) are checked one by one in ``tests/plugins/i18n``; where minikoa
answers differently on purpose:

* an unknown locale code: 400 on reads (Strapi: 200 with an empty list, 404 for an item; 47, 56,
  57) and on writes (Strapi creates rows in that locale; 58);
* ``data.locale`` in a body: 400 naming the ``locale`` parameter (Strapi ignores it; 59).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.conftest import FIXTURES, Server

from .recording import DocumentIds, Request, compare, expected_from, read_recording, send

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
