"""Group 5: the REST API of a content-type against a hand-written Falcon + sqlite3 endpoint.

Two requests on the Strapi contract's article/category schemas (embedded
below), with N seeded articles (10,000; 1,000 in ``--quick``) spread over 3
categories:

* ``GET /api/articles?populate=category&pagination[pageSize]=25``: the first
  page of 25 with the category populated and ``meta.pagination`` (total
  included);
* ``GET /api/articles/:documentId``: one article, nothing populated.

minikoa is an App built in code with the two content-types and
``app.mount(core_router(...))``, and no global middleware, so the REST path
itself is measured (query parsing and checks, the document service, the
populate, private-field stripping, the JSON body and its ETag). The peer is
what a careful developer writes by hand for the same responses: Falcon over
the **same** SQLite file through the standard library's ``sqlite3`` (one
connection, WAL), one COUNT, one SELECT of the page in id order, one SELECT
of the page's categories through the link table with ``IN (...)``, the dicts
in Strapi's flat shape, ``resp.data`` from one reused compact JSON encoder;
for the item, one SELECT by ``document_id`` (404 when absent).

Both apps are asked each request once before timing and must answer 200
with the same JSON value (a 404 for an unknown documentId). The peer is
also checked against what was seeded (25 articles in id order, the right
titles and categories, no ``secret``, the right total); a peer that fails is
"n/a" and not timed; minikoa differing from a correct peer is an error.
Seeding is not timed. Timing is ``wsgi.request_loop`` as in the framework
group: a gunicorn-like environ copied per request, body consumed and closed.
"""

from __future__ import annotations

import json
import math
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from .harness import Settings, Timing, compare
from .report import GroupResult, fmt_ratio, fmt_us, markdown_table
from .wsgi import Reply, WSGIApp, call, check_json_reply, make_environ, request_loop

__all__ = ["run", "TARGET", "ARTICLE_SCHEMA", "CATEGORY_SCHEMA"]

#: minikoa may take at most this many times the hand-written endpoint's time.
TARGET = 1.5

ARTICLE_UID = "api::article.article"
CATEGORY_UID = "api::category.category"
CATEGORIES = ["Tech", "Science", "Sports"]
PAGE_SIZE = 25

#: The contract project's ``src/api/article/content-types/article/schema.json``.
ARTICLE_SCHEMA: dict[str, Any] = {
    "kind": "collectionType",
    "collectionName": "articles",
    "info": {"singularName": "article", "pluralName": "articles", "displayName": "Article"},
    "options": {"draftAndPublish": False},
    "pluginOptions": {},
    "attributes": {
        "title": {"type": "string", "required": True, "maxLength": 80},
        "body": {"type": "text"},
        "views": {"type": "integer", "min": 0},
        "published": {"type": "boolean"},
        "slug": {"type": "uid", "targetField": "title"},
        "secret": {"type": "string", "private": True},
        "category": {"type": "relation", "relation": "manyToOne", "target": CATEGORY_UID,
                     "inversedBy": "articles"},
    },
}

#: The contract project's ``src/api/category/content-types/category/schema.json``.
CATEGORY_SCHEMA: dict[str, Any] = {
    "kind": "collectionType",
    "collectionName": "categories",
    "info": {"singularName": "category", "pluralName": "categories", "displayName": "Category"},
    "options": {"draftAndPublish": False},
    "pluginOptions": {},
    "attributes": {
        "name": {"type": "string", "required": True},
        "articles": {"type": "relation", "relation": "oneToMany", "target": ARTICLE_UID,
                     "mappedBy": "category"},
    },
}

LIST_PATH = f"/api/articles?populate=category&pagination[pageSize]={PAGE_SIZE}"


def _article_data(i: int, categories: list[str]) -> dict[str, Any]:
    return {"title": f"Article {i}", "body": f"Body of article {i}. " * 4, "views": i % 1000,
            "published": i % 2 == 0, "slug": f"article-{i}", "secret": f"secret-{i}",
            "category": categories[i % len(categories)]}


# -- minikoa --------------------------------------------------------------------------


def _minikoa(path: Path, n: int) -> tuple[Any, list[str]]:
    """The app, built and seeded with ``n`` articles; the articles' documentIds in id order."""
    from minikoa import App
    from minikoa.rest import core_router

    app = App(config={"database": {"connection": {"connection": {"filename": str(path)}}}})
    app.content_types.register(CATEGORY_UID, CATEGORY_SCHEMA)
    app.content_types.register(ARTICLE_UID, ARTICLE_SCHEMA)
    app.mount(core_router(ARTICLE_UID))
    app.build()
    categories = [app.documents(CATEGORY_UID).create(data={"name": name})["documentId"] for name in CATEGORIES]
    created = app.documents(ARTICLE_UID).create_many(data=[_article_data(i, categories) for i in range(n)])
    return app, created["documentIds"]


