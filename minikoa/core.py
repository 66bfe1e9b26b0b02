"""Strapi's core router, controller and service for a content-type.

``core_router(uid)`` gives a routes file the REST routes of a content-type;
``core_controller(uid)`` and ``core_service(uid)`` give classes to use as
they are or to extend by subclassing and ``super()``, as Strapi's
``factories.createCore*`` do::

    class ArticleController(core_controller("api::article.article")):
        def find(self, ctx):
            result = super().find(ctx)
            result["meta"]["note"] = "extended"
            return result

The controller speaks HTTP (query checks, the ``{"data": ...}`` body,
statuses, sanitizing, the v4 shape, ETags); the service speaks documents
(``app.documents(uid)``), never SQL.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from typing import Any

from . import sanitize
from .context import prepare_headers
from .errors import NotFoundError, UnsupportedMediaTypeError, ValidationError
from .jsoncodec import dumpb
from .registry import Controller, Service

__all__ = ["core_router", "core_controller", "core_service", "CoreRouter", "ACTIONS"]

#: Strapi's action names, and the method each runs.
ACTIONS = {"find": "find", "findOne": "find_one", "create": "create", "update": "update", "delete": "delete"}


# -- router ---------------------------------------------------------------------------


class CoreRouter:
    """The REST routes of a content-type, made when the app mounts them (the schema is known then)."""

    def __init__(self, uid: str, only: Iterable[str] | None = None, exclude: Iterable[str] | None = None,
                 config: Mapping[str, Any] | None = None, prefix: str | None = None) -> None:
        self.uid = uid
        self.only = {_strapi_action(a) for a in only} if only is not None else None
        self.exclude = {_strapi_action(a) for a in exclude or ()}
        self.config = {_strapi_action(k): v for k, v in (config or {}).items()}
        self.prefix = prefix
        for action in (self.only or set()) | self.exclude | set(self.config):
            if action not in ACTIONS:
                raise ValueError(f"core_router({uid!r}): unknown action {action!r} "
                                 f"(actions: {', '.join(ACTIONS)})")

    def resolve(self, app: Any) -> list[dict[str, Any]]:
        """Route dicts in Strapi's format for ``app``'s schema of the content-type."""
        if self.uid not in app.content_types:
            raise LookupError(f"core_router: unknown content-type {self.uid!r}")
        ctype = app.content_types[self.uid]
        if ctype.is_single:
            base = f"/{ctype.singular_name}"
            table = [("GET", base, "find"), ("PUT", base, "update"), ("DELETE", base, "delete")]
        else:
            base = f"/{ctype.plural_name}"
            table = [("GET", base, "find"), ("POST", base, "create"), ("GET", base + "/:id", "findOne"),
                     ("PUT", base + "/:id", "update"), ("DELETE", base + "/:id", "delete")]
        routes = []
        for method, path, action in table:
            if (self.only is not None and action not in self.only) or action in self.exclude:
                continue
            config = dict(self.config.get(action) or {})
            if self.prefix is not None:
                config.setdefault("prefix", self.prefix)
            if method == "GET":
                config["middlewares"] = [etag, *(config.get("middlewares") or ())]
            routes.append({"method": method, "path": path, "handler": f"{self.uid}.{action}", "config": config})
        return routes

    def __repr__(self) -> str:
        return f"core_router({self.uid!r})"


def core_router(uid: str, only: Iterable[str] | None = None, exclude: Iterable[str] | None = None,
                config: Mapping[str, Any] | None = None, prefix: str | None = None) -> CoreRouter:
    """The REST routes of ``uid``: list, one, create, update, delete (get/update/delete for single types)."""
    return CoreRouter(uid, only, exclude, config, prefix)


def _strapi_action(name: str) -> str:
    return "findOne" if name == "find_one" else name


# -- controller --------------------------------------------------------------------------


class CoreController(Controller):
    """The core REST actions of one content-type (``uid`` is set by ``core_controller``)."""

    uid: str

    @property
    def ctype(self) -> Any:
        return self.app.content_types[self.uid]

    @property
    def service(self) -> Any:
        return self.app.service(self.uid)

    # -- the helpers Strapi's controllers have -----------------------------------

    def validate_query(self, ctx: Any) -> None:
        """400 for any unknown or private key in the query, before any SQL runs."""
        sanitize.check_query(self.app.content_types, self.uid, ctx.query)

    def sanitize_query(self, ctx: Any) -> dict[str, Any]:
        """The query keys the API reads (``filters``, ``sort``, ``fields``, ``populate``, ``pagination``,
        ``status``)."""
        query = ctx.query
        params = {key: query[key] for key in sanitize.QUERY_KEYS if query.get(key) is not None}
        status = query.get("status")
        if status is not None:
            if status not in ("draft", "published"):
                raise ValidationError("Invalid status: it is draft or published",
                                      {"key": "status", "source": "query", "param": "status"})
            params["status"] = status
        return params

    def validate_input(self, data: Any, ctx: Any) -> None:
        """400 for a body that is not ``{"data": {...}}`` or names keys a client may not write."""
        if not isinstance(data, Mapping):
            raise ValidationError('Missing "data" payload in the request body', {})
        sanitize.check_input(self.ctype, data)

    def sanitize_input(self, data: Mapping[str, Any], ctx: Any) -> dict[str, Any]:
        """The writable part of ``data``: without the timestamps Strapi ignores in a write."""
        return sanitize.clean_input(data)

    def sanitize_output(self, entity: Any, ctx: Any) -> Any:
        """``entity`` without private and password attributes, at every depth."""
        return sanitize.strip_private(self.app.content_types, self.ctype, entity)

    def transform_response(self, data: Any, meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Strapi's response envelope: ``{"data": ..., "meta": ...}``."""
        return {"data": data, "meta": dict(meta or {})}

    # -- actions ------------------------------------------------------------------

    def find(self, ctx: Any) -> Any:
        self.validate_query(ctx)
        query = self.sanitize_query(ctx)
        if self.ctype.is_single:
            entity = self.service.find(query)
            if entity is None:
                raise NotFoundError()
            return self._respond(ctx, self.transform_response(self.sanitize_output(entity, ctx), {}))
        found = self.service.find(query)
        data = self.sanitize_output(found["results"], ctx)
        return self._respond(ctx, self.transform_response(data, {"pagination": found["pagination"]}))

    def find_one(self, ctx: Any) -> Any:
        self.validate_query(ctx)
        query = self.sanitize_query(ctx)
        entity = self.service.find_one(ctx.params["id"], query)
        if entity is None:
            raise NotFoundError()
        return self._respond(ctx, self.transform_response(self.sanitize_output(entity, ctx), {}))

    def create(self, ctx: Any) -> Any:
        self.validate_query(ctx)
        query = self.sanitize_query(ctx)
        data = self._body_data(ctx)
        entity = self.service.create({**query, "data": data})
        ctx.status = 201
        return self._respond(ctx, self.transform_response(self.sanitize_output(entity, ctx), {}))

    def update(self, ctx: Any) -> Any:
        self.validate_query(ctx)
        query = self.sanitize_query(ctx)
        data = self._body_data(ctx)
        if self.ctype.is_single:
            entity = self.service.create_or_update({**query, "data": data})
        else:
            entity = self.service.update(ctx.params["id"], {**query, "data": data})
        if entity is None:
            raise NotFoundError()
        return self._respond(ctx, self.transform_response(self.sanitize_output(entity, ctx), {}))

    def delete(self, ctx: Any) -> Any:
        self.validate_query(ctx)
        query = self.sanitize_query(ctx)
        if self.ctype.is_single:
            self.service.delete(query)
        else:
            self.service.delete(ctx.params["id"], query)
        ctx.status = 204  # also when it was already gone, as Strapi answers
        return None

    # -- plumbing -----------------------------------------------------------------

    def _body_data(self, ctx: Any) -> dict[str, Any]:
        try:
            body = ctx.request_body
        except UnsupportedMediaTypeError:
            # Strapi answers a body of a type it cannot read as a missing payload.
            raise ValidationError('Missing "data" payload in the request body', {}) from None
        data = body.get("data") if isinstance(body, Mapping) else None
        self.validate_input(data, ctx)
        return self.sanitize_input(data, ctx)

    def _respond(self, ctx: Any, response: dict[str, Any]) -> Any:
        """The response body, in Strapi 4's shape when the client asks for it."""
        wanted = ctx.environ.get("HTTP_STRAPI_RESPONSE_FORMAT")
        if wanted and wanted.strip().lower() == "v4" and isinstance(response, dict):
            response = {**response, "data": sanitize.to_v4(self.app.content_types, self.ctype, response["data"])}
        return response


