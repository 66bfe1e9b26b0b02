"""``app.db``: the model layer of an app, wired together.

It holds the database (``minikoa.database``), the content-types
(``app.content_types``), the query engine, the lifecycles and the relation
writer, and hands out document services (``app.documents(uid)``). The
database file comes from ``config/database.py`` (``connection.connection
.filename``, relative to the project folder), overridden by the
``DATABASE_FILENAME`` environment variable; an app built in code without a
project uses an in-memory database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..db import Database
from .documents import DocumentService
from .events import Events
from .lifecycles import Lifecycles
from .relations import RelationWriter
from .schema import Schemas
from .tables import sync

__all__ = ["ModelLayer"]


class ModelLayer:
    """Database, schemas, query engine, lifecycles and document services of one app."""

    def __init__(self, schemas: Schemas, events: Events, connect: Callable[[], Database],
                 config: Any = None) -> None:
        self.schemas = schemas
        self.events = events
        #: opens the database (``minikoa.db.connect`` with the app's config), on first use
        self._connect = connect
        self.config = config if config is not None else {}
        self.lifecycles = Lifecycles()
        self._db: Database | None = None
        self._engine: Any = None
        self._services: dict[str, DocumentService] = {}
        self._relations: RelationWriter | None = None
        self.ready = False
        self._setup_hooks: list[Callable[[], None]] = []

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = self._connect()
        return self._db

    @property
    def connection(self) -> Database:
        """The Database (connections, ``atomic()``, ``on_commit``)."""
        return self.db

    @property
    def engine(self) -> Any:
        if self._engine is None:
            from .engine import QueryEngine

            self._engine = QueryEngine(self.db, self.schemas)
        return self._engine

    @property
    def relations(self) -> RelationWriter:
        if self._relations is None:
            self._relations = RelationWriter(self.db, self.schemas)
        return self._relations

    def on_setup(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` at the end of every ``setup``: what else must be ready before content is written
        (the webhook outbox subscribes to the events here)."""
        self._setup_hooks.append(hook)

    def setup(self) -> None:
        """Check the schemas, create or evolve the tables, then run the setup hooks. The named step
        that readies content: the app's build runs it, and so does the first use of ``documents``
        or ``query`` on an app not built yet."""
        self.schemas.link()
        for ctype in self.schemas.types.values():
            if ctype.lifecycles is not None:
                self.lifecycles.subscribe(ctype.lifecycles, models=[ctype.uid])
                ctype.lifecycles = None  # subscribed once, even if setup runs again
        sync(self.db, self.schemas)
        self._services.clear()
        self.events.db = self.db
        for hook in self._setup_hooks:
            hook()
        self.ready = True

    @property
    def populate_relations(self) -> bool:
        """Strapi's ``server.webhooks.populateRelations``: entry events carry relations one level deep."""
        found = self.__dict__.get("_populate_relations")
        if found is None:
            found = self._populate_relations = bool(self.config.get("server.webhooks.populateRelations", False))
        return found

    def atomic(self) -> Any:
        """A write transaction over the app's database (nests as savepoints)."""
        return self.db.atomic()

    def validate(self, model: Any, data: Any, *, partial: bool, draft: bool = False) -> dict[str, Any]:
        from .validation import validate

        return validate(model, data, schemas=self.schemas, partial=partial, draft=draft)

    def documents(self, uid: str) -> DocumentService:
        """The document service of content-type ``uid``."""
        service = self._services.get(uid)
        if service is None:
            if not self.ready:
                self.setup()
            if uid not in self.schemas:
                known = ", ".join(sorted(u for u in self.schemas if not u.startswith("plugin::"))) or "none"
                raise KeyError(f"unknown content-type {uid!r} (known: {known})")
            service = self._services[uid] = DocumentService(self, uid)
        return service

    def query(self, uid: str) -> Any:
        """The low-level query engine bound to ``uid`` (Strapi's ``strapi.db.query``)."""
        if not self.ready:
            self.setup()
        engine, schemas = self.engine, self.schemas
        schemas[uid]  # unknown uid: KeyError now

        class _Bound:
            def find_many(self, params: Any = None, status: str | None = None) -> list[dict[str, Any]]:
                return engine.find(uid, params, status=status)

            def count(self, params: Any = None, status: str | None = None) -> int:
                return engine.count(uid, params, status=status)
        return _Bound()

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None
            self._engine = self._relations = None
            self._services.clear()
            self.ready = False