# -- the hand-written peer ----------------------------------------------------------------

_ARTICLE_COLUMNS = "id, document_id, title, body, views, published, slug, created_at, updated_at, published_at"
_CATEGORY_SQL = ("SELECT l.source_id, c.id, c.document_id, c.name, c.created_at, c.updated_at, c.published_at "
                 "FROM articles_category_lnk AS l JOIN categories AS c ON c.document_id = l.target_document_id "
                 "WHERE l.source_id IN ({marks})")
_NOT_FOUND = {"data": None, "error": {"status": 404, "name": "NotFoundError", "message": "Not Found",
                                      "details": {}}}


def _falcon(path: Path) -> tuple[WSGIApp, sqlite3.Connection]:
    """Falcon over the same file with plain sqlite3, written by hand for these two responses."""
    import falcon

    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    json_type = "application/json; charset=utf-8"

    def article(row: tuple[Any, ...]) -> dict[str, Any]:
        published = row[5]
        return {"id": row[0], "documentId": row[1], "title": row[2], "body": row[3], "views": row[4],
                "published": None if published is None else bool(published), "slug": row[6],
                "createdAt": row[7], "updatedAt": row[8], "publishedAt": row[9]}

    class ArticleList:
        def on_get(self, req: Any, resp: Any) -> None:
            page = req.get_param_as_int("pagination[page]", min_value=1, default=1)
            size = min(req.get_param_as_int("pagination[pageSize]", min_value=1, default=25), 100)
            populate = req.get_param("populate") == "category"
            total = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            rows = conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY id LIMIT ? OFFSET ?",
                                (size, (page - 1) * size)).fetchall()
            data = [article(row) for row in rows]
            if populate and rows:
                ids = [row[0] for row in rows]
                found: dict[int, dict[str, Any]] = {}
                seen: dict[str, dict[str, Any]] = {}
                for source, *c in conn.execute(_CATEGORY_SQL.format(marks=", ".join("?" * len(ids))), ids):
                    category = seen.get(c[1])
                    if category is None:
                        category = seen[c[1]] = {"id": c[0], "documentId": c[1], "name": c[2],
                                                 "createdAt": c[3], "updatedAt": c[4], "publishedAt": c[5]}
                    found[source] = category
                for entry in data:
                    entry["category"] = found.get(entry["id"])
            meta = {"page": page, "pageSize": size, "pageCount": math.ceil(total / size), "total": total}
            resp.content_type = json_type
            resp.data = encode({"data": data, "meta": {"pagination": meta}}).encode()

    class ArticleItem:
        def on_get(self, req: Any, resp: Any, document_id: str) -> None:
            row = conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE document_id = ? LIMIT 1",
                               (document_id,)).fetchone()
            resp.content_type = json_type
            if row is None:
                resp.status = 404
                resp.data = encode(_NOT_FOUND).encode()
                return
            resp.data = encode({"data": article(row), "meta": {}}).encode()

    app = falcon.App()
    app.add_route("/api/articles", ArticleList())
    app.add_route("/api/articles/{document_id}", ArticleItem())
    return app, conn


# -- verification ------------------------------------------------------------------------


def _check_peer_list(body: Any, n: int) -> str | None:
    """Why the list body is not what was seeded (first page, id order, categories), or None."""
    try:
        entries, pagination = body["data"], body["meta"]["pagination"]
    except (KeyError, TypeError):
        return "no data or meta.pagination"
    if pagination != {"page": 1, "pageSize": PAGE_SIZE, "pageCount": math.ceil(n / PAGE_SIZE), "total": n}:
        return f"pagination {pagination!r}"
    if len(entries) != PAGE_SIZE:
        return f"{len(entries)} entries"
    for i, entry in enumerate(entries):
        problem = _check_entry(entry, i)
        if problem is None and (entry.get("category") or {}).get("name") != CATEGORIES[i % len(CATEGORIES)]:
            problem = f"category {entry.get('category')!r}"
        if problem:
            return f"entry {i}: {problem}"
    return None


def _check_entry(entry: Any, i: int) -> str | None:
    want = {k: v for k, v in _article_data(i, CATEGORIES).items() if k not in ("secret", "category")}
    if not isinstance(entry, dict) or "secret" in entry:
        return "not an entry, or the private secret is in it"
    got = {k: entry.get(k) for k in want}
    return None if got == want and entry.get("id") == i + 1 else f"{got!r}"


