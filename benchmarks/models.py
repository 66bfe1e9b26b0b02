"""Group 4: the model layer against plain sqlite-utils doing the same work.

Two operations on an article/category schema (a manyToOne relation):

* **insert**: create N articles one by one, each in its own transaction and
  linked to a category: minikoa's ``documents.create`` (validation, a
  documentId, timestamps, the relation checked and linked, the entry read
  back) against sqlite-utils ``insert`` of the article row and of its link
  row, with the same columns and values computed by hand;
* **list**: 25 articles with a filter, a sort and the category populated:
  ``documents.find_many`` against one sqlite-utils query for the page, one
  for the categories (``IN``), and the dicts assembled by hand.

Both use a fresh SQLite file in WAL mode with the same pragmas. Inserts are
timed once per round on a new file (the table grows, so repetitions would
not be alike); the list is timed in interleaved rounds.
"""

from __future__ import annotations

import datetime
import secrets
import string
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlite_utils

from .harness import Settings, compare
from .report import GroupResult, fmt_ratio, fmt_us, markdown_table

__all__ = ["run", "TARGET"]

TARGET = 1.3
CATEGORIES = ["Tech", "Science", "Sports"]
_ALPHABET = string.ascii_lowercase + string.digits


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z"


def _doc_id() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(24))


def _article(i: int) -> dict[str, Any]:
    return {"title": f"Article {i}", "body": f"Body of article {i}.", "views": i % 1000}


def _minikoa(path: Path) -> Any:
    from minikoa import App

    app = App(config={"database": {"connection": {"connection": {"filename": str(path)}}}})
    ct = app.content_types
    ct.register("api::category.category", {
        "collectionName": "categories", "info": {"singularName": "category", "pluralName": "categories"},
        "attributes": {"name": {"type": "string", "required": True},
                       "articles": {"type": "relation", "relation": "oneToMany",
                                    "target": "api::article.article", "mappedBy": "category"}}})
    ct.register("api::article.article", {
        "collectionName": "articles", "info": {"singularName": "article", "pluralName": "articles"},
        "attributes": {"title": {"type": "string", "required": True, "maxLength": 80},
                       "body": {"type": "text"}, "views": {"type": "integer", "min": 0},
                       "category": {"type": "relation", "relation": "manyToOne",
                                    "target": "api::category.category", "inversedBy": "articles"}}})
    app.build()
    cats = [app.documents("api::category.category").create(data={"name": n})["documentId"] for n in CATEGORIES]
    return app, cats


def _plain(path: Path) -> tuple[sqlite_utils.Database, list[str]]:
    """The same tables, made by the minikoa app (so the schemas are identical), used through sqlite-utils."""
    app, cats = _minikoa(path)
    app.destroy()
    db = sqlite_utils.Database(path)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON", "busy_timeout = 10000"):
        db.execute(f"PRAGMA {pragma}")
    return db, cats


def _insert_minikoa(path: Path, n: int) -> tuple[float, Any]:
    app, cats = _minikoa(path)
    articles = app.documents("api::article.article")
    start = time.perf_counter()
    for i in range(n):
        articles.create(data={**_article(i), "category": cats[i % 3]})
    return time.perf_counter() - start, app


