"""The upload plugin's routes: Strapi's content API for files, and ``/uploads`` for the local provider.

Every content API route's handler is a plugin action a role is granted
(``plugin::upload.content-api.upload``); none is granted by default, as in
Strapi.

=======  ========================  ==========================================
POST     /upload                   plugin::upload.content-api.upload
GET      /upload/files             plugin::upload.content-api.find
GET      /upload/files/page        plugin::upload.content-api.findPage
GET      /upload/files/:id         plugin::upload.content-api.findOne
DELETE   /upload/files/:id         plugin::upload.content-api.destroy
=======  ========================  ==========================================

Paths get the content API prefix (``/api``). With the local provider,
``GET``/``HEAD /uploads/<key>`` serves the stored files as Strapi's local
provider does (koa-static: ``Cache-Control: max-age`` from
``providerOptions.localServer.maxage``, ranges, ``Last-Modified``; a missing
file is the JSON 404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import NotFoundError
from ...http.context import Context
from ...middlewares.public import StaticFiles
from .controller import CONTROLLER, UploadController
from .providers import LocalProvider
from .service import SERVICE, UploadService
from .settings import UploadSettings

if TYPE_CHECKING:
    from ...app import App

__all__ = ["ROUTES", "mount"]

_SOURCE = "<minikoa: upload>"


def _route(method: str, path: str, action: str) -> dict[str, Any]:
    return {"method": method, "path": path, "handler": f"{CONTROLLER}.{action}", "config": {}}


ROUTES = [
    _route("POST", "/upload", "upload"),
    _route("GET", "/upload/files", "find"),
    _route("GET", "/upload/files/page", "findPage"),
    _route("GET", "/upload/files/:id", "findOne"),
    _route("DELETE", "/upload/files/:id", "destroy"),
]


def _static(provider: LocalProvider, max_age_ms: int) -> Any:
    """The ``/uploads/*path`` handler: the provider's folder, opened on first use (it may not exist yet)."""
    held: list[StaticFiles] = []

    def uploads(ctx: Context) -> Any:
        if not held:
            if not provider.folder.is_dir():
                raise NotFoundError()
            held.append(StaticFiles(provider.folder, max_age_ms=max_age_ms))
        files = held[0]
        found = files.find(ctx.params.get("path", ""))
        if found is None or not files.serve(ctx, *found):
            raise NotFoundError()
        return None

    return uploads


def mount(app: App, settings: UploadSettings) -> None:
    """Register the plugin's service and controller, mount ``ROUTES``, and serve ``/uploads`` if local."""
    app.services.register(SERVICE, type("UploadService", (UploadService,), {"settings": settings}), source=_SOURCE)
    app.controllers.register(CONTROLLER, UploadController, source=_SOURCE)
    app.mount(ROUTES, source=_SOURCE)
    provider = settings.provider
    if isinstance(provider, LocalProvider):
        app.route(["GET", "HEAD"], f"{provider.url_prefix}/*path", _static(provider, settings.max_age_ms),
                  name="plugin::upload.static", config={"auth": False}, source=_SOURCE)
