"""``app.db.query(uid)``: the query engine's repository of one content-type (Strapi's ``strapi.db.query``).

The low-level API, as Strapi's: it works on *rows*, not documents. A
draft-and-publish document's draft and published version are two rows, each
with its own ``id``; nothing is sanitized (private attributes are read and
written; passwords, which minikoa never reads back, stay out of answers);
no entry events are emitted (those are the document service's). Relations
are written with row ids or documentIds. Reading through them (``where``,
``populate``), each row of a draft-and-publish type sees related documents
in its own version (a draft row their drafts, a published row their
published versions), as Strapi's rows link to rows of their own kind; rows
of other types see published versions, as the document service does. A sort
through a relation of a draft-and-publish type reads the drafts.

Every method takes Strapi's parameters as keywords or as one dict (see
``engine_params``), fires the lifecycle hooks of its action (a before hook
may change the parameters, and the query runs with the change), and runs a
write in one transaction, hooks included:

* ``find_one``, ``find_many`` (``select``, ``where``, ``orderBy``,
  ``offset``, ``limit``, ``populate``), ``find_with_count`` (``[entries,
  count]``), ``count`` (``where``);
* ``create`` (``data``, ``select``, ``populate``) and ``create_many``
  (``data``: a list; ``{"count", "ids"}``);
* ``update`` (``where``, ``data``, ``select``, ``populate``; the first row
  ``where`` matches, or None) and ``update_many`` (``{"count"}``);
* ``delete`` (``where``, ``select``, ``populate``; the deleted row, or
  None) and ``delete_many`` (``{"count"}``).

As in Strapi, ``create``, ``update`` and ``delete`` read their row through
``find_one``, whose hooks fire too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from .documents import new_document_id, now_iso
from .engine_params import QueryError, closest, explain, gather, translate
from .fields import FIELD_TYPES, BadValue
from .language import LOCALIZED_COLUMNS, SYSTEM_COLUMNS, Model
from .query import Query
from .schema import ContentType

if TYPE_CHECKING:
    from .layer import ModelLayer

__all__ = ["Repository", "QueryError"]

_READ = ("select", "where", "order_by", "offset", "limit", "populate")
_ONE = ("select", "populate")
#: System fields a write's ``data`` may set, and the columns they go to (the id is the database's).
_WRITABLE_SYSTEM = {k: v for k, v in SYSTEM_COLUMNS.items() if k != "id"}
_WRITABLE_LOCALIZED = {k: v for k, v in LOCALIZED_COLUMNS.items() if k != "id"}


def _writable_system(model: Model) -> dict[str, str]:
    """The system fields a query-engine write may set (a localized type's ``locale`` too)."""
    return _WRITABLE_LOCALIZED if isinstance(model, ContentType) and model.localized else _WRITABLE_SYSTEM
_DATETIME = FIELD_TYPES["datetime"]
#: Strapi's camelCase name of each parameter, as hooks see them in ``event.params``.
_STRAPI_NAMES = {"order_by": "orderBy"}


class Repository:
    """The query engine's methods for one content-type (see the module docstring)."""

    __slots__ = ("layer", "model", "uid")

    def __init__(self, layer: ModelLayer, model: ContentType) -> None:
        self.layer = layer
        self.model = model
        self.uid = model.uid

    # -- reads --------------------------------------------------------------

    def find_many(self, params: Mapping[str, Any] | None = None, /, **keywords: Any) -> list[dict[str, Any]]:
        """The rows ``where`` matches, ordered, windowed, selected and populated as asked."""
        return self._run("find_many", _READ, params, keywords, self._read)

    def find_one(self, params: Mapping[str, Any] | None = None, /, **keywords: Any) -> dict[str, Any] | None:
        """The first row the parameters give, or None."""
        def first(p: dict[str, Any]) -> dict[str, Any] | None:
            found = self._read({**p, "limit": 1})
            return found[0] if found else None
        return self._run("find_one", _READ, params, keywords, first)

    def count(self, params: Mapping[str, Any] | None = None, /, **keywords: Any) -> int:
        """How many rows ``where`` matches (the other read parameters are taken, and have no effect)."""
        def count(p: dict[str, Any]) -> int:
            return self.layer.engine.count_rows(self.uid, self._query({"where": p.get("where")}))
        return self._run("count", _READ, params, keywords, count)

    def find_with_count(self, params: Mapping[str, Any] | None = None, /,
                        **keywords: Any) -> list[Any]:
        """``[rows, count]``, as Strapi's: ``find_many`` and ``count`` of the same parameters."""
        given = gather("find_with_count", _READ, params, keywords)
        return [self.find_many(given), self.count(given)]

    # -- writes -------------------------------------------------------------

    def create(self, params: Mapping[str, Any] | None = None, /, **keywords: Any) -> dict[str, Any] | None:
        """Insert one row of ``data`` (defaults filled, relations written); the row read back."""
        def create(p: dict[str, Any]) -> dict[str, Any] | None:
            row_id = self._insert(_data(p, "create"))
            return self.find_one(where={"id": row_id}, **_pick(p, _ONE))
        return self._run("create", ("data", *_ONE), params, keywords, create, write=True)

    def create_many(self, params: Mapping[str, Any] | None = None, /, **keywords: Any) -> dict[str, Any]:
        """Insert a row for each item of ``data`` (a list): ``{"count", "ids"}``."""
        def create_many(p: dict[str, Any]) -> dict[str, Any]:
            items = p.get("data")
            if not isinstance(items, (list, tuple)):
                raise QueryError("create_many() takes data as a list of objects", "data")
            if not items:
                raise QueryError("create_many() has nothing to insert: data is empty", "data")
            ids = [self._insert(_object(item, "create_many")) for item in items]
            return {"count": len(ids), "ids": ids}
        return self._run("create_many", ("data",), params, keywords, create_many, write=True)

    def update(self, params: Mapping[str, Any] | None = None, /, **keywords: Any) -> dict[str, Any] | None:
        """Update the first row ``where`` matches with ``data``; the row read back, or None if none matches."""
        def update(p: dict[str, Any]) -> dict[str, Any] | None:
            data = _data(p, "update")
            where = _where(p, "update")
            rows = self._read({"where": where, "select": ["id", "documentId", "publishedAt"], "limit": 1})
            if not rows:
                return None
            self._update(rows[0], data)
            return self.find_one(where={"id": rows[0]["id"]}, **_pick(p, _ONE))
        return self._run("update", ("where", "data", *_ONE), params, keywords, update, write=True)

    def update_many(self, params: Mapping[str, Any] | None = None, /, **keywords: Any) -> dict[str, Any]:
        """Update every row ``where`` matches (all of them without ``where``) with ``data``: ``{"count"}``."""
        def update_many(p: dict[str, Any]) -> dict[str, Any]:
            data = _data(p, "update_many")
            if not data:
                raise QueryError("update_many() needs data to write", "data")
            rows = self._read({"where": p.get("where"), "select": ["id", "documentId", "publishedAt"]})
            for row in rows:
                self._update(row, data)
            return {"count": len(rows)}
        return self._run("update_many", ("where", "data"), params, keywords, update_many, write=True)

    def delete(self, params: Mapping[str, Any] | None = None, /, **keywords: Any) -> dict[str, Any] | None:
        """Delete the first row ``where`` matches: that row (selected and populated as asked), or None."""
        def delete(p: dict[str, Any]) -> dict[str, Any] | None:
            where = _where(p, "delete")
            select = p.get("select")
            if select is not None:
                select = ["id", *([select] if isinstance(select, str) else select)]
            found = self.find_one(where=where, select=select, populate=p.get("populate"))
            if found is not None:
                self._remove([found["id"]])
            return found
        return self._run("delete", ("where", *_ONE), params, keywords, delete, write=True)

    def delete_many(self, params: Mapping[str, Any] | None = None, /, **keywords: Any) -> dict[str, Any]:
        """Delete every row ``where`` matches (all of them without ``where``): ``{"count"}``."""
        def delete_many(p: dict[str, Any]) -> dict[str, Any]:
            rows = self._read({"where": p.get("where"), "select": ["id"]})
            self._remove([row["id"] for row in rows])
            return {"count": len(rows)}
        return self._run("delete_many", ("where",), params, keywords, delete_many, write=True)

    # -- running: parameters, hooks, transaction --------------------------------

    def _run(self, action: str, allowed: tuple[str, ...], params: Mapping[str, Any] | None,
             keywords: Mapping[str, Any], work: Callable[[dict[str, Any]], Any], write: bool = False) -> Any:
        given = gather(action, allowed, params, keywords)
        # A write is one transaction, its hooks included: a hook that raises undoes it.
        with self.layer.db.atomic() if write else nullcontext():
            if not self.layer.lifecycles.has(self.uid, action):
                return work(given)
            return self._hooked(action, allowed, given, work)

    def _hooked(self, action: str, allowed: tuple[str, ...], given: dict[str, Any],
                work: Callable[[dict[str, Any]], Any]) -> Any:
        """Run ``work`` between the hooks, which see Strapi's names (``orderBy``) and may change them."""
        call = self.layer.lifecycles.call(action, self.model, {_STRAPI_NAMES.get(k, k): v for k, v in given.items()})
        assert call is not None, "someone listens"
        changed = gather(action, allowed, call.before(), {})
        return call.after(work(changed))

    def _query(self, p: Mapping[str, Any]) -> Query:
        """The read parameters as a checked Query; unknown names are QueryErrors naming the closest."""
        try:
            return Query.parse(self.layer.schemas, self.uid, translate(p), allow_private=True)
        except ValidationError as error:
            raise explain(error, self.layer.schemas, self.model) from None

    def _read(self, p: Mapping[str, Any]) -> list[dict[str, Any]]:
        query = self._query(p)
        rows = self.layer.engine.rows(self.uid, query, limit=_count(p, "limit"), offset=_count(p, "offset") or 0,
                                      status=self._related_status)
        if query.fields is None:
            return rows
        # Strapi's select returns the columns selected (and what is populated, with its key: the id).
        keep = {*query.fields, *query.populate, *(("id",) if query.populate else ())}
        return [{k: v for k, v in row.items() if k in keep} for row in rows]

    @property
    def _related_status(self) -> str:
        return "draft" if self.model.draft_and_publish else "published"

    # -- row writes -----------------------------------------------------------

    def _validate(self, data: Mapping[str, Any], partial: bool) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(attribute values, system columns)`` of a write's ``data``: checked and converted as the
        document service does, but never ``required`` (Strapi's query engine does not ask)."""
        system: dict[str, Any] = {}
        writable = _writable_system(self.model)
        for key, column in writable.items():
            if key in data:
                system[column] = _system_value(key, data[key])
        values = {k: v for k, v in data.items() if k not in writable}
        try:
            checked = self.layer.validate(self.model, values, partial=partial, draft=True)
        except ValidationError as error:
            raise self._unknown_key(error) from None
        return checked, system

    def _unknown_key(self, error: ValidationError) -> Exception:
        """A validation error that names an unknown attribute of data (of the type, or of a component in
        it), as a QueryError naming the closest; any other is itself."""
        errors = error.details.get("errors") if isinstance(error.details, Mapping) else None
        for item in errors or ():
            path = item.get("path") or []
            if not path or not str(item.get("message", "")).startswith("Invalid key"):
                continue
            model = self._data_model(path[:-1])
            if model is None:
                continue
            key = str(path[-1])
            extra = _writable_system(self.model) if model is self.model else ("id",)
            near = closest(key, [*model.attributes, *extra])
            hint = f"; did you mean {near!r}?" if near else ""
            at = "" if len(path) == 1 else f" at {'.'.join(str(p) for p in path)}"
            return QueryError(f"unknown attribute {key!r} of {model.uid} in data{at}{hint}", key, near)
        return error

    def _data_model(self, path: list[Any]) -> Model | None:
        """The type or component a path into data leads to (through components only), or None."""
        current: Model = self.model
        for segment in path:
            if isinstance(segment, int):
                continue  # an item of a repeatable component
            attr = current.attributes.get(segment)
            if attr is None or attr.type != "component":
                return None
            current = self.layer.schemas.component(attr)
        return current

    def _insert(self, data: Mapping[str, Any]) -> int:
        values, system = self._validate(data, partial=False)
        documents = self.layer.documents(self.uid)
        document_id = system.pop("document_id", None) or new_document_id()
        if "published_at" not in system:
            # A type without draft & publish has published rows only (as its documents are read);
            # with it, a new row is a draft unless data says otherwise.
            system["published_at"] = None if self.model.draft_and_publish else now_iso()
        row_id = documents.insert_row(document_id, values, published=False, system=system)
        documents.write_links(row_id, document_id, values, draft=system["published_at"] is None)
        return row_id

    def _update(self, row: Mapping[str, Any], data: Mapping[str, Any]) -> None:
        values, system = self._validate(data, partial=True)
        documents = self.layer.documents(self.uid)
        documents.update_row(row["id"], values, system)
        document_id = system.get("document_id", row["documentId"])
        published = system["published_at"] if "published_at" in system else row["publishedAt"]
        documents.write_links(row["id"], document_id, values, draft=published is None)

    def _remove(self, ids: list[int]) -> None:
        """Delete rows (their own links go with them), and the links to documents left with no row."""
        if not ids:
            return
        db, d = self.layer.db, self.layer.db.dialect
        table = d.quote(self.model.table)
        for start in range(0, len(ids), d.max_params):
            chunk = ids[start:start + d.max_params]
            marks = d.params(len(chunk))
            documents = [r[0] for r in db.query(f"SELECT DISTINCT document_id FROM {table} WHERE id IN ({marks})",
                                                chunk)]
            db.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk)
            for document_id in documents:
                if db.scalar(f"SELECT 1 FROM {table} WHERE document_id = {d.param} LIMIT 1", [document_id]) is None:
                    self.layer.relations.forget_target(self.model, document_id)


# -- small helpers -------------------------------------------------------------------

def _pick(p: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: p[name] for name in names if p.get(name) is not None}


def _object(data: Any, method: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise QueryError(f"{method}() takes data as an object, not {type(data).__name__}", "data")
    return data


def _data(p: Mapping[str, Any], method: str) -> Mapping[str, Any]:
    return _object(p.get("data"), method)


def _where(p: Mapping[str, Any], method: str) -> Any:
    where = p.get("where")
    if not where:  # Strapi's rule: one row is meant, so the row must be named
        raise QueryError(f"{method}() needs a where parameter", "where")
    return where


def _count(p: Mapping[str, Any], name: str) -> int | None:
    """``offset`` or ``limit``: None, or a whole number of rows (0 and up)."""
    value = p.get(name)
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise QueryError(f"{name} must be a whole number of rows (0 or more), not {value!r}", name)
    return value


def _system_value(key: str, value: Any) -> Any:
    """A system field's value for its column: documentId a non-empty string, timestamps instants."""
    if key in ("documentId", "locale"):
        if not isinstance(value, str) or not value:
            raise QueryError(f"{key} must be a non-empty string, not {value!r}", key)
        return value
    if value is None:
        if key == "publishedAt":
            return None
        raise QueryError(f"{key} cannot be null", key)
    try:
        return _DATETIME.cast(value)
    except BadValue:
        raise QueryError(f"{key} must be a date and time, not {value!r}", key) from None
