"""Strapi's REST layer: core routers, controllers and services, and what may go in and out.

``router`` makes a content-type's REST routes, ``controller`` its actions
(HTTP: the query, the ``{"data": ...}`` body, statuses, sanitizing),
``service`` its document operations with the REST defaults, ``sanitize``
what a client may send and see, ``etag`` the GET routes' validators.
"""

from .controller import CoreController, core_controller
from .router import CoreRouter, core_router
from .service import CoreService, core_service

__all__ = ["core_router", "core_controller", "core_service", "CoreRouter", "CoreController", "CoreService"]
