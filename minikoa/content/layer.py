"""``app.db``: the model layer of an app, wired together.

It holds the database (opened on first use with ``minikoa.db.connect``), the
content-types (``app.content_types``), the query engine, the lifecycles and
the relation writer, and hands out document services
(``app.documents(uid)``). ``setup`` is the named step that readies content:
the schemas are linked, the tables created or evolved, and what else must
be ready before content is written (the webhook outbox) hooks in with
``on_setup``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from ..db import Database
from .documents import DocumentService
from .engine import QueryEngine
from .engine_params import closest
from .events import Events
from .lifecycles import Lifecycles
from .privacy import compile_private
from .relations import RelationWriter
from .repository import Repository
from .schema import Component, ContentType, Schemas
from .tables import sync
from .validation import validate

__all__ = ["ModelLayer"]


class ModelLayer:
    """Database, schemas, query engine, lifecycles and document services of one app.

    ``populate_relations`` (Strapi's ``server.webhooks.populateRelations``):
    entry events carry the entry's relations, one level deep.
    ``private_attributes`` (``api.responses.privateAttributes``): fields private
    in every content-type and component.
    """

    def __init__(self, schemas: Schemas, events: Events, connect: Callable[[], Database], *,
                 populate_relations: bool = False, private_attributes: Iterable[str] = ()) -> None:
        self.schemas = schemas
        self.private_attributes = private_attributes
        self.events = events
        #: opens the database (``minikoa.db.connect`` with the app's config), on first use
        self._connect = connect
        self.populate_relations = populate_relations
        self.lifecycles = Lifecycles()
        self._db: Database | None = None
        self._engine: QueryEngine | None = None
        self._services: dict[str, DocumentService] = {}
        self._relations: RelationWriter | None = None
        self.ready = False
        self._setup_hooks: list[Callable[[], None]] = []

    @property
    def db(self) -> Database:
        """The database (``atomic()``, ``on_commit``, statements), opened on first use."""
        if self._db is None:
            self._db = self._connect()
        return self._db

    @property
    def connection(self) -> Database:
        """The Database (Strapi's ``strapi.db.connection``)."""
        return self.db

    @property
    def engine(self) -> QueryEngine:
        if self._engine is None:
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
        compile_private(self.schemas, self.private_attributes)
        for ctype in self.schemas.types.values():
            if ctype.lifecycles is not None:
                self.lifecycles.subscribe(ctype.lifecycles, models=[ctype.uid])
                ctype.lifecycles = None  # subscribed once, even if setup runs again
        sync(self.db, self.schemas)
        self._services.clear()
        self.events.db = self.db
        self.ready = True  # the tables are there: the hooks may read and write content
        for hook in self._setup_hooks:
            hook()

    def atomic(self) -> AbstractContextManager[None]:
        """A write transaction over the app's database (nests as savepoints)."""
        return self.db.atomic()

    def validate(self, model: ContentType | Component, data: Mapping[str, Any], *, partial: bool,
                 draft: bool = False, publishing: bool = False) -> dict[str, Any]:
        return validate(model, data, schemas=self.schemas, partial=partial, draft=draft, publishing=publishing)

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

    def query(self, uid: str) -> Repository:
        """The query engine's repository of content-type ``uid`` (Strapi's ``strapi.db.query``): rows,
        Strapi's parameters, lifecycle hooks (see ``minikoa.content.repository``)."""
        if not self.ready:
            self.setup()
        if uid not in self.schemas.types:
            near = closest(uid, self.schemas.types)
            hint = f"; did you mean {near!r}?" if near else ""
            raise KeyError(f"unknown content-type {uid!r}{hint}")
        return Repository(self, self.schemas.types[uid])

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None
            self._engine = self._relations = None
            self._services.clear()
            self.ready = False
