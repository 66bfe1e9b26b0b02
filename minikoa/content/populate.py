"""Entries and populate: rows decoded into Strapi 5's flat entries, then related data added.

An entry is ``{"id", "documentId", <attributes in schema order>,
"createdAt", "updatedAt", "publishedAt"}``; relations, media, components and
dynamic zones appear only when populated, after the timestamps, in the order
the populate parameter names them (schema order for ``*``).

``Plan`` turns rows into entries with one ``zip`` and a short list of
decoders, computed once per model and field selection. ``Populator`` adds
populated attributes a level at a time with a fixed number of queries per
populated attribute, whatever the number of entries: one batched
``IN (...)`` query over the link table per relation or media attribute (more
only past the dialect's parameter limit), and one query over the files
table per media attribute found inside components. Components and dynamic
zones live in the row's JSON and need no query.

Parsing the populate and fields parameters (with their ``Invalid key``
checks) is here too, since it decides what a plan selects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from .checker import Checker
from .fields import Decoder, decode_json
from .filters import Compiler, Scope, status_sql
from .privacy import shown, system_nameable
from .schema import FILE_UID, Attribute, Component, ContentType
from .selection import Spec

if TYPE_CHECKING:
    from .engine import QueryEngine

__all__ = ["Plan", "Populator", "component_fields"]

_TIMESTAMPS = (("createdAt", "created_at"), ("updatedAt", "updated_at"), ("publishedAt", "published_at"))
#: A localized type's entries have ``locale`` right after them, as Strapi's do.
_LOCALIZED = (*_TIMESTAMPS, ("locale", "locale"))


# -- decoding rows ------------------------------------------------------------------

class Plan:
    """How the rows of one model, for one field selection and populate, become entries.

    ``columns`` are selected in order; the first ``len(keys)`` are the
    entry's fields, the rest hold the JSON of populated components and
    dynamic zones. ``slots`` put the populated attributes in place (in
    populate order) so that their keys come after the timestamps.
    ``decode_rows`` is generated once per plan: one list comprehension
    over a dict display, the fastest way Python builds the dicts.
    """

    __slots__ = ("model", "columns", "keys", "decode_rows", "_selects")

    def __init__(self, model: ContentType, fields: tuple[str, ...] | None, populated: tuple[str, ...],
                 public: bool = False) -> None:
        self.model = model
        wanted = None if fields is None else set(fields)
        self.keys = ["id", "documentId"]
        self.columns = ["id", "document_id"]
        decoders: dict[int, Decoder] = {}
        for attr in model:
            if attr.is_scalar and shown(attr, public) and (wanted is None or attr.name in wanted):
                decoder = attr.field.from_db  # column value -> API value, where they differ
                if decoder is not None:
                    decoders[len(self.keys)] = decoder
                self.keys.append(attr.name)
                self.columns.append(attr.column or attr.name)
        for key, column in (_LOCALIZED if model.localized else _TIMESTAMPS):
            if (wanted is None or key in wanted) and system_nameable(model, key, public):
                self.keys.append(key)
                self.columns.append(column)
        slots: list[tuple[str, int | None]] = []
        for name in populated:
            attr = model.attributes[name]
            if attr.column is not None:  # components and dynamic zones: their JSON
                self.columns.append(attr.column)
                slots.append((name, len(self.columns) - 1))
            else:
                slots.append((name, None))
        self.decode_rows: Callable[[list[tuple[Any, ...]]], list[dict[str, Any]]] = \
            _row_decoder(self.keys, decoders, slots)
        self._selects: dict[str, str] = {}

    def select(self, alias: str, quote: Callable[[str], str]) -> str:
        """The select list, qualified with ``alias``."""
        sql = self._selects.get(alias)
        if sql is None:
            sql = self._selects[alias] = ", ".join(f"{alias}.{quote(c)}" for c in self.columns)
        return sql

    def decode(self, row: tuple[Any, ...]) -> dict[str, Any]:
        return self.decode_rows([row])[0]


def _row_decoder(keys: list[str], decoders: dict[int, Decoder],
                 slots: list[tuple[str, int | None]]) -> Callable[[list[tuple[Any, ...]]], list[dict[str, Any]]]:
    """``rows -> entries`` as generated code; keys are schema names, written with ``repr``."""
    namespace: dict[str, Any] = {}
    items = []
    for index, key in enumerate(keys):
        decoder = decoders.get(index)
        if decoder is None:
            items.append(f"{key!r}: r[{index}]")
        else:
            namespace[f"_d{index}"] = decoder
            items.append(f"{key!r}: None if r[{index}] is None else _d{index}(r[{index}])")
    items += [f"{name!r}: {'None' if index is None else f'r[{index}]'}" for name, index in slots]
    source = "def decode_rows(rows):\n    return [{" + ", ".join(items) + "} for r in rows]\n"
    exec(source, namespace)  # generated from schema names and fixed templates only
    return namespace["decode_rows"]


def component_fields(component: Component, fields: tuple[str, ...] | None,
                     public: bool = False) -> list[tuple[str, Any]]:
    """``(name, decoder or None)`` of the scalar attributes a populated component returns."""
    wanted = None if fields is None else set(fields)
    return [(a.name, a.field.from_json) for a in component
            if a.is_scalar and shown(a, public) and (wanted is None or a.name in wanted)]


# -- populating -------------------------------------------------------------------

def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _file_ids(value: Any) -> list[int]:
    """File ids stored in a component: an id, ``{"id": n}``, or a list of them."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    ids = []
    for item in items:
        if isinstance(item, Mapping):
            item = item.get("id")
        if isinstance(item, int) and not isinstance(item, bool):
            ids.append(item)
    return ids