def etag(ctx: Any) -> Any:
    """Route middleware of the core GET routes: a weak ETag, and 304 for a matching ``If-None-Match``.

    It runs after the action (and any subclass extending it) has built the
    body, so the tag covers exactly the bytes sent; those bytes are then sent
    as they are, without encoding the JSON twice.
    """
    yield
    body = ctx.body
    if ctx._status not in (None, 200) or not isinstance(body, (dict, list)):
        return
    data = dumpb(body)
    # A weak validator need not be cryptographic: two checksums and the length
    # tell versions apart at a fraction of a hash's cost.
    tag = f'W/"{len(data):x}-{zlib.crc32(data):08x}{zlib.adler32(data):08x}"'
    ctx.set("ETag", tag)
    wanted = ctx.environ.get("HTTP_IF_NONE_MATCH")
    if wanted and (wanted.strip() == "*" or tag in [t.strip() for t in wanted.split(",")]):
        ctx.body = None
        ctx.status = 304
        return
    ctx.set_prepared(_JSON_TYPE)
    ctx.body = data


_JSON_TYPE = prepare_headers([("Content-Type", "application/json; charset=utf-8")])


def core_controller(uid: str) -> type[CoreController]:
    """A controller class with Strapi's core actions for ``uid`` (subclass it to extend them)."""
    return type(f"CoreController[{uid}]", (CoreController,), {"uid": uid})


# -- service ---------------------------------------------------------------------------------


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
