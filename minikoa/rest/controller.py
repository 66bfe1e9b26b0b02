"""``core_controller(uid)``: Strapi's core REST actions for a content-type.

Use it as it is or extend it by subclassing and ``super()``, as Strapi's
``factories.createCoreController`` does::

    class ArticleController(core_controller("api::article.article")):
        def find(self, ctx):
            result = super().find(ctx)
            result["meta"]["note"] = "extended"
            return result

The controller speaks HTTP (query checks, the ``{"data": ...}`` body,
statuses, sanitizing, the v4 shape); the service speaks documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..content.query import Query
from ..errors import NotFoundError, UnsupportedMediaTypeError, ValidationError
from ..http.context import Context
from ..project.registry import Controller
from . import sanitize

__all__ = ["CoreController", "core_controller"]

#: Where a request's parsed query is kept, in ``ctx.state``.
_QUERY = "minikoa.rest.query"


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

    def validate_query(self, ctx: Context) -> None:
        """400 for any unknown or private key in the query, or one that reaches too far, before any
        SQL runs (Strapi's ``validateQuery``)."""
        self._query(ctx, strict=True)

    def sanitize_query(self, ctx: Context) -> Query:
        """The query the API reads (``filters``, ``sort``, ``fields``, ``populate``, ``pagination``,
        ``status``), parsed and checked: the object the service, the document service and the
        query engine take as it is. It reads as a mapping of those keys, as Strapi's does.

        As Strapi's ``sanitizeQuery``, whatever names a private attribute is
        left out rather than refused, so a custom action that skips
        ``validate_query`` still cannot filter, sort or populate through one.
        """
        return self._query(ctx, strict=False)

    def _query(self, ctx: Context, strict: bool) -> Query:
        """``ctx.query`` parsed once per request, however many of the helpers above run: a query
        that passed the strict check has nothing to leave out, so sanitizing reuses it."""
        raw = ctx.query
        schemas, limits = self.app.content_types, self.app.rest_limits
        if not raw:  # no query string: the empty query, made once per type
            return Query.empty(schemas, self.uid, public=True, limits=limits)
        state = ctx.state
        found = state.get(_QUERY)
        if found is not None and found[0] is raw and found[2].uid == self.uid and (found[1] or not strict):
            return found[2]
        query = sanitize.check_query(schemas, self.uid, raw if strict else sanitize.strip_query(
            schemas, self.uid, raw), limits)
        state[_QUERY] = (raw, strict, query)
        return query

    def validate_input(self, data: Any, ctx: Context) -> None:
        """400 for a body that is not ``{"data": {...}}`` or names keys a client may not write."""
        if not isinstance(data, Mapping):
            raise ValidationError('Missing "data" payload in the request body', {})
        sanitize.check_input(self.ctype, data, self.app.content_types)

    def sanitize_input(self, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
        """The writable part of ``data``: without the timestamps Strapi ignores in a write."""
        return sanitize.clean_input(data)

    def sanitize_output(self, entity: Any, ctx: Context) -> Any:
        """``entity`` without private and password attributes, at every depth."""
        return sanitize.strip_private(self.app.content_types, self.ctype, entity)

    def transform_response(self, data: Any, meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Strapi's response envelope: ``{"data": ..., "meta": ...}``."""
        return {"data": data, "meta": dict(meta or {})}

    # -- actions ------------------------------------------------------------------

    def find(self, ctx: Context) -> Any:
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

    def find_one(self, ctx: Context) -> Any:
        self.validate_query(ctx)
        query = self.sanitize_query(ctx)
        entity = self.service.find_one(ctx.params["id"], query)
        if entity is None:
            raise NotFoundError()
        return self._respond(ctx, self.transform_response(self.sanitize_output(entity, ctx), {}))

    def create(self, ctx: Context) -> Any:
        self.validate_query(ctx)
        query = self.sanitize_query(ctx)
        data = self._body_data(ctx)
        entity = self.service.create(query.with_data(data))
        ctx.status = 201
        return self._respond(ctx, self.transform_response(self.sanitize_output(entity, ctx), {}))

    def update(self, ctx: Context) -> Any:
        self.validate_query(ctx)
        query = self.sanitize_query(ctx)
        data = self._body_data(ctx)
        if self.ctype.is_single:
            entity = self.service.create_or_update(query.with_data(data))
        else:
            entity = self.service.update(ctx.params["id"], query.with_data(data))
        if entity is None:
            raise NotFoundError()
        return self._respond(ctx, self.transform_response(self.sanitize_output(entity, ctx), {}))

    def delete(self, ctx: Context) -> Any:
        self.validate_query(ctx)
        query = self.sanitize_query(ctx)
        if self.ctype.is_single:
            self.service.delete(query)
        else:
            self.service.delete(ctx.params["id"], query)
        ctx.status = 204  # also when it was already gone, as Strapi answers
        return None

    # -- plumbing -----------------------------------------------------------------

    def _body_data(self, ctx: Context) -> dict[str, Any]:
        try:
            body = ctx.request_body
        except UnsupportedMediaTypeError:
            # Strapi answers a body of a type it cannot read as a missing payload.
            raise ValidationError('Missing "data" payload in the request body', {}) from None
        data = body.get("data") if isinstance(body, Mapping) else None
        self.validate_input(data, ctx)
        assert isinstance(data, Mapping)  # validate_input refuses anything else
        return self.sanitize_input(data, ctx)

    def _respond(self, ctx: Context, response: dict[str, Any]) -> Any:
        """The response body, in Strapi 4's shape when the client asks for it."""
        wanted = ctx.environ.get("HTTP_STRAPI_RESPONSE_FORMAT")
        if wanted and wanted.strip().lower() == "v4" and isinstance(response, dict):
            response = {**response, "data": sanitize.to_v4(self.app.content_types, self.ctype, response["data"])}
        return response


def core_controller(uid: str) -> type[CoreController]:
    """A controller class with Strapi's core actions for ``uid`` (subclass it to extend them)."""
    return type(f"CoreController[{uid}]", (CoreController,), {"uid": uid})
