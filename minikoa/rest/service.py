"""``core_service(uid)``: the document service of a content-type with the REST API's defaults.

Use it as it is or extend it by subclassing and ``super()``, as Strapi's
``factories.createCoreService`` does. A service speaks documents
(``app.documents(uid)``), never SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..project.registry import Service

__all__ = ["CoreService", "core_service"]


class CoreService(Service):
    """The core service of one content-type: the document service with REST defaults."""

    uid: str

    @property
    def documents(self) -> Any:
        return self.app.documents(self.uid)

    @property
    def ctype(self) -> Any:
        return self.app.content_types[self.uid]

    def _read_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        out = {key: params[key] for key in ("filters", "sort", "fields", "populate") if key in params}
        out["status"] = params.get("status") or "published"
        return out

    def find(self, params: Mapping[str, Any] | None = None) -> Any:
        """Collection: ``{"results", "pagination"}``; single type: the document or None."""
        params = params or {}
        read = self._read_params(params)
        if self.ctype.is_single:
            return self.documents.find_first(**read)
        config = self.app.config
        results, meta = self.documents.find_page(
            **read, pagination=params.get("pagination"), public=True,
            default_limit=config.get("api.rest.defaultLimit", 25),
            max_limit=config.get("api.rest.maxLimit", 100),
            with_count=bool(config.get("api.rest.withCount", True)))
        return {"results": results, "pagination": meta.get("pagination", {})}

    def find_one(self, document_id: str, params: Mapping[str, Any] | None = None) -> Any:
        read = self._read_params(params or {})
        read.pop("filters", None)
        read.pop("sort", None)
        return self.documents.find_one(document_id, **read, public=True)

    def create(self, params: Mapping[str, Any]) -> Any:
        return self.documents.create(data=params["data"], status=params.get("status") or "published",
                                     fields=params.get("fields"), populate=params.get("populate"))

    def update(self, document_id: str, params: Mapping[str, Any]) -> Any:
        return self.documents.update(document_id, data=params["data"], status=params.get("status") or "published",
                                     fields=params.get("fields"), populate=params.get("populate"))

    def delete(self, document_id: str | None = None, params: Mapping[str, Any] | None = None) -> Any:
        if isinstance(document_id, Mapping):  # single types: delete(params)
            document_id = None
        return self.documents.delete(document_id)

    def create_or_update(self, params: Mapping[str, Any]) -> Any:
        """Single types: update the document, creating it the first time."""
        return self.documents.update(None, data=params["data"], status=params.get("status") or "published",
                                     fields=params.get("fields"), populate=params.get("populate"))


def core_service(uid: str) -> type[CoreService]:
    """A service class with Strapi's core methods for ``uid`` (subclass it to extend them)."""
    return type(f"CoreService[{uid}]", (CoreService,), {"uid": uid})
