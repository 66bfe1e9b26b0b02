"""OpenAPI 3.1: the document of an app's API, built from its routes and content-type schemas.

``document(app)`` builds it (``app.openapi()`` calls it); ``mount(app)``
serves it at ``GET /openapi.json`` (``config/openapi.py``'s ``path``;
``False`` turns it off), built once on the first request after the app is
built, as the routes and schemas cannot change from then on. A project
serves it; an app built in code calls ``mount`` to.

``config/openapi.py`` keys: ``path`` (``"/openapi.json"``), ``info``
(``title``, ``version``, ``description``: the document's ``info``),
``servers`` (a list of ``{"url": ...}``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from importlib import metadata
from typing import TYPE_CHECKING, Any

from ...http.context import Context
from .paths import SECURITY_SCHEMES, operations
from .schemas import ERROR, Names, model_schemas

if TYPE_CHECKING:
    from ...app import App

__all__ = ["document", "mount", "KEYS", "DEFAULT_PATH"]

KEYS = ("path", "info", "servers")
DEFAULT_PATH = "/openapi.json"
_NAME = "plugin::openapi.document"


def _settings(app: App) -> dict[str, Any]:
    config = app.config.get("openapi") or {}
    if not isinstance(config, Mapping):
        raise ValueError("config/openapi.py: the config is a dict")
    for key in config:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (keys: {', '.join(KEYS)})"
            raise ValueError(f"config/openapi.py: unknown key {key!r}{hint}")
    path = config.get("path", DEFAULT_PATH)
    if path is not False and (not isinstance(path, str) or not path.startswith("/")):
        raise ValueError(f"config/openapi.py: path is a path starting with '/', or False; not {path!r}")
    info = config.get("info") or {}
    if not isinstance(info, Mapping) or not set(info) <= {"title", "version", "description"}:
        raise ValueError("config/openapi.py: info takes title, version and description")
    servers = config.get("servers") or []
    if not isinstance(servers, list) or not all(isinstance(s, Mapping) and "url" in s for s in servers):
        raise ValueError("config/openapi.py: servers is a list of {'url': ...}")
    return {"path": path, "info": dict(info), "servers": list(servers)}


def _version() -> str:
    try:
        return metadata.version("minikoa")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        return "0.0.0"


def document(app: App) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app`` (build the app first: its routes and schemas are final then)."""
    settings = _settings(app)
    names = Names()
    title = settings["info"].get("title") or (app.root.name if app.root is not None else "minikoa app")
    info = {"title": title, "version": settings["info"].get("version") or _version()}
    if "description" in settings["info"]:
        info["description"] = settings["info"]["description"]
    routes = [r for r in app.routes if r.name != _NAME]
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": info,
        "paths": operations(app, routes, names),
        "components": {
            "schemas": {**model_schemas(app.content_types, names), "Error": ERROR},
            "securitySchemes": dict(SECURITY_SCHEMES),
        },
    }
    if settings["servers"]:
        doc["servers"] = settings["servers"]
    return doc


def mount(app: App) -> None:
    """Serve the document at ``config/openapi.py``'s ``path`` (nothing when it is False)."""
    path = _settings(app)["path"]
    if path is False:
        return
    built: list[dict[str, Any]] = []

    def openapi(ctx: Context) -> Any:
        if not built:
            built.append(document(app))
        return built[0]

    app.route("GET", path, openapi, name=_NAME, config={"auth": False}, source="<minikoa: openapi>")
