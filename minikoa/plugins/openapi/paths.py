"""The ``paths`` of the OpenAPI document: one operation per route, from what the app knows of it.

A route whose action is a core action of a content-type (``find``,
``findOne``, ``create``, ``update``, ``delete`` of ``api::article.article``)
is documented fully: Strapi's query parameters in their deepObject form
(``filters``, ``sort``, ``fields``, ``populate``, ``pagination``, ``status``
where the type has drafts), the request body ``{"data": ...}`` and the answer
(``{"data": [...], "meta": {"pagination": ...}}`` for a list). Any other route
gets its path parameters, a JSON body and answer of any shape, and what its
``config`` says (``summary``, ``description``, ``tags``, ``deprecated``).

Security follows the route's authentication: a route users-permissions
checks takes a Bearer token (a user's JWT or an API token) or none (the
public role), and may answer 401 and 403; a route with ``auth: False`` says
``security: []``. Every operation documents Strapi's error shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ...content.privacy import nameable, system_nameable
from ...content.schema import ContentType
from ...routing import parse_pattern
from .schemas import PAGINATION, Names, required_on_create

if TYPE_CHECKING:
    from ...app import App, Route

__all__ = ["operations", "SECURITY_SCHEMES"]

JSONSchema = dict[str, Any]
_CORE = ("find", "findOne", "create", "update", "delete")
SECURITY_SCHEMES: JSONSchema = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "A user's JWT (POST /api/auth/local) or an API token."},
}
_ERROR_TEXT = {400: "Bad request: invalid query or body", 401: "Missing or invalid credentials",
               403: "Forbidden", 404: "Not found", 405: "Method not allowed", 413: "Payload too large",
               415: "Unsupported media type", 429: "Too many requests", 500: "Internal server error"}
_ANY_JSON: JSONSchema = {"application/json": {"schema": {}}}


def _error(status: int) -> JSONSchema:
    return {"description": _ERROR_TEXT[status],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _query(name: str, schema: JSONSchema, description: str, deep: bool = False) -> JSONSchema:
    param: JSONSchema = {"name": name, "in": "query", "required": False, "schema": schema,
                         "description": description}
    if deep:
        param.update(style="deepObject", explode=True)
    return param


def _path(route: Route) -> tuple[str, list[JSONSchema]]:
    """The OpenAPI path (``/api/articles/{id}``) and its path parameters."""
    parts, params = [], []
    for kind, name, regex in parse_pattern(route.path):
        if kind == "static":
            parts.append(name)
            continue
        parts.append("{" + name + "}")
        schema: JSONSchema = {"type": "string"}
        if regex:
            schema["pattern"] = f"^(?:{regex})$"
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return "/" + "/".join(parts), params


def _read_params(model: ContentType, many: bool) -> list[JSONSchema]:
    scalars = [a.name for a in model if a.is_scalar and nameable(a, public=True)]
    scalars += [k for k in ("id", "documentId", "createdAt", "updatedAt", "publishedAt")
                if k in ("id", "documentId") or system_nameable(model, k, public=True)]
    field_name: JSONSchema = {"type": "string", "enum": scalars}
    params = [
        _query("fields", {"anyOf": [field_name, {"type": "array", "items": field_name}]},
               "The attributes to answer (fields[0]=title)", deep=True),
        _query("populate", {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}},
                                      {"type": "object"}]},
               "Relations, media and components to include (populate=*, populate[author]=true)", deep=True),
    ]
    if many:
        params = [
            _query("filters", {"type": "object"}, "Strapi's filters (filters[title][$eq]=Hello)", deep=True),
            _query("sort", {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                   "Sort by attributes (sort=title:asc)", deep=True),
            *params,
            _query("pagination", {"type": "object", "properties": {
                "page": {"type": "integer", "minimum": 1}, "pageSize": {"type": "integer", "minimum": 1},
                "start": {"type": "integer", "minimum": 0}, "limit": {"type": "integer"},
                "withCount": {"type": "boolean"}}}, "By page (page, pageSize) or offset (start, limit)",
                deep=True),
        ]
    if model.draft_and_publish:
        params.append(_query("status", {"type": "string", "enum": ["draft", "published"]},
                             "Which version: published (the default) or draft"))
    return params


def _core(route: Route, model: ContentType, action: str, names: Names) -> JSONSchema:
    entry = names.entry(model.uid)
    single = model.is_single
    one = {"type": "object", "required": ["data"], "properties": {"data": entry, "meta": {"type": "object"}}}
    operation: JSONSchema = {}
    if action == "find" and not single:
        operation["parameters"] = _read_params(model, many=True)
        operation["responses"] = {"200": {"description": f"A page of {model.plural_name}", "content": {
            "application/json": {"schema": {"type": "object", "required": ["data", "meta"], "properties": {
                "data": {"type": "array", "items": entry},
                "meta": {"type": "object", "properties": {"pagination": PAGINATION}}}}}}}}
    elif action in ("find", "findOne"):
        operation["parameters"] = _read_params(model, many=False)
        operation["responses"] = {"200": {"description": f"One {model.singular_name}",
                                          "content": {"application/json": {"schema": one}}},
                                  "404": _error(404)}
    elif action in ("create", "update"):
        data: JSONSchema = names.input(model.uid)
        required = required_on_create(model)
        if action == "create" and required:
            data = {"allOf": [data], "required": required}
        operation["parameters"] = _read_params(model, many=False)
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["data"], "properties": {"data": data}}}}}
        status = "201" if action == "create" and not single else "200"
        operation["responses"] = {status: {"description": f"The {model.singular_name} written",
                                           "content": {"application/json": {"schema": one}}}}
        if action == "update":
            operation["responses"]["404"] = _error(404)
    else:  # delete
        operation["responses"] = {"204": {"description": "Deleted"}, "404": _error(404)}
    return operation


def _custom(route: Route) -> JSONSchema:
    # A handler may answer anything: what it means is its own; a refusal has Strapi's error shape.
    operation: JSONSchema = {"responses": {
        "2XX": {"description": "The handler's answer", "content": _ANY_JSON},
        "4XX": {"description": "A refusal",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
    if route.method in ("POST", "PUT", "PATCH"):
        operation["requestBody"] = {"required": False, "content": _ANY_JSON}
    return operation


def _operation(app: App, route: Route, names: Names) -> tuple[str, JSONSchema]:
    path, path_params = _path(route)
    model, action = None, None
    if route.action is not None:
        uid, _, action = route.action.rpartition(".")
        found = app.content_types.types.get(uid)
        if isinstance(found, ContentType) and action in _CORE:
            model = found
    operation = _core(route, model, action or "", names) if model is not None else _custom(route)
    operation["operationId"] = f"{route.method.lower()} {route.path}"
    config = route.config
    tags = config.get("tags") or ([route.info.get("apiName") or route.info.get("pluginName")]
                                  if route.info.get("apiName") or route.info.get("pluginName") else [])
    if tags:
        operation["tags"] = list(tags)
    for key in ("summary", "description", "deprecated"):
        if key in config:
            operation[key] = config[key]
    if route.action is not None and "summary" not in operation:
        operation["summary"] = route.action
    if path_params:
        operation["parameters"] = [*path_params, *operation.get("parameters", [])]
    responses = operation["responses"]
    needs = app.auth.actions_of(route) if app.auth is not None else None
    if app.auth is not None and needs is None and route.config.get("auth") is False:
        operation["security"] = []
    elif needs is not None:
        operation["security"] = [{}, {"bearerAuth": []}]
        responses.setdefault("401", _error(401))
        responses.setdefault("403", _error(403))
        if needs:
            operation["x-actions"] = list(needs)
    if "requestBody" in operation or "parameters" in operation:
        responses.setdefault("400", _error(400))
    responses.setdefault("500", _error(500))
    return path, operation


def operations(app: App, routes: Iterable[Route], names: Names) -> dict[str, dict[str, JSONSchema]]:
    """``{path: {method: operation}}`` for ``routes``."""
    paths: dict[str, dict[str, JSONSchema]] = {}
    for route in routes:
        path, operation = _operation(app, route, names)
        paths.setdefault(path, {})[route.method.lower()] = operation
    return paths
