"""minikoa: Strapi's back-end customization model as a small, fast Python WSGI framework."""

from .app import App, Route
from .content.engine_params import QueryError
from .errors import (
    ApplicationError,
    ForbiddenError,
    HttpError,
    MethodNotAllowedError,
    NotFoundError,
    PaginationError,
    PayloadTooLargeError,
    PolicyError,
    RateLimitError,
    UnauthorizedError,
    UnsupportedMediaTypeError,
    ValidationError,
)
from .http.context import Context, State
from .project.loader import LoadError
from .project.registry import Controller, Service
from .rest import core_controller, core_router, core_service
from .routing.router import RouteError, Router

__version__ = "0.1.0"

__all__ = [
    "App", "Route", "Context", "State", "Router", "RouteError", "Controller", "Service", "LoadError",
    "core_router", "core_controller", "core_service",
    "HttpError", "ApplicationError", "ValidationError", "PaginationError",
    "UnauthorizedError", "ForbiddenError", "PolicyError", "NotFoundError",
    "MethodNotAllowedError", "PayloadTooLargeError", "UnsupportedMediaTypeError",
    "RateLimitError", "QueryError",
]