class Populator:
    """Adds populated attributes to the entries of one query, level by level.

    ``budget`` bounds the populated entries of the whole answer (the
    query's ``limits.populated``): each statement reads at most one row
    past what is left, and going past it is a 400, so a small request can
    never make a huge answer.
    """

    def __init__(self, engine: QueryEngine, status: str | None, public: bool = False,
                 budget: int | None = None) -> None:
        self.engine = engine
        self.schemas = engine.schemas
        self.db = engine.db
        self.d = engine.dialect
        self.status = status
        #: leave private attributes out of every level (REST reads)
        self.public = public
        self.budget = budget
        self.left = budget

    def _window(self) -> tuple[str, list[int]]:
        """`` LIMIT`` one row past what the budget has left (nothing without a budget)."""
        if self.left is None:
            return "", []
        return self.d.limit_offset(self.left + 1, 0)

    def _spend(self, count: int) -> None:
        if self.left is None:
            return
        self.left -= count
        if self.left < 0:
            raise ValidationError(f"Too many populated entries: an answer holds at most {self.budget}; "
                                  "populate less, or ask for fewer entries per page",
                                  {"source": "query", "param": "populate", "limit": self.budget})

    def populate(self, model: ContentType, entries: list[dict[str, Any]], specs: Mapping[str, Spec]) -> None:
        """Fill ``entries`` (of ``model``) with what ``specs`` asks for."""
        if not entries or not specs:
            return
        pending: dict[int, tuple[Spec, list[tuple[dict[str, Any], str, list[int], bool]]]] = {}
        for name, spec in specs.items():
            attr = spec.attribute
            if attr.is_linked:
                self._linked(entries, spec)
            else:
                for entry in entries:
                    entry[name] = self._component_value(attr, spec, entry[name], pending)
        self._files(pending)

    # -- relations and media of content-types --

    def _linked(self, entries: list[dict[str, Any]], spec: Spec) -> None:
        attr = spec.attribute
        target = self.schemas.target(attr)
        link = attr.link
        assert link is not None, "relations and media of content-types have a link table"
        q, d = self.d.quote, self.d
        t, ln = "pt", "pl"  # the compiler's aliases are numbered: no clash
        if attr.owner:
            key, entry_key = f"{ln}.source_id", "id"
            on, order = f"{t}.document_id = {ln}.target_document_id", [f"{ln}.ord", f"{ln}.id"]
        else:
            key, entry_key = f"{ln}.target_document_id", "documentId"
            on, order = f"{t}.id = {ln}.source_id", [f"{ln}.id"]
        status = status_sql(target, t, self.status)
        source = f"{q(link.table)} AS {ln} JOIN {q(target.table)} AS {t} ON {on}{status}"
        where_params: list[Any] = []
        extra = ""
        if spec.filters or spec.sort:
            compiler = Compiler(self.schemas, d, self.status, Checker(self.schemas))
            where = compiler.where(Scope(target, t), spec.filters, where_params) if spec.filters else None
            extra = f" AND ({where})" if where else ""
            if spec.sort:
                order = compiler.order_by(Scope(target, t), spec.sort)
        keys = list(dict.fromkeys(e[entry_key] for e in entries))
        size = max(1, d.max_params - len(where_params))
        if spec.count:
            counts: dict[Any, int] = {}
            for chunk in _chunks(keys, size):
                sql = (f"SELECT {key}, COUNT(*) FROM {source} WHERE {key} IN ({d.params(len(chunk))})"
                       f"{extra} GROUP BY {key}")
                counts.update(self.db.query(sql, [*chunk, *where_params]))
            for entry in entries:
                entry[attr.name] = {"count": counts.get(entry[entry_key], 0)}
            return
        plan = self.engine.plan(target, spec.fields, tuple(spec.populate), self.public)
        select = plan.select(t, q)
        groups: dict[Any, list[dict[str, Any]]] = {}
        found: list[dict[str, Any]] = []
        for chunk in _chunks(keys, size):
            # One target per entry needs no order: sorting the rows would only cost time.
            order_sql = f" ORDER BY {', '.join(order)}" if attr.many or spec.sort else ""
            window, more = self._window()
            sql = (f"SELECT {select}, {key} FROM {source} WHERE {key} IN ({d.params(len(chunk))}){extra}"
                   f"{order_sql}{window}")
            rows = self.db.query(sql, [*chunk, *where_params, *more])
            self._spend(len(rows))
            items = plan.decode_rows(rows)
            found += items
            for row, item in zip(rows, items):
                groups.setdefault(row[-1], []).append(item)
        name = attr.name
        if attr.many:
            for entry in entries:
                entry[name] = list(groups.get(entry[entry_key], ()))
        else:
            for entry in entries:
                one = groups.get(entry[entry_key])
                entry[name] = one[0] if one else None
        self.populate(target, found, spec.populate)

    # -- components and dynamic zones (JSON in the row) --

    def _component_value(self, attr: Attribute, spec: Spec, raw: Any, pending: dict[int, Any]) -> Any:
        raw = decode_json(raw)
        if attr.type == "dynamiczone":
            wanted = spec.on if spec.only_on and spec.on is not None else self.schemas.components
            return [self._zone_item(spec, item, pending) for item in (raw if isinstance(raw, list) else [])
                    if isinstance(item, Mapping) and item.get("__component") in wanted]
        component = self.schemas.component(attr)
        if attr.repeatable:
            items = raw if isinstance(raw, list) else []
            return [self._component(component, spec, item, pending) for item in items if isinstance(item, Mapping)]
        return self._component(component, spec, raw, pending) if isinstance(raw, Mapping) else None

    def _zone_item(self, spec: Spec, item: Mapping[str, Any], pending: dict[int, Any]) -> dict[str, Any]:
        uid = item["__component"]
        component = self.schemas.components[uid]
        sub = (spec.on or {}).get(uid) or Spec(None, component)
        return self._component(component, sub, item, pending, zone=True)

    def _component(self, component: Component, spec: Spec, raw: Mapping[str, Any],
                   pending: dict[int, Any], zone: bool = False) -> dict[str, Any]:
        # Built in place: media found here are filled into this very dict later.
        out: dict[str, Any] = {"__component": component.uid, "id": raw.get("id")} if zone else {"id": raw.get("id")}
        for name, decoder in self.engine.component_fields(component, spec.fields, self.public):
            value = raw.get(name)
            out[name] = decoder(value) if decoder is not None and value is not None else value
        for name, sub in spec.populate.items():
            attr = sub.attribute
            if attr.is_media:
                out[name] = [] if attr.many else None
                pending.setdefault(id(sub), (sub, []))[1].append((out, name, _file_ids(raw.get(name)), attr.many))
            else:
                out[name] = self._component_value(attr, sub, raw.get(name), pending)
        return out

    def _files(self, pending: Mapping[int, tuple[Spec, list[tuple[dict[str, Any], str, list[int], bool]]]]) -> None:
        """Media found in components: one files query per populated media attribute."""
        for spec, holders in pending.values():
            files: ContentType = self.schemas.types[FILE_UID]
            ids = list(dict.fromkeys(i for _, _, found, _ in holders for i in found))
            rows: dict[int, tuple[Any, ...]] = {}
            compiler = Compiler(self.schemas, self.d, self.status, Checker(self.schemas))
            f = compiler.alias()
            where_params: list[Any] = []
            where = compiler.where(Scope(files, f), spec.filters, where_params) if spec.filters else None
            plan = self.engine.plan(files, spec.fields, tuple(spec.populate), self.public)
            for chunk in _chunks(ids, max(1, self.d.max_params - len(where_params))):
                sql = (f"SELECT {plan.select(f, self.d.quote)} FROM {self.d.quote(files.table)} AS {f} "
                       f"WHERE {f}.id IN ({self.d.params(len(chunk))}){f' AND ({where})' if where else ''}")
                rows.update((row[0], row) for row in self.db.query(sql, [*chunk, *where_params]))
            found: list[dict[str, Any]] = []
            for holder, name, file_ids, many in holders:
                items = [plan.decode(rows[i]) for i in file_ids if i in rows]
                self._spend(len(items))
                found.extend(items)
                holder[name] = items if many else (items[0] if items else None)
            self.populate(files, found, spec.populate)