def _json(reply: Reply) -> Any:
    try:
        return json.loads(reply.body)
    except ValueError:
        return None


# -- the group ---------------------------------------------------------------------------------


def run(settings: Settings) -> GroupResult:
    quick = settings.rounds < 7
    n = 1_000 if quick else 10_000
    print(f"  rest: seeding {n:,} articles", file=sys.stderr, flush=True)
    errors: list[str] = []
    notes: list[str] = []
    timings: dict[str, dict[str, Timing]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rest.db"
        app, document_ids = _minikoa(path, n)
        try:
            peer: WSGIApp | None
            conn: sqlite3.Connection | None = None
            try:
                peer, conn = _falcon(path)
            except Exception as exc:  # Falcon missing or broken: n/a, not a crash
                peer = None
                notes.append(f"- Falcon + sqlite3: n/a, could not be built: {type(exc).__name__}: {exc}.")
            middle = n // 2
            scenarios = [
                ("GET /api/articles?populate=category&pagination[pageSize]=25", LIST_PATH,
                 lambda body: _check_peer_list(body, n)),
                ("GET /api/articles/:documentId", f"/api/articles/{document_ids[middle]}",
                 lambda body: _check_entry(body.get("data") if isinstance(body, dict) else None, middle)),
            ]
            # The unknown documentId: both must answer 404.
            missing = make_environ("GET", "/api/articles/" + "x" * 24)
            status = call(app, missing).status
            if not status.startswith("404"):
                errors.append(f"minikoa answered an unknown documentId with {status!r}, not 404")
            if peer is not None and not call(peer, missing).status.startswith("404"):
                notes.append("- Falcon + sqlite3: does not answer 404 for an unknown documentId.")

            for label, url, sane in scenarios:
                template = make_environ("GET", url)
                loops = {}
                peer_ok = False
                if peer is not None:
                    reply = call(peer, template)
                    expected = _json(reply)
                    problem = check_json_reply(reply, expected) if expected is not None else "body is not JSON"
                    problem = problem or sane(expected)
                    if problem:
                        notes.append(f"- Falcon + sqlite3, {label}: n/a, wrong answer ({problem}).")
                    else:
                        peer_ok = True
                        loops["falcon"] = request_loop(peer, template)
                mine = call(app, template)
                if peer_ok:
                    problem = check_json_reply(mine, expected)
                else:  # no reference: at least check minikoa against what was seeded
                    body = _json(mine)
                    problem = check_json_reply(mine, body) if body is not None else "body is not JSON"
                    problem = problem or sane(body)
                if problem:
                    errors.append(f"minikoa answered {label} wrongly: {problem[:300]}")
                    notes.append(f"- minikoa, {label}: n/a, wrong answer ({problem[:300]}).")
                else:
                    loops["minikoa"] = request_loop(app, template)
                print(f"  rest: {label}", file=sys.stderr, flush=True)
                timings[label] = compare(loops, settings) if loops else {}
        finally:
            app.destroy()
            if conn is not None:
                conn.close()

    rows = []
    data: dict[str, Any] = {"articles": n, "scenarios": {}}
    ratios = []
    for label, found in timings.items():
        falcon_ns = found["falcon"].best_ns if "falcon" in found else None
        mine_ns = found["minikoa"].best_ns if "minikoa" in found else None
        rows.append([label, fmt_us(falcon_ns), fmt_us(mine_ns), fmt_ratio(mine_ns, falcon_ns)])
        if falcon_ns and mine_ns:
            ratios.append(mine_ns / falcon_ns)
        data["scenarios"][label] = {name: t.as_dict() for name, t in found.items()}
        data["scenarios"][label]["ratio"] = mine_ns / falcon_ns if falcon_ns and mine_ns else None
    if len(ratios) == len(timings) and ratios:
        met = "met" if max(ratios) <= TARGET else "NOT met"
    else:
        met = "not measured"
    notes.insert(0, f"{n:,} articles in {len(CATEGORIES)} categories, one SQLite file (WAL) read by both; best of "
                    f"{settings.rounds} rounds. Target: minikoa at most {TARGET}x the hand-written endpoint "
                    f"({met}). Neither app has global middlewares; minikoa also checks the query keys, strips "
                    "private fields and sends a weak ETag (checksums of the body), which the peer does not.")
    data["target"] = TARGET
    data["met"] = met
    table = markdown_table(["Request", "Falcon + sqlite3", "minikoa", "minikoa/hand-written"], rows)
    return GroupResult("REST: minikoa against a hand-written Falcon + sqlite3 endpoint", table, notes, data,
                       errors)
