"""Hostile requests and start-up mistakes against real gunicorn workers.

Each test reproduces what took a worker down, leaked or slipped past a
guard when it was tried against the blog example under gunicorn. Bounds are
asserted on what was done (status, size, counts), never on time.
"""

from __future__ import annotations

import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import ROOT
from tests.examples.test_blog import SECRET, sign_up_over_http

TIMEOUT = 30  # a hang detector, not a speed check


@pytest.fixture
def blog(serve, tmp_path):
    return serve('minikoa.wsgi:create_app("examples/blog")', workers=2,
                 env={"DATABASE_FILENAME": str(tmp_path / "blog.db"), "JWT_SECRET": SECRET})


def test_hostile_queries_are_refused_before_any_work(blog):
    base = blog.url
    attack = "populate=" + ".".join(["articles", "category"] * 17)  # 34 segments: 284 MB once
    res = requests.get(f"{base}/api/categories?{attack}", timeout=TIMEOUT)
    assert res.status_code == 400 and len(res.content) < 1000
    assert res.json()["error"]["details"]["param"] == "populate"
    for query in ("sort=category.articles.category.articles.title",  # killed a worker once
                  "sort=" + ".".join(["category", "articles"] * 10) + ".title",  # a parser stack overflow once
                  "filters[category][articles][category][articles][category][name]=x"):
        res = requests.get(f"{base}/api/articles?{query}", timeout=TIMEOUT)
        assert res.status_code == 400 and "too many relations" in res.json()["error"]["message"], query
    for query in ("filters[id][$eq]=9223372036854775808", "filters[category]=99999999999999999999",
                  "filters[createdAt][$gt]=0001-01-01T00:00:00%2B14:00", "pagination[page]=1e300",
                  "pagination[start]=1e30"):
        res = requests.get(f"{base}/api/articles?{query}", timeout=TIMEOUT)
        assert res.status_code == 400 and res.json()["error"]["name"] == "ValidationError", query
    # The workers are still there, and still answer.
    assert requests.get(f"{base}/api/articles", timeout=TIMEOUT).json()["meta"]["pagination"]["total"] == 4


def test_concurrent_creates_with_one_title_get_distinct_slugs(blog):
    writers = [sign_up_over_http(blog.url, f"writer{n}", TIMEOUT) for n in range(4)]

    def create(n):
        return requests.post(f"{blog.url}/api/articles", json={"data": {"title": "Same Title"}},
                             headers=writers[n % len(writers)], timeout=TIMEOUT)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(create, range(24)))
    assert [a.status_code for a in answers] == [201] * 24, [a.json() for a in answers if a.status_code != 201]
    slugs = {a.json()["data"]["slug"] for a in answers}
    assert len(slugs) == 24 and "same-title" in slugs and "same-title-24" in slugs


def test_the_article_owner_rule_holds_from_the_category_side(blog):
    base = blog.url
    bob, eve = sign_up_over_http(base, "bob", TIMEOUT), sign_up_over_http(base, "eve", TIMEOUT)
    mine = requests.post(f"{base}/api/articles", json={"data": {"title": "Bob's"}},
                         headers=bob, timeout=TIMEOUT).json()["data"]
    for articles in ([mine["documentId"]], {"connect": [{"documentId": mine["documentId"]}]}, [mine["id"]]):
        res = requests.post(f"{base}/api/categories", json={"data": {"name": f"Eve's {len(str(articles))}",
                                                                     "articles": articles}},
                            headers=eve, timeout=TIMEOUT)
        assert res.status_code == 403 and res.json()["error"]["details"] == {"articles": [mine["documentId"]]}
    res = requests.get(f"{base}/api/articles/{mine['documentId']}?populate=category", timeout=TIMEOUT)
    assert res.json()["data"]["category"] is None  # nothing moved
    res = requests.post(f"{base}/api/categories", json={"data": {"name": "Bob's own",
                                                                 "articles": [mine["documentId"]]}},
                        headers=bob, timeout=TIMEOUT)
    assert res.status_code == 201


ONE_FILE = """
from minikoa import App

app = App()
app.content_types.register("api::note.note", {
    "kind": "collectionType", "info": {"singularName": "note", "pluralName": "notes"},
    "attributes": {"text": {"type": "string"}}})


@app.policy("is-owner")
def is_owner(ctx, config, app):
    return True


@app.get("/notes", policies={policies!r})
def notes(ctx):
    return {"count": app.documents("api::note.note").count()}


@app.post("/notes")
def add(ctx):
    return app.documents("api::note.note").create(data={"text": ctx.request_body["text"]})
"""


def write_app(tmp_path, policies):
    (tmp_path / "notesapp.py").write_text(textwrap.dedent(ONE_FILE.replace("{policies!r}", repr(policies))))
    return {"PYTHONPATH": f"{tmp_path}:{ROOT}"}


def test_a_one_file_app_with_an_unknown_policy_does_not_start(serve, tmp_path):
    env = write_app(tmp_path, ["is-ownr"])
    with pytest.raises(RuntimeError) as failed:
        serve('minikoa.wsgi:create_app("notesapp:app")', env=env, cwd=tmp_path)
    assert "unknown policy 'is-ownr'; did you mean 'is-owner'?" in str(failed.value)


def test_a_one_file_app_shares_its_content_between_workers(serve, tmp_path):
    env = write_app(tmp_path, ["is-owner"])
    server = serve('minikoa.wsgi:create_app("notesapp:app")', workers=2, env=env, cwd=tmp_path)
    lock = threading.Lock()
    seen: set[int] = set()

    def add(n):
        res = requests.post(f"{server.url}/notes", json={"text": f"note {n}"}, timeout=TIMEOUT)
        assert res.status_code == 200
        with lock:
            seen.add(res.json()["id"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(add, range(20)))
    assert len(seen) == 20
    counts = {requests.get(f"{server.url}/notes", timeout=TIMEOUT).json()["count"] for _ in range(10)}
    assert counts == {20}  # whichever worker answers, it reads the one file both write
    assert (tmp_path / ".tmp" / "data.db").is_file()
