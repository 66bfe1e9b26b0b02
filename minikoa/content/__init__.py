"""Content: Strapi's model layer. Schemas, documents, queries, relations, validation, events.

It reads and writes through ``minikoa.db`` and knows nothing of HTTP: the
REST layer and webhooks are built on it.

* ``schema``: content-types and components from ``schema.json``;
  ``fields``: one object per attribute type (storage, casts, validation,
  JSON Schema), and custom fields;
* ``documents``: ``app.documents(uid)``, the one way code reads and writes
  content; ``layer``: ``app.db``, which wires the pieces together;
* ``query``: a read's parameters parsed and checked once (``Query``), with
  ``language`` (operators, system fields), ``checker`` (Strapi's ``Invalid
  key`` errors), ``selection`` (``fields`` and ``populate``) and
  ``pagination``;
* ``engine``: the query engine, with ``filters`` (WHERE and ORDER BY) and
  ``populate`` (rows into entries, related data added); ``repository``:
  ``app.db.query(uid)``, Strapi's ``strapi.db.query`` over it, whose
  parameters ``engine_params`` names, checks and translates;
* ``relations``: link-table writes; ``validation``: Strapi's body checks;
  ``privacy``: what a reader may name and see; ``tables``: the tables
  content needs; ``lifecycles`` and ``events``: hooks and entry events.
"""

from .documents import DocumentService
from .engine_params import QueryError
from .events import Events
from .fields import FIELD_TYPES, FieldType
from .layer import ModelLayer
from .lifecycles import Event, Lifecycles
from .query import Query
from .repository import Repository
from .schema import Attribute, Component, ContentType, SchemaError, Schemas

__all__ = [
    "Schemas", "ContentType", "Component", "Attribute", "SchemaError", "FieldType", "FIELD_TYPES",
    "DocumentService", "ModelLayer", "Query", "Events", "Event", "Lifecycles", "Repository", "QueryError",
]
