"""The exchanges of ``data/draft-and-publish/``: article with ``draftAndPublish: true``, on a fresh, empty
database (no seed), replayed in order (01, 02 and 08 write).

The README describes these requests without giving them; each is written here as the curl command
that the file name and the recorded response show.
"""

from __future__ import annotations

import pytest

from .recording import DATA, Replay, compare, expected_from, read_recording

CURL = "curl -s -i -g -H 'Expect:'"
POST_JSON = f"{CURL} -X POST -H 'Content-Type: application/json'"
BASE = "http://127.0.0.1:1337/api/articles"
DRAFT_ONLY = "eoy6d256d96cfoh8u0owbqva"   # the recording's documentId of "DP draft" (02)

STEPS = [
    ("01-post-default", f"""{POST_JSON} -d '{{"data":{{"title":"DP default"}}}}' {BASE}"""),
    ("02-post-status-draft", f"""{POST_JSON} -d '{{"data":{{"title":"DP draft"}}}}' '{BASE}?status=draft'"""),
    ("03-list-default", f"{CURL} {BASE}"),
    ("04-list-status-draft", f"{CURL} '{BASE}?status=draft'"),
    ("05-list-status-published", f"{CURL} '{BASE}?status=published'"),
    ("06-get-draft-only-doc", f"{CURL} {BASE}/{DRAFT_ONLY}"),
    ("07-get-draft-only-doc-status-draft", f"{CURL} '{BASE}/{DRAFT_ONLY}?status=draft'"),
    ("08-post-publishedAt-null", f"""{POST_JSON} -d '{{"data":{{"title":"x","publishedAt":null}}}}' {BASE}"""),
]
NAMES = [name for name, _ in STEPS]
RECORDINGS = {name: read_recording(DATA / "draft-and-publish" / f"{name}.http") for name in NAMES}


@pytest.fixture(scope="module")
def replay(draft_and_publish) -> Replay:
    return Replay(draft_and_publish.port, draft_and_publish.ids, STEPS, RECORDINGS)


def test_every_recording_is_replayed():
    assert sorted(NAMES) == sorted(path.stem for path in (DATA / "draft-and-publish").glob("*.http"))


@pytest.mark.parametrize("name", NAMES)
def test_draft_and_publish(name: str, replay: Replay) -> None:
    compare(replay.response(name), expected_from(RECORDINGS[name], replay.ids))
