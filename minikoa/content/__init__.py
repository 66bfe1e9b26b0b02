"""Content: schemas, documents, the query engine, relations, validation, lifecycles, events.

Strapi's model layer in Python. It reads and writes through ``minikoa.db``
and knows nothing of HTTP: the REST layer and webhooks are built on it.
"""

from .documents import DocumentService
from .events import Events
from .layer import ModelLayer
from .lifecycles import Event, Lifecycles
from .schema import Attribute, Component, ContentType, SchemaError, Schemas

__all__ = [
    "Schemas", "ContentType", "Component", "Attribute", "SchemaError",
    "DocumentService", "ModelLayer", "Events", "Event", "Lifecycles",
]
