"""``Query``: a read's parameters parsed and checked once, then passed down.

Strapi's REST query language (``filters``, ``sort``, ``fields``,
``populate``, ``pagination``, and top-level ``start``/``limit``) is checked
in Strapi's order, each mistake a 400 with Strapi's ``Invalid key`` message,
before any SQL is built. The REST controller parses the request's query
into a ``Query``; its service, the document service and the query engine
take that object as it is, so nothing is parsed or checked twice. Code that
passes plain dicts instead gets them parsed where they arrive.

``public`` is the REST API's view: private attributes (``private: true``,
and every password) may not be named in the query, through relations
included, and are left out of what the read returns at every level.

A ``Query`` also reads as the (read-only) mapping Strapi's services take:
``query["filters"]``, ``query.get("status")``, and ``query["data"]`` for a
write made with ``with_data``. Code that wants to change it builds a dict
(``{**query, "filters": {...}}``), which is parsed again where it arrives.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any

from ..errors import ValidationError
from .checker import Checker, QueryLimits, SortPath, check_filters, check_sort, parse_sort
from .language import as_list
from .localizations import split as split_localizations
from .pagination import pagination_params
from .schema import ContentType, Schemas
from .selection import Spec, parse_fields, parse_populate

__all__ = ["Query", "QueryLimits", "QUERY_KEYS", "parse_locale"]

#: The keys a query reads; any other key is ignored, as Strapi ignores unknown query keys.
QUERY_KEYS = ("filters", "sort", "fields", "populate", "pagination", "start", "limit")


#: The parts ``Query.without`` can leave out, and the parameters that give each.
_PARTS = {"filters": ("filters",), "sort": ("sort",), "pagination": ("pagination", "start", "limit")}


#: What ``_replace`` copies (everything but the model and the caches).
_FIELDS = ("params", "filters", "sort", "fields", "populate", "pagination", "status", "data", "public", "limits",
           "locale", "localizations")


def parse_locale(value: Any, source: str = "query") -> str | tuple[str, ...] | None:
    """A ``locale`` parameter: a code, ``"*"``, several codes (``locale[0]=en&locale[1]=fr``), or None.

    Only its shape is checked here; whether the codes are locales of the app is the document
    service's question (it knows the app's locales).
    """
    if value is None:
        return None
    items = as_list(value)
    if items is None:
        items = [value]
    if not items or not all(isinstance(item, str) and item for item in items):
        raise ValidationError(f"Invalid locale {value!r}: a locale code, several, or *",
                              {"key": "locale", "source": source, "param": "locale"})
    return items[0] if len(items) == 1 else tuple(items)


class Query:
    """The checked parameters of one read of ``model`` (see the module docstring)."""

    __slots__ = ("model", "params", "filters", "sort", "fields", "populate", "pagination", "status", "data",
                 "public", "limits", "locale", "localizations", "_view", "_key", "_twin")

    def __init__(self, model: ContentType, params: Mapping[str, Any], *, filters: Any = None,
                 sort: list[SortPath] | None = None, fields: tuple[str, ...] | None = None,
                 populate: dict[str, Spec] | None = None, pagination: dict[str, Any] | None = None,
                 status: str | None = None, data: Any = None, public: bool = False,
                 limits: QueryLimits | None = None, locale: str | tuple[str, ...] | None = None,
                 localizations: tuple[str, ...] | bool = False) -> None:
        self.model = model
        #: the parameters as given (the known keys only): for lifecycle hooks and cache keys
        self.params = params
        self.filters = filters
        self.sort: list[SortPath] = sort or []
        self.fields = fields
        self.populate: dict[str, Spec] = populate or {}
        self.pagination = pagination
        #: ``draft`` or ``published`` when the query asked for one
        self.status = status
        #: a write's ``data`` (see ``with_data``)
        self.data = data
        self.public = public
        #: how far the query was allowed to reach (None: trusted code); the populated entries it may read
        self.limits = limits
        #: the ``locale`` asked for: a code, ``"*"`` (every locale), several codes, or None (the default
        #: locale); the document service applies it to localized types and checks the codes
        self.locale = locale
        #: ``populate=localizations`` (``localizations``): False, True (every scalar field) or the
        #: fields asked; the document service fills it in after the read
        self.localizations = localizations
        self._view: dict[str, Any] | None = None
        self._key: str | None = None
        #: the last ``with_status`` made of this query: a query made once (``empty``) makes its twin once
        self._twin: Query | None = None

    @classmethod
    def parse(cls, schemas: Schemas, uid: str, params: Mapping[str, Any] | None = None, *,
              public: bool = False, allow_private: bool | None = None, source: str = "query",
              limits: QueryLimits | None = None) -> Query:
        """Check and parse ``params`` for a read of content-type ``uid``.

        ``allow_private`` (default: not ``public``) lets the query name
        private attributes, as trusted code may; ``limits`` bound how far it
        may reach (the REST API's, from ``config/api.py``). Raises
        ValidationError (``details.source`` is ``source``) or
        PaginationError; a TypeError if ``params`` is not a mapping.
        """
        if params is None:
            return cls.empty(schemas, uid, public, limits)
        if not isinstance(params, Mapping):
            raise TypeError(f"query params must be a mapping, not {type(params).__name__}")
        given = {key: params[key] for key in QUERY_KEYS if params.get(key) is not None}
        locale = parse_locale(params.get("locale"), source)
        if not given and params.get("status") is None and params.get("data") is None and locale is None:
            return cls.empty(schemas, uid, public, limits)
        model = schemas[uid]
        checker = Checker(schemas, not public if allow_private is None else allow_private, source, limits)
        filters = given.get("filters")
        if filters == "":
            filters = None
        if filters is not None:
            check_filters(checker, model, filters)
        sort = None
        if "sort" in given:
            sort = parse_sort(checker, given["sort"])
            check_sort(checker, model, sort)
        fields = parse_fields(checker, model, given.get("fields"))
        raw_populate, wants, wanted_fields = split_localizations(model, given.get("populate"), source)
        populate = parse_populate(checker, model, raw_populate)
        localizations: tuple[str, ...] | bool = wants
        if wants and wanted_fields is not None:
            localizations = parse_fields(checker, model, wanted_fields, "localizations", "populate") or True
        pagination = pagination_params(given)
        status = params.get("status")
        if status is not None and status not in ("draft", "published"):
            raise ValidationError("Invalid status: it is draft or published",
                                  {"key": "status", "source": source, "param": "status"})
        return cls(model, given, filters=filters, sort=sort,
                   fields=fields, populate=populate, pagination=pagination, status=status,
                   data=params.get("data"), public=public, limits=limits, locale=locale,
                   localizations=localizations)

    @classmethod
    def empty(cls, schemas: Schemas, uid: str, public: bool = False, limits: QueryLimits | None = None) -> Query:
        """The query of ``uid`` with no parameters: every entry, every field, nothing populated.

        Made once per type, view and limits (it is never changed), so a
        request without a query string costs no parsing at all.
        """
        cache: dict[tuple[str, bool], Query] = schemas.derived("query.empty", dict)
        found = cache.get((uid, public))
        if found is None or found.limits is not limits:  # an app has one set of limits: made once
            found = cache[(uid, public)] = cls(schemas[uid], {}, public=public, limits=limits)
        return found

    @classmethod
    def of(cls, schemas: Schemas, uid: str, params: Query | Mapping[str, Any] | None, *,
           public: bool = False) -> Query:
        """``params`` as a Query of ``uid``: itself when it already is one, else parsed (see ``parse``;
        trusted code may name private attributes). ``public`` makes the answer leave them out."""
        if isinstance(params, Query):
            if params.model.uid != uid:
                raise ValueError(f"a query of {params.model.uid} cannot read {uid}")
            if public and not params.public:  # a public reader sees no private field, whoever parsed it
                return params._replace(public=True)
            return params
        return cls.parse(schemas, uid, params, public=public, allow_private=True)

    @property
    def uid(self) -> str:
        return self.model.uid

    @property
    def key(self) -> str:
        """A text key of what this query reads, for caches of compiled statements."""
        key = self._key
        if key is None:
            key = self._key = repr(self.params)
        return key

    def without(self, *parts: str) -> Query:
        """This query without some of its parts: ``"filters"``, ``"sort"`` or ``"pagination"``."""
        unknown = set(parts) - set(_PARTS)
        if unknown:
            raise ValueError(f"a query has no part {sorted(unknown)[0]!r} to leave out")
        if not self.params:
            return self  # nothing to leave out
        dropped = {key for part in parts for key in _PARTS[part]}
        cleared: dict[str, Any] = {part: None for part in parts}
        return self._replace(params={k: v for k, v in self.params.items() if k not in dropped}, **cleared)

    def window(self, start: int, limit: int) -> Query:
        """This query reading ``limit`` entries from ``start`` (whatever pagination it had)."""
        page = {"start": start, "limit": limit}
        params = {k: v for k, v in self.params.items() if k not in _PARTS["pagination"]}
        return self._replace(params={**params, "pagination": page}, pagination=page)

    def with_status(self, status: str | None) -> Query:
        """This query reading (or writing) the ``status`` version, parsed parts shared; itself when it
        already does."""
        if status == self.status:
            return self
        twin = self._twin
        if twin is not None and twin.status == status:
            return twin
        if status is not None and status not in ("draft", "published"):
            raise ValidationError("Invalid status: it is draft or published", {"key": "status", "param": "status"})
        # Two threads may both make it; either copy is right, and the last one stays.
        twin = self._twin = self._replace(status=status)
        return twin

    def with_filters(self, filters: Any) -> Query:
        """This query with other ``filters``, taken as already checked (the document service's own
        conditions, such as the locale's)."""
        return self._replace(params={**self.params, "filters": filters}, filters=filters)

    def with_data(self, data: Any) -> Query:
        """This query carrying a write's ``data`` (Strapi's ``{...query, data}``), parsed parts shared."""
        return self._replace(data=data)

    def _replace(self, **changes: Any) -> Query:
        """A copy with ``changes``; the parsed parts not changed are shared, not copied."""
        parts = {name: getattr(self, name) for name in _FIELDS}
        parts.update(changes)
        return Query(self.model, **parts)

    # -- the mapping Strapi's services take --

    def _mapping(self) -> dict[str, Any]:
        view = self._view
        if view is None:
            view = dict(self.params)
            if self.status is not None:
                view["status"] = self.status
            if self.data is not None:
                view["data"] = self.data
            if self.locale is not None:
                view["locale"] = self.locale
            self._view = view
        return view

    def __getitem__(self, key: str) -> Any:
        return self._mapping()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())

    def __contains__(self, key: object) -> bool:
        return key in self._mapping()

    def get(self, key: str, default: Any = None) -> Any:
        return self._mapping().get(key, default)

    def keys(self) -> KeysView[str]:
        return self._mapping().keys()

    def items(self) -> ItemsView[str, Any]:
        return self._mapping().items()

    def values(self) -> ValuesView[Any]:
        return self._mapping().values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Query):
            return self.model is other.model and self._mapping() == other._mapping()
        return isinstance(other, Mapping) and self._mapping() == dict(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Query {self.model.uid} {self.params!r}{' public' if self.public else ''}>"


# A mapping to any code that asks (isinstance(query, Mapping)), while ``isinstance(x, Query)``,
# which every reader asks first, stays a plain type check rather than an ABC's.
Mapping.register(Query)