def _insert_plain(path: Path, n: int) -> float:
    db, cats = _plain(path)
    articles, links = db["articles"], db["articles_category_lnk"]
    start = time.perf_counter()
    for i in range(n):
        now = _now()
        row = articles.insert({"document_id": _doc_id(), **_article(i), "created_at": now, "updated_at": now,
                               "published_at": now})
        links.insert({"source_id": row.last_pk, "target_document_id": cats[i % 3], "ord": 1})
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def _list_plain(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    rows = list(db.query(
        "SELECT a.id, a.document_id, a.title, a.body, a.views, a.created_at, a.updated_at, a.published_at, "
        "l.target_document_id AS cat FROM articles a LEFT JOIN articles_category_lnk l ON l.source_id = a.id "
        "WHERE a.views >= ? ORDER BY a.views DESC, a.id LIMIT 25", [500]))
    cat_ids = sorted({r["cat"] for r in rows if r["cat"]})
    marks = ", ".join("?" * len(cat_ids))
    cats = {c["document_id"]: {"id": c["id"], "documentId": c["document_id"], "name": c["name"],
                               "createdAt": c["created_at"], "updatedAt": c["updated_at"],
                               "publishedAt": c["published_at"]}
            for c in db.query(f"SELECT * FROM categories WHERE document_id IN ({marks})", cat_ids)}
    return [{"id": r["id"], "documentId": r["document_id"], "title": r["title"], "body": r["body"],
             "views": r["views"], "createdAt": r["created_at"], "updatedAt": r["updated_at"],
             "publishedAt": r["published_at"], "category": cats.get(r["cat"])} for r in rows]


def _list_params() -> dict[str, Any]:
    return {"filters": {"views": {"$gte": 500}}, "sort": "views:desc", "populate": ["category"],
            "pagination": {"page": 1, "pageSize": 25}}


def run(settings: Settings) -> GroupResult:
    print("  models", file=sys.stderr, flush=True)
    n = 1_000 if settings.rounds < 7 else 10_000
    rounds = 2 if settings.rounds < 7 else 3
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        ins: dict[str, list[float]] = {"minikoa": [], "sqlite-utils": []}
        app = None
        for r in range(rounds):
            if app is not None:
                app.destroy()
            elapsed, app = _insert_minikoa(base / f"m{r}.db", n)
            ins["minikoa"].append(elapsed)
            ins["sqlite-utils"].append(_insert_plain(base / f"p{r}.db", n))
        # The list runs on the last round's files, which hold n articles each.
        articles = app.documents("api::article.article")
        plain = sqlite_utils.Database(base / f"p{rounds - 1}.db")
        ours = articles.find_many(**_list_params())
        theirs = _list_plain(plain)
        errors = []
        strip = ("id", "documentId", "createdAt", "updatedAt", "publishedAt")

        def shape(entries: list[dict[str, Any]]) -> list[Any]:
            return [({k: v for k, v in e.items() if k not in strip and k != "category"},
                     e["category"]["name"] if e["category"] else None) for e in entries]
        if len(ours) != 25 or shape(ours) != shape(theirs):
            errors.append("minikoa's list differs from the hand-written one")
        timings = compare({
            "minikoa": lambda reps: [articles.find_many(**_list_params()) for _ in range(reps)],
            "sqlite-utils": lambda reps: [_list_plain(plain) for _ in range(reps)],
        }, settings)
        app.destroy()
        plain.close()

    ins_ns = {k: min(v) / n * 1e9 for k, v in ins.items()}
    insert_ratio = ins_ns["minikoa"] / ins_ns["sqlite-utils"]
    list_ratio = timings["minikoa"].best_ns / timings["sqlite-utils"].best_ns
    rows = [
        [f"insert {n:,} articles, one transaction each (per row)", fmt_us(ins_ns["sqlite-utils"]),
         fmt_us(ins_ns["minikoa"]), fmt_ratio(ins_ns["minikoa"], ins_ns["sqlite-utils"])],
        ["list 25: filter, sort, populated category", fmt_us(timings["sqlite-utils"].best_ns),
         fmt_us(timings["minikoa"].best_ns), fmt_ratio(timings["minikoa"].best_ns, timings["sqlite-utils"].best_ns)],
    ]
    met = "met" if max(insert_ratio, list_ratio) <= TARGET else "NOT met"
    notes = [
        f"Best of {rounds} fresh files for inserts, best of {settings.rounds} rounds for the list. Target: at most "
        f"{TARGET}x plain sqlite-utils ({met}). minikoa also validates each article, checks that its category "
        "exists and reads the created entry back; the plain version does none of that.",
    ]
    data = {"rows": n, "insert_ns_per_row": ins_ns, "insert_ratio": insert_ratio, "list_ratio": list_ratio,
            "list": {k: v.as_dict() for k, v in timings.items()}}
    table = markdown_table(["Operation", "sqlite-utils", "minikoa", "minikoa/sqlite-utils"], rows)
    return GroupResult("Models: minikoa documents against plain sqlite-utils", table, notes, data, errors)
