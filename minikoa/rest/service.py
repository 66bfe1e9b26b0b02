"""``core_service(uid)``: the document service of a content-type with the REST API's defaults.

Use it as it is or extend it by subclassing and ``super()``, as Strapi's
``factories.createCoreService`` does. A service speaks documents
(``app.documents(uid)``), never SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..content.documents import DocumentService
from ..content.query import Query
from ..content.schema import ContentType
from ..project.registry import Service

__all__ = ["CoreService", "core_service"]


class CoreService(Service):
    """The core service of one content-type: the document service with REST defaults.

    Methods take Strapi's params: a ``Query`` from the controller (parsed
    and checked already, passed down as it is) or a plain mapping, parsed
    here. Reads return public entries: private attributes are left out.
    """

    uid: str

    @property
    def documents(self) -> DocumentService:
        return self.app.documents(self.uid)

    @property
    def ctype(self) -> ContentType:
        return self.app.content_types[self.uid]

    def _query(self, params: Mapping[str, Any] | Query | None) -> Query:
        if type(params) is Query and params.public:
            return params
        return Query.of(self.app.content_types, self.uid, params, public=True)

    def find(self, params: Mapping[str, Any] | None = None) -> Any:
        """Collection: ``{"results", "pagination"}``; single type: the document or None."""
        query = self._query(params)
        status = query.status or "published"
        if self.ctype.is_single:
            return self.documents.find_first(query=query, status=status)
        config = self.app.config
        results, meta = self.documents.find_page(
            query=query, status=status,
            default_limit=config.get("api.rest.defaultLimit", 25),
            max_limit=config.get("api.rest.maxLimit", 100),
            with_count=bool(config.get("api.rest.withCount", True)))
        return {"results": results, "pagination": meta.get("pagination", {})}

    def find_one(self, document_id: str, params: Mapping[str, Any] | None = None) -> Any:
        query = self._query(params)
        return self.documents.find_one(document_id, query=query.without("filters", "sort", "pagination"),
                                       status=query.status or "published")

    def create(self, params: Mapping[str, Any]) -> Any:
        query = self._query(params)
        return self.documents.create(data=params["data"], status=query.status or "published",
                                     query=query.without("filters", "sort", "pagination"))

    def update(self, document_id: str, params: Mapping[str, Any]) -> Any:
        query = self._query(params)
        return self.documents.update(document_id, data=params["data"], status=query.status or "published",
                                     query=query.without("filters", "sort", "pagination"))

    def delete(self, document_id: str | Mapping[str, Any] | None = None,
               params: Mapping[str, Any] | None = None) -> Any:
        if isinstance(document_id, Mapping):  # single types: delete(params)
            document_id = None
        return self.documents.delete(document_id)

    def create_or_update(self, params: Mapping[str, Any]) -> Any:
        """Single types: update the document, creating it the first time."""
        query = self._query(params)
        return self.documents.update(None, data=params["data"], status=query.status or "published",
                                     query=query.without("filters", "sort", "pagination"))


def core_service(uid: str) -> type[CoreService]:
    """A service class with Strapi's core methods for ``uid`` (subclass it to extend them)."""
    return type(f"CoreService[{uid}]", (CoreService,), {"uid": uid})
