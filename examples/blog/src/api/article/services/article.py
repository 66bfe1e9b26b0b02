"""api::article.article: articles in the project's SQLite file, through sqlite-utils.

Until content-types arrive, the service owns its table; the controller never
sees SQL.
"""

import datetime
import threading
from pathlib import Path

import sqlite_utils

from minikoa import Service

SEED = [
    {"title": "Hello minikoa", "body": "Strapi's structure, in plain Python.", "author": "ada"},
    {"title": "Routes and policies", "body": "A policy says yes or no before the handler runs.", "author": "ada"},
    {"title": "Middlewares", "body": "Code before the yield runs on the way in, after it on the way out.",
     "author": "grace"},
]


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ArticleService(Service):
    def __init__(self, app, uid=None):
        super().__init__(app, uid)
        filename = Path(app.config.get("database.connection.connection.filename", ".tmp/data.db"))
        self.path = filename if filename.is_absolute() else app.root / filename
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite_utils.Database(self.path)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=5000")
        return db

    def seed(self) -> None:
        """Create the table; on the very first start, add a few articles."""
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
            table = self.db["articles"]
            if not table.exists():
                table.create({"id": int, "title": str, "body": str, "author": str,
                              "createdAt": str, "updatedAt": str}, pk="id")
                for article in SEED:
                    table.insert({**article, "createdAt": _now(), "updatedAt": _now()})

    def find(self, sort: str = "id") -> list[dict]:
        order = {"id": "id", "title": "title", "-id": "id desc", "-title": "title desc"}.get(sort, "id")
        return list(self.db["articles"].rows_where(order_by=order))

    def find_one(self, article_id: str) -> dict | None:
        if not str(article_id).isdigit():
            return None
        rows = list(self.db["articles"].rows_where("id = ?", [int(article_id)]))
        return rows[0] if rows else None

    def create(self, data: dict) -> dict:
        now = _now()
        table = self.db["articles"].insert({**data, "createdAt": now, "updatedAt": now})
        return self.find_one(table.last_pk)

    def update(self, article_id: str, data: dict) -> dict:
        self.db["articles"].update(int(article_id), {**data, "updatedAt": _now()})
        return self.find_one(article_id)

    def reading_time(self, article: dict) -> int:
        """Minutes to read, at 200 words a minute (at least one)."""
        return max(1, round(len((article["body"] or "").split()) / 200))

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


service = ArticleService
