"""The upload plugin: Strapi's media library (files, image formats, media fields, a provider seam).

``install(app, config)`` adds, through the seams a project uses:

* the routes of Strapi's upload content API (``routes``), each a plugin
  action (``plugin::upload.content-api.upload``, ``find``, ``findOne``,
  ``findPage``, ``destroy``) granted like any other, and ``/uploads/*`` for
  the local provider;
* the upload service ``plugin::upload.upload`` (``service``): files stored
  through a provider (``providers``), named as Strapi names them
  (``naming``), typed from their bytes (``sniff``), images measured, resized
  and optimized with Pillow (``images``), linked to an entry on upload
  (``links``), ``media.create``/``media.update``/``media.delete`` events;
* the controller (``controller``) answering as Strapi's does.

The file content-type ``plugin::upload.file`` exists in every app (media
attributes point at it); this plugin is what writes its rows. Its ``config``
is ``config/plugins.py``'s ``upload.config`` (``settings``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .providers import LocalProvider, Provider, Stored
from .routes import mount
from .service import SERVICE, Incoming, UploadService
from .settings import UploadSettings

if TYPE_CHECKING:
    from ...app import App

__all__ = ["install", "Provider", "LocalProvider", "Stored", "UploadService", "UploadSettings", "Incoming",
           "SERVICE"]


def install(app: App, config: Mapping[str, Any]) -> None:
    """Add the upload plugin to ``app`` (see the module docstring); a ValueError for bad config."""
    mount(app, UploadSettings.parse(config, app.root))
