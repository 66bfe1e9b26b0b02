"""``core_service(uid)``: Strapi 5's core service of a content-type, over its document service.

Use it as it is or extend it by subclassing and ``super()``, as Strapi's
``factories.createCoreService`` does::

    class ArticleService(core_service("api::article.article")):
        def create(self, params=None):
            params = dict(params or {})
            params["data"] = {**params.get("data", {}), "title": params["data"]["title"].strip()}
            return super().create(params)

A service speaks documents (``app.documents(uid)``), never SQL. Its methods
are Strapi's, in snake_case:

* collection types: ``find(params)`` (``{"results", "pagination"}``),
  ``find_one(document_id, params)``, ``create(params)`` (``params["data"]``),
  ``update(document_id, params)``, ``delete(document_id, params)``
  (``{"deletedEntries": n}``), and, as the document service has them,
  ``count(params)``, ``publish``, ``unpublish`` and ``discard_draft``;
* single types: ``find(params)`` (the document or None),
  ``create_or_update(params)`` and ``delete(params)``;
* both: ``get_fetch_params(params)``, which every method runs its params
  through first: Strapi's defaults (``status="published"``), the one place
  to override to change them for every method at once.

``params`` are Strapi's: ``filters``, ``sort``, ``fields``, ``populate``,
``pagination``, ``status``, and ``data`` for a write, as a plain mapping or
as the ``Query`` the core controller parsed (passed down as it is, never
parsed twice). What the methods return is public: private attributes are
left out, as the REST API needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..content.documents import DocumentService
from ..content.query import Query
from ..content.schema import ContentType
from ..project.registry import Service
from . import sanitize

__all__ = ["CoreService", "core_service", "Params"]

#: What a service method takes: Strapi's params as a mapping, or a Query parsed already.
Params = Mapping[str, Any] | Query

#: The parts of a query that pick documents, not read one: left out where one document is meant.
_LISTING = ("filters", "sort", "pagination")


class CoreService(Service):
    """The core service of one content-type (``uid`` is set by ``core_service``).

    One class serves both kinds, as the content-type says when the service
    is used (a services file may be imported before its schema is known):
    ``find`` and ``delete`` answer as Strapi's collection-type or single-type
    service does.
    """

    uid: str

    @property
    def documents(self) -> DocumentService:
        """The content-type's document service (``app.documents(uid)``)."""
        return self.app.documents(self.uid)

    @property
    def ctype(self) -> ContentType:
        return self.app.content_types[self.uid]

    # -- params -------------------------------------------------------------------

    def get_fetch_params(self, params: Params | None = None) -> Params:
        """``params`` with Strapi's defaults: the published version unless ``status`` says otherwise.

        A Query comes back a Query (the parsed parts shared), a mapping a new dict.
        """
        if isinstance(params, Query):
            return params if params.status is not None else params.with_status("published")
        fetch: dict[str, Any] = {"status": "published"}
        if params:
            fetch.update(params)
        if fetch["status"] is None:  # ``{"status": None}`` asks for the default, as a missing key does
            fetch["status"] = "published"
        return fetch

    def _query(self, params: Params | None) -> Query:
        """``params`` after ``get_fetch_params``, as a public Query of this type (parsed if it is not one)."""
        fetch = self.get_fetch_params(params)
        if type(fetch) is Query and fetch.public:
            return fetch
        return Query.of(self.app.content_types, self.uid, fetch, public=True)

    # -- reads --------------------------------------------------------------------

    def find(self, params: Params | None = None) -> Any:
        """Collection: ``{"results": [...], "pagination": {...}}`` (``config/api.py``'s limits and
        ``withCount``); single type: the document, or None."""
        query = self._query(params)
        if self.ctype.is_single:
            return self.documents.find_first(query=query, status=query.status)
        config = self.app.config
        results, meta = self.documents.find_page(
            query=query, status=query.status,
            default_limit=config.get("api.rest.defaultLimit", 25),
            max_limit=config.get("api.rest.maxLimit", 100),
            with_count=bool(config.get("api.rest.withCount", True)))
        return {"results": results, "pagination": meta.get("pagination", {})}

    def find_one(self, document_id: str, params: Params | None = None) -> Any:
        """The document ``document_id`` (``fields``, ``populate``, ``status`` apply), or None."""
        query = self._query(params)
        return self.documents.find_one(document_id, query=query.without(*_LISTING), status=query.status)

    def count(self, params: Params | None = None) -> int:
        """How many documents match ``params``'s ``filters`` (in the published version by default)."""
        query = self._query(params)
        return self.documents.count(query=query.without("sort", "pagination"), status=query.status)

    # -- writes -------------------------------------------------------------------

    def create(self, params: Params | None = None) -> Any:
        """Create a document from ``params["data"]`` and return it (``fields``, ``populate`` apply).

        As Strapi's REST API, the default ``status="published"`` publishes it
        at once (with draft & publish); ``status="draft"`` keeps it a draft.
        """
        query = self._query(params)
        return self.documents.create(data=_data(query), status=query.status, query=query.without(*_LISTING))

    def update(self, document_id: str, params: Params | None = None) -> Any:
        """Update the document with ``params["data"]`` and return it; None if there is no such document."""
        query = self._query(params)
        return self.documents.update(document_id, data=_data(query), status=query.status,
                                     query=query.without(*_LISTING))

    def create_or_update(self, params: Params | None = None) -> Any:
        """Single types: update the document with ``params["data"]``, creating it the first time."""
        query = self._query(params)
        return self.documents.update(None, data=_data(query), status=query.status,
                                     query=query.without(*_LISTING))

    def delete(self, document_id: str | Params | None = None, params: Params | None = None) -> Any:
        """Delete a document, every version of it.

        Collection types, ``delete(document_id, params)``: ``{"deletedEntries":
        n}`` (0 when there was none), as Strapi's. Single types,
        ``delete(params)``: the document service's answer (``{"documentId",
        "entries"}``), or None when there was nothing to delete.
        """
        if self.ctype.is_single:
            if isinstance(document_id, Mapping):  # delete(params), Strapi's single-type signature
                params, document_id = document_id, None
            query = self._query(params)  # checked as every method's params are; a locale says which version
            found = self.documents.delete(None, query=query)
            return None if found is None else self._public(found)
        if not isinstance(document_id, str):
            raise TypeError(f"delete of a collection type takes a documentId, not {document_id!r}")
        found = self.documents.delete(document_id, query=self._query(params))
        return {"deletedEntries": len(found["entries"]) if found else 0}

    def publish(self, document_id: str) -> Any:
        """Publish the draft (draft & publish): ``{"documentId", "entries"}``, or None when there is no draft."""
        return self._public(self.documents.publish(document_id))

    def unpublish(self, document_id: str) -> Any:
        """Remove the published version, keeping the draft: ``{"documentId", "entries"}``, or None."""
        return self._public(self.documents.unpublish(document_id))

    def discard_draft(self, document_id: str) -> Any:
        """Make the draft a copy of the published version again: ``{"documentId", "entries"}``, or None."""
        return self._public(self.documents.discard_draft(document_id))

    def _public(self, found: dict[str, Any] | None) -> Any:
        """The document service's ``{"documentId", "entries"}`` with the entries' private attributes left out."""
        if found is None:
            return None
        return {**found, "entries": [sanitize.strip_private(self.app.content_types, self.ctype, entry)
                                     for entry in found["entries"]]}


def _data(query: Query) -> Any:
    """A write's ``data``: ``{}`` when the params carry none (Strapi's default params are ``{data: {}}``)."""
    return {} if query.data is None else query.data


def core_service(uid: str) -> type[CoreService]:
    """A service class with Strapi's core methods for ``uid`` (subclass it to extend them)."""
    return type(f"CoreService[{uid}]", (CoreService,), {"uid": uid})
