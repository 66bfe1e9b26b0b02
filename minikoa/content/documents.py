"""The document service: ``app.documents(uid)``, the one way code reads and writes content.

Strapi 5's model: a *document* (one ``documentId``) is one row, or, with
draftAndPublish, a draft row and possibly a published row. Reads take
``filters``, ``sort``, ``fields``, ``populate``, ``pagination`` and
``status`` exactly as the REST query does; ``status`` defaults to
``"draft"`` as in Strapi's document service (the REST API asks for
``"published"``). Writes validate everything first, run in one transaction
(a failure, or a ``before_*`` lifecycle hook that raises, leaves nothing
written), and emit the entry events after the commit.
"""

from __future__ import annotations

import datetime
import json
import re
import secrets
import string
import unicodedata
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..db import UniqueViolation
from ..errors import ValidationError
from .engine import Params
from .fields import Storage
from .lifecycles import Call
from .locale_writes import LocaleWrites
from .localizations import fill as fill_localizations
from .payloads import payload_populate
from .privacy import strip
from .query import Query, parse_locale
from .schema import FILE_UID, Attribute, ContentType
from .tables import SEQUENCES

if TYPE_CHECKING:
    from .layer import ModelLayer

__all__ = ["DocumentService", "new_document_id", "now_iso"]

_ALPHABET = string.ascii_lowercase + string.digits


def new_document_id() -> str:
    """24 lowercase letters and digits, like Strapi's documentIds, uniformly random.

    Bytes from the OS's generator map onto the 36 characters by ``% 36``;
    bytes of 252 and above are dropped, since 252 is the largest multiple of
    36 under 256 and keeping them would favour the first characters.
    """
    while True:
        chars = [_ALPHABET[b % 36] for b in secrets.token_bytes(32) if b < 252]
        if len(chars) >= 24:
            return "".join(chars[:24])


def now_iso() -> str:
    """Now, in UTC, ISO 8601 with milliseconds and ``Z``."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z"


def _slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "item"


class DocumentService:
    """Reads and writes of one content-type's documents."""

    def __init__(self, layer: ModelLayer, uid: str) -> None:
        self.layer = layer
        self.uid = uid
        self.ctype: ContentType = layer.schemas[uid]
        self.db = layer.db
        self.d = self.db.dialect
        self.q = self.d.quote
        self.p = self.d.param
        self.table = self.q(self.ctype.table)
        self.dp = self.ctype.draft_and_publish

    # -- reads --------------------------------------------------------------

    def find_many(self, *, filters: Any = None, sort: Any = None, fields: Any = None, populate: Any = None,
                  pagination: Any = None, status: str | None = None, start: Any = None,
                  limit: Any = None, query: Query | None = None, locale: Any = None) -> list[dict[str, Any]]:
        """The documents matching ``filters`` (all of them unless paginated).

        ``query``: the parameters already parsed (a ``Query`` of this type), instead of the keywords.
        ``locale`` (localized types): a code, ``"*"`` or several codes; the default locale when
        neither it nor ``filters`` name one (see ``localize``).
        """
        params = self.localize(self._given(query, filters=filters, sort=sort, fields=fields, populate=populate,
                                           pagination=pagination, start=start, limit=limit), locale)
        found = self._read("find_many", params, status, lambda p, s: self.layer.engine.find(self.uid, p, status=s))
        return self._with_localizations(params, found, status)

    def find_page(self, *, filters: Any = None, sort: Any = None, fields: Any = None, populate: Any = None,
                  pagination: Any = None, status: str | None = None, default_limit: int = 25,
                  max_limit: int | None = 100, with_count: bool = True, public: bool = False,
                  query: Query | None = None, locale: Any = None) -> tuple[list[dict[str, Any]], dict]:
        """One page of documents and Strapi's ``meta`` (``{"pagination": {...}}``), as the REST list needs.

        Runs the ``find_many`` lifecycle hooks, with the entries as the result.
        """
        params = self.localize(self._given(query, filters=filters, sort=sort, fields=fields, populate=populate,
                                           pagination=pagination), locale)
        meta: dict[str, Any] = {}

        def run(p: Params, s: str | None) -> list[dict[str, Any]]:
            entries, page_meta = self.layer.engine.page(self.uid, p, status=s, default_limit=default_limit,
                                                         max_limit=max_limit, with_count=with_count,
                                                         public=public)
            meta.update(page_meta)
            return entries
        found = self._read("find_many", params, status, run)
        return self._with_localizations(params, found, status, public), meta

    def find_first(self, **params: Any) -> dict[str, Any] | None:
        """The first matching document, or None (for a single type: its one document; none for
        ``locale="*"`` on a localized one, as Strapi's single type route answers 404 there)."""
        query = params.get("query")
        asked = params.get("locale") or (query.locale if isinstance(query, Query) else None)
        if self.ctype.is_single and self.ctype.localized and asked == "*":
            return None
        if isinstance(query, Query):
            params["query"] = query.window(0, 1)
        else:
            params["pagination"] = {"start": 0, "limit": 1}
        found = self.find_many(**params)
        return found[0] if found else None

    def find_one(self, document_id: str, *, fields: Any = None, populate: Any = None,
                 status: str | None = None, public: bool = False,
                 query: Query | None = None, locale: Any = None) -> dict[str, Any] | None:
        """The document ``document_id`` in the asked status, or None.

        ``public`` (here and in ``find_page``): private attributes are left out
        at every level, as the REST API needs; by default they are included.
        A ``query`` given carries its own.
        """
        params = self._given(query, fields=fields, populate=populate)
        engine = self.layer.engine
        if self.ctype.localized:
            return self._find_localized(document_id, params, status, public, locale)
        if not self.layer.lifecycles.has(self.uid, "find_one"):  # the common case, kept short
            return engine.find_document(self.uid, document_id, params, status=self._status(status),
                                        public=public)

        def run(p: Params, s: str | None) -> dict[str, Any] | None:
            if isinstance(p, Query):
                return engine.find_document(self.uid, document_id, p, status=s)
            rest = {k: v for k, v in (p or {}).items() if k != "documentId"}
            return engine.find_document(self.uid, (p or {}).get("documentId", document_id), rest or None,
                                        status=s, public=public)
        return self._read("find_one", params, status, run, {"documentId": document_id})

    def count(self, *, filters: Any = None, status: str | None = None, query: Query | None = None,
              locale: Any = None) -> int:
        params = self.localize(self._given(query, filters=filters), locale)
        return self._read("count", params, status, lambda p, s: self.layer.engine.count(self.uid, p, status=s))

    def _find_localized(self, document_id: str, params: Params, status: str | None, public: bool,
                        locale: Any) -> dict[str, Any] | None:
        """``find_one`` of a localized type: the document's row in ``locale`` (the default one when
        none is asked); None for ``"*"``, as Strapi's item route answers 404 there."""
        asked = locale if locale is not None else params.locale if isinstance(params, Query) else None
        if asked == "*":
            return None
        by_id = {"documentId": {"$eq": document_id}}
        query = Query.of(self.layer.schemas, self.uid, params)
        params = self.localize(query.with_filters(by_id), locale)

        def run(p: Params, s: str | None) -> dict[str, Any] | None:
            found = self.layer.engine.find(self.uid, p, status=s, public=public)
            return found[0] if found else None
        entry = self._read("find_one", params, status, run, {"documentId": document_id})
        if entry is not None:
            self._with_localizations(params, [entry], status, public)
        return entry

    def _with_localizations(self, params: Params, entries: Any, status: str | None,
                            public: bool = False) -> Any:
        """``entries`` with their ``localizations`` filled in when the query asked for them."""
        if isinstance(params, Query) and params.localizations and isinstance(entries, list):
            fields = params.localizations if isinstance(params.localizations, tuple) else None
            fill_localizations(self.layer.engine, self.ctype, entries, fields, self._status(status),
                               public or params.public)
        return entries

    def localize(self, params: Params, locale: Any = None) -> Params:
        """``params`` reading the asked locale(s) of a localized type (the same ``params`` otherwise).

        ``locale`` (or the Query's own): one code, several, ``"*"`` for every locale; when none is
        asked, the default locale, unless the filters name ``locale`` themselves (an explicit
        locale filter replaces the default condition, as in Strapi). A code that is not one of the
        app's locales is a 400 naming it (Strapi answers an empty list).
        """
        if not self.ctype.localized:
            return params
        if not isinstance(params, Query):  # parsed here: the locale and localizations are read from it
            params = Query.of(self.layer.schemas, self.uid, params)
        if locale is None:
            locale = params.locale
        locale = parse_locale(locale)
        filters = params.filters
        if locale == "*" or (locale is None and _names_locale(filters)):
            return params
        codes = [self.layer.schemas.default_locale] if locale is None else \
            [locale] if isinstance(locale, str) else list(locale)
        known = self.layer.schemas.known_locale
        for code in codes:
            if known is not None and not known(str(code)):
                raise ValidationError(f"Invalid locale {code!r}: no such locale", {"key": "locale", "locale": code})
        condition = {"locale": {"$eq": codes[0]} if len(codes) == 1 else {"$in": codes}}
        combined = condition if not filters else {"$and": [filters, condition]}
        return params.with_filters(combined)

    def _given(self, query: Query | None, **params: Any) -> Params:
        """The read's parameters: ``query`` when given (then no keyword may be), else the keywords set
        (None when there are none)."""
        if query is None:
            return _params(**params) or None
        if type(query) is not Query or query.model is not self.ctype:
            raise TypeError(f"query must be a Query of {self.uid}, not {query!r}")
        for name, value in params.items():
            if value is not None:
                raise TypeError(f"pass either query or {name}, not both")
        return query

    def _read(self, action: str, params: Params, status: str | None, run: Callable[[Params, str | None], Any],
              extra: Mapping[str, Any] | None = None) -> Any:
        """Run a read, with its lifecycle hooks when any listen: they see (and may change) the
        parameters as a dict; a Query whose parameters no hook changed is passed on as it is."""
        status = self._status(status)
        lifecycles = self.layer.lifecycles
        if not lifecycles.has(self.uid, action):
            return run(params, status)
        raw = dict(params.params) if isinstance(params, Query) else dict(params or {})
        given = {**(extra or {}), **raw}
        call = lifecycles.call(action, self.ctype, {**given, "status": status})
        assert call is not None, "someone listens"
        changed = {k: v for k, v in call.before().items() if k != "status"}
        passed: Params = params if isinstance(params, Query) and changed == given else changed
        return call.after(run(passed, call.params.get("status")))

    def _status(self, status: str | None) -> str:
        """The status a read or write runs in: the one asked for, else ``draft`` with draftAndPublish.

        A type without draftAndPublish has one version of each document, but
        the documents it relates to may have two: its reads join their
        published version unless a status is asked for (a draft edit never
        shows through a relation of a type that has no drafts).
        """
        if status not in (None, "draft", "published"):
            raise ValidationError(f"Invalid status {status!r}: draft or published", {"key": "status"})
        return status or ("draft" if self.dp else "published")

    # -- writes -------------------------------------------------------------

    def create(self, *, data: Mapping[str, Any], status: str | None = None, fields: Any = None,
               populate: Any = None, query: Query | None = None, locale: Any = None,
               document_id: str | None = None) -> dict[str, Any]:
        """Create a document (a draft, and its published version with ``status="published"``).

        The created entry is read back with ``fields`` and ``populate`` (or ``query``, parsed already).
        ``locale`` (localized types; the query's, else the default one): the locale it is written in.
        ``document_id``: for a single type's first version in another locale, the existing document.
        """
        read = self._given(query, fields=fields, populate=populate)
        code = self._write_locale(locale, query, data)
        status = self._status(status)
        data, slugs = self._with_uids(data)
        values = self._validate(data, partial=False, draft=self.dp and status != "published",
                                publishing=self.dp and status == "published")
        with self.db.atomic():
            call = self._before("create", {"data": values, "status": status,
                                           **({"locale": code} if code is not None else {})})
            values = call.params["data"] if call else values
            # Under the transaction's write lock: two creates cannot pick the same free slug.
            self._free_slugs(values, slugs, code)
            document_id = document_id or new_document_id()
            row_id = self.insert_row(document_id, values, published=not self.dp,
                                     system=None if code is None else {"locale": code})
            return self._complete("entry.create", row_id, document_id, values, status, read, call, code)

    def update(self, document_id: str | None = None, *, data: Mapping[str, Any], status: str | None = None,
               fields: Any = None, populate: Any = None, query: Query | None = None,
               locale: Any = None) -> dict[str, Any] | None:
        """Update a document (its draft, with draftAndPublish); None if it does not exist.

        For a single type ``document_id`` may be left out: the one document is
        updated, or created if there is none yet (Strapi's create-or-update).
        Localized types: ``locale`` (the query's, else the default one) is
        the version written; a document without it gets it, with the values
        of its non-localized attributes copied (``LocaleWrites.add``), and
        an update of those reaches every other locale in the same transaction.
        """
        read = self._given(query, fields=fields, populate=populate)
        code = self._write_locale(locale, query, data)
        status = self._status(status)
        if document_id is None:
            if not self.ctype.is_single:
                raise ValidationError("update needs a documentId")
            existing = self.db.scalar(f"SELECT document_id FROM {self.table} ORDER BY id LIMIT 1")
            if existing is None:
                return self.create(data=data, status=status, fields=fields, populate=populate, query=query,
                                   locale=code)
            document_id = existing
        if code is not None and self._row_id(document_id, draft=self.dp, code=code) is None:
            return self._add_locale(document_id, data, status, read, code)
        values = self._validate(data, partial=True, draft=self.dp and status != "published",
                                publishing=self.dp and status == "published")
        with self.db.atomic():
            row_id = self._row_id(document_id, draft=self.dp, code=code)
            if row_id is None:
                return None
            # ``where`` names the row, as Strapi's hooks see it: a hook reads the row as it was with
            # ``app.db.query(uid).find_one(where=event.params["where"])``.
            call = self._before("update", {"documentId": document_id, "where": {"id": row_id}, "data": values,
                                           "status": status, **({"locale": code} if code is not None else {})})
            values = call.params["data"] if call else values
            self.update_row(row_id, values)
            if code is not None:
                LocaleWrites(self).sync(document_id, code, values, draft=self.dp)
            return self._complete("entry.update", row_id, document_id, values, status, read, call, code)

    def _add_locale(self, document_id: str, data: Mapping[str, Any], status: str, read: Params,
                    code: str) -> dict[str, Any] | None:
        """A new locale version of an existing document: required attributes apply, non-localized
        values come from another locale's row; None when the document has no row at all."""
        with self.db.atomic():
            writes = LocaleWrites(self)
            source = writes.source_row(document_id, draft=self.dp)
            if source is None:
                return None
            merged = {**writes.shared_values(source), **data}
            created = self.create(data=merged, status=status, query=read if isinstance(read, Query) else None,
                                  fields=None if isinstance(read, Query) else (read or {}).get("fields"),
                                  populate=None if isinstance(read, Query) else (read or {}).get("populate"),
                                  locale=code, document_id=document_id)
            writes.copy_shared(source, document_id, code, [k for k in merged if k not in data])
            return self._read_back(document_id, status, read, code) if created else None

    def _write_locale(self, locale: Any, query: Query | None, data: Any) -> str | None:
        """The one locale a write of a localized type is in (None for other types): ``locale``, the
        query's, else the default. ``"*"``, several codes, an unknown code, or ``locale`` inside
        ``data`` are 400s naming the ``locale`` parameter."""
        if not self.ctype.localized:
            return None
        if isinstance(data, Mapping) and "locale" in data:
            raise ValidationError("locale is not written in data: use the locale parameter (?locale=fr)",
                                  {"key": "locale", "source": "body"})
        asked = locale if locale is not None else query.locale if isinstance(query, Query) else None
        if asked is None:
            return self.layer.schemas.default_locale
        if not isinstance(asked, str) or asked == "*":
            raise ValidationError("A write takes one locale (the locale parameter)", {"key": "locale"})
        known = self.layer.schemas.known_locale
        if known is not None and not known(asked):
            raise ValidationError(f"Invalid locale {asked!r}: no such locale", {"key": "locale", "locale": asked})
        return asked

    def _complete(self, name: str, row_id: int, document_id: str, values: dict[str, Any], status: str | None,
                  read: Params, call: Call | None, code: str | None = None) -> dict[str, Any]:
        """The rest of a create or update, inside its transaction: relations, publishing if asked,
        the entry read back, the after hook, the events."""
        self.write_links(row_id, document_id, values, draft=self.dp)
        names = [name]
        if self.dp and status == "published":
            self._publish_rows(document_id, code)
            names.append("entry.publish")
        result = self._read_back(document_id, status, read, code)
        self._after(call, result)
        self._emit(names, result)
        return result

    def delete(self, document_id: str | None = None, *, locale: Any = None,
               query: Query | None = None) -> dict[str, Any] | None:
        """Delete every version of a document: ``{"documentId", "entries"}``, or None if absent.

        Localized types: only the ``locale`` version (the default locale's when none is asked);
        ``"*"`` deletes every locale. Links to the document go with its last row.
        """
        asked = locale if locale is not None else query.locale if isinstance(query, Query) else None
        code = None if asked == "*" else self._write_locale(asked, None, None)
        if document_id is None:
            if not self.ctype.is_single:
                raise ValidationError("delete needs a documentId")
            document_id = self.db.scalar(f"SELECT document_id FROM {self.table} ORDER BY id LIMIT 1")
            if document_id is None:
                return None
        where, params = self._locale_sql(code)
        with self.db.atomic():
            entries = self._entries(document_id, code=code)
            if not entries:
                return None
            call = self._before("delete", {"documentId": document_id, "where": {"documentId": document_id},
                                           **({"locale": asked} if asked is not None else {})})
            removed = self._before_removal("entry.delete", entries[0])
            self.db.execute(f"DELETE FROM {self.table} WHERE document_id = {self.p}{where}", [document_id, *params])
            if self.db.scalar(f"SELECT 1 FROM {self.table} WHERE document_id = {self.p} LIMIT 1",
                              [document_id]) is None:
                self.layer.relations.forget_target(self.ctype, document_id)
            result = {"documentId": document_id, "entries": entries}
            self._after(call, result)
            self._emit(["entry.delete"], removed)
        return result

    def publish(self, document_id: str, *, locale: Any = None) -> dict[str, Any] | None:
        """Publish the draft (of ``locale``, localized types): the published version becomes a copy of it."""
        self._need_dp("publish")
        code = self._write_locale(locale, None, None)
        with self.db.atomic():
            if self._row_id(document_id, draft=True, code=code) is None:
                return None
            self._publish_rows(document_id, code)
            entries = self._entries(document_id, status="published", code=code)
            self._emit(["entry.publish"], entries[0])
        return {"documentId": document_id, "entries": entries}

    def unpublish(self, document_id: str, *, locale: Any = None) -> dict[str, Any] | None:
        """Remove the published version (of ``locale``, localized types); the draft stays."""
        self._need_dp("unpublish")
        code = self._write_locale(locale, None, None)
        where, params = self._locale_sql(code)
        with self.db.atomic():
            entries = self._entries(document_id, status="published", code=code)
            if not entries:
                return None
            removed = self._before_removal("entry.unpublish", entries[0])
            self.db.execute(f"DELETE FROM {self.table} WHERE document_id = {self.p} AND published_at IS NOT NULL"
                            f"{where}", [document_id, *params])
            self._emit(["entry.unpublish"], removed)
        return {"documentId": document_id, "entries": entries}

    def discard_draft(self, document_id: str, *, locale: Any = None) -> dict[str, Any] | None:
        """Replace the draft (of ``locale``, localized types) with a copy of the published version."""
        self._need_dp("discard_draft")
        code = self._write_locale(locale, None, None)
        where, params = self._locale_sql(code)
        with self.db.atomic():
            published = self._row_id(document_id, draft=False, code=code)
            if published is None:
                return None
            self.db.execute(f"DELETE FROM {self.table} WHERE document_id = {self.p} AND published_at IS NULL"
                            f"{where}", [document_id, *params])
            new = self._copy_row(published, published_at=None)
            self.layer.relations.copy_links(self.ctype, published, new)
            entries = self._entries(document_id, status="draft", code=code)
            self._emit(["entry.draft-discard"], entries[0])
        return {"documentId": document_id, "entries": entries}

    # -- bulk -----------------------------------------------------------------

    def create_many(self, *, data: list[Mapping[str, Any]], status: str | None = None) -> dict[str, Any]:
        """Create several documents in one transaction: ``{"count", "documentIds"}``."""
        with self.db.atomic():
            call = self._before("create_many", {"data": list(data), "status": status})
            items = call.params["data"] if call else data
            ids = [self.create(data=item, status=status)["documentId"] for item in items]
            result = {"count": len(ids), "documentIds": ids}
            self._after(call, result)
        return result

    def update_many(self, *, filters: Any, data: Mapping[str, Any],
                    status: str | None = None) -> dict[str, Any]:
        """Update every matching document in one transaction: ``{"count", "documentIds"}``."""
        with self.db.atomic():
            call = self._before("update_many", {"filters": filters, "data": dict(data), "status": status})
            params = call.params if call else {"filters": filters, "data": data}
            docs = self._matching(params["filters"], status)
            for doc in docs:
                self.update(doc, data=params["data"], status=status)
            result = {"count": len(docs), "documentIds": docs}
            self._after(call, result)
        return result

    def delete_many(self, *, filters: Any, status: str | None = None) -> dict[str, Any]:
        """Delete every matching document in one transaction: ``{"count", "documentIds"}``."""
        with self.db.atomic():
            call = self._before("delete_many", {"filters": filters, "status": status})
            params = call.params if call else {"filters": filters}
            docs = self._matching(params["filters"], status)
            for doc in docs:
                self.delete(doc)
            result = {"count": len(docs), "documentIds": docs}
            self._after(call, result)
        return result

    # -- row work -------------------------------------------------------------

    def _matching(self, filters: Any, status: str | None) -> list[str]:
        """documentIds matching ``filters``, read directly: the bulk hooks already ran, not the read ones."""
        found = self.layer.engine.find(self.uid, {"filters": filters or {}, "fields": ["documentId"]},
                                       status=self._status(status))
        return [entry["documentId"] for entry in found]

    def _need_dp(self, action: str) -> None:
        if not self.dp:
            raise ValidationError(f"{action} needs draftAndPublish on {self.uid}")

    def _validate(self, data: Mapping[str, Any], partial: bool, draft: bool = False,
                  publishing: bool = False) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise ValidationError("data must be an object")
        return self.layer.validate(self.ctype, data, partial=partial, draft=draft, publishing=publishing)

    def _check_publishable(self, document_id: str, code: str | None = None) -> None:
        """A draft may be incomplete; what gets published must pass every rule."""
        draft = self._entries(document_id, status="draft", code=code)[0]
        values = {attr.name: draft[attr.name] for attr in self.ctype
                  if attr.is_scalar and not attr.field.write_only and attr.name in draft}
        self.layer.validate(self.ctype, values, partial=False, publishing=True)

    def _row_id(self, document_id: str, draft: bool, code: str | None = None) -> int | None:
        status = "published_at IS NULL" if draft and self.dp else "published_at IS NOT NULL" if self.dp else self.d.true
        where, params = self._locale_sql(code)
        return self.db.scalar(f"SELECT id FROM {self.table} WHERE document_id = {self.p} AND {status}{where} "
                              "ORDER BY id DESC LIMIT 1", [document_id, *params])

    def _locale_sql(self, code: str | None) -> tuple[str, list[Any]]:
        """`` AND locale = ?`` and its parameter for one locale's rows (nothing for None)."""
        if code is None or not self.ctype.localized:
            return "", []
        return f" AND locale = {self.p}", [code]

    def _columns(self, values: Mapping[str, Any], previous: Mapping[str, Any] | None) -> dict[str, Any]:
        """Column -> stored value for the attributes in ``values`` that live in columns."""
        out: dict[str, Any] = {}
        for name, value in values.items():
            attr = self.ctype.attributes.get(name)
            if attr is None or attr.column is None:
                continue
            out[attr.column] = self._encode(attr, value, (previous or {}).get(attr.column))
        return out

    def _encode(self, attr: Attribute, value: Any, previous: Any) -> Any:
        """A validated value as its column stores it (its field type's ``to_db``)."""
        if value is None:
            return None
        if attr.field.storage is Storage.COMPONENTS:
            value = self._component_ids(attr, value, previous)
        return attr.field.to_db(value)

    def _component_ids(self, attr: Attribute, value: Any, previous: Any) -> Any:
        """Give every component instance an ``id``, keeping ids the stored value already had."""
        known = _by_id(json.loads(previous)) if isinstance(previous, str) else {}
        missing: list[dict[str, Any]] = []

        def walk(node: Any) -> Any:
            if isinstance(node, list):
                return [walk(item) for item in node]
            if not isinstance(node, dict):
                return node
            copy = {k: walk(v) if isinstance(v, (dict, list)) and k != "__component" else v for k, v in node.items()}
            given = copy.get("id")
            old = known.get(given) if isinstance(given, int) else None
            if old is None:
                copy.pop("id", None)
                missing.append(copy)
            else:
                # A component sent with its id updates that instance: fields left out keep their values.
                copy = {**old, **copy}
            return copy

        result = [walk(item) for item in value] if isinstance(value, list) else walk(value)
        if missing:
            first = self._allocate(f"component:{attr.parent.uid}.{attr.name}", len(missing))
            for offset, node in enumerate(missing):
                node["id"] = first + offset
        return _ids_first(result)

    def _allocate(self, name: str, count: int) -> int:
        self.db.execute(self.d.insert_or_ignore(SEQUENCES, ("name", "value")), [name, 0])
        value = self.db.scalar(f"UPDATE {self.q(SEQUENCES)} SET value = value + {self.p} WHERE name = {self.p} "
                               "RETURNING value", [count, name])
        return value - count + 1

    def _with_uids(self, data: Mapping[str, Any]) -> tuple[Mapping[str, Any], dict[str, str]]:
        """``data`` with a slug of its target field for each required uid left empty, and those slugs
        by attribute: the server's values, made unique by ``_free_slugs`` inside the write."""
        if not isinstance(data, Mapping):
            return data, {}
        slugs: dict[str, str] = {}
        for attr in self.ctype:
            if attr.type != "uid" or data.get(attr.name) is not None or not attr.required:
                continue
            source = data.get(attr.get("targetField") or "") or self.ctype.singular_name
            slugs[attr.name] = _slugify(str(source))
        return ({**data, **slugs} if slugs else data), slugs

    def _free_slugs(self, values: dict[str, Any], slugs: Mapping[str, str], code: str | None = None) -> None:
        """Give each server-made slug still in ``values`` the first free form: ``base``, ``base-2``, ...
        (free in locale ``code`` for a localized type: uids are unique per locale)."""
        where, params = self._locale_sql(code)
        for name, base in slugs.items():
            if values.get(name) != base:
                continue  # a before_create hook chose its own
            attr = self.ctype.attributes[name]
            column = self.q(attr.column or attr.name)
            candidate, n = base, 1
            while self.db.scalar(f"SELECT 1 FROM {self.table} WHERE {column} = {self.p}{where} LIMIT 1",
                                 [candidate, *params]):
                n += 1
                candidate = f"{base}-{n}"
            values[name] = candidate

    # -- row work shared with the query engine's writes (``Repository``) --------------

    def insert_row(self, document_id: str, values: dict[str, Any], published: bool,
                   system: Mapping[str, Any] | None = None) -> int:
        """Insert one row of validated ``values``; ``system`` columns (``created_at``, ...) override
        the defaults. A duplicate unique value is Strapi's 400."""
        now = now_iso()
        columns = {"document_id": document_id, **self._columns(values, None), "created_at": now,
                   "updated_at": now, "published_at": now if published else None, **(system or {})}
        if self.ctype.localized and columns.get("locale") is None:
            columns["locale"] = self.layer.schemas.default_locale
        try:
            return self.db.insert(self.d.insert(self.ctype.table, list(columns)), list(columns.values()))
        except UniqueViolation as exc:
            raise self._unique(exc, values) from None

    def update_row(self, row_id: int, values: dict[str, Any], system: Mapping[str, Any] | None = None) -> None:
        """Update row ``row_id`` with validated ``values`` (and ``system`` columns); ``updated_at`` is now
        unless ``system`` says otherwise."""
        previous = None
        json_columns = [a.column for a in self.ctype
                        if a.column is not None and a.field.storage is Storage.COMPONENTS and a.name in values]
        if json_columns:
            row = self.db.query(f"SELECT {', '.join(self.q(c) for c in json_columns)} FROM {self.table} "
                                f"WHERE id = {self.p}", [row_id])
            previous = dict(zip(json_columns, row[0])) if row else None
        columns = {**self._columns(values, previous), "updated_at": now_iso(), **(system or {})}
        assignments = ", ".join(f"{self.q(c)} = {self.p}" for c in columns)
        self._write(f"UPDATE {self.table} SET {assignments} WHERE id = {self.p}", [*columns.values(), row_id], values)

    def _write(self, sql: str, params: list[Any], values: Mapping[str, Any]) -> None:
        try:
            self.db.execute(sql, params)
        except UniqueViolation as exc:
            raise self._unique(exc, values) from None

    def _unique(self, exc: UniqueViolation, values: Mapping[str, Any]) -> ValidationError:
        """Strapi's answer to a duplicate value of a unique attribute: the attribute's path and the
        value written."""
        attr = next((a for a in self.ctype if a.column is not None and a.column in exc.columns), None)
        if attr is not None:
            error = {"path": [attr.name], "message": "This attribute must be unique", "name": "ValidationError"}
            if attr.name in values:
                error["value"] = values[attr.name]
            return ValidationError("This attribute must be unique", {"errors": [error]})
        return ValidationError("The data breaks a database constraint")

    def write_links(self, row_id: int, document_id: str, values: Mapping[str, Any], draft: bool) -> None:
        """Write the relations and media among ``values`` for row ``row_id`` (a draft row or not)."""
        relations = self.layer.relations
        for name, value in values.items():
            attr = self.ctype.attributes.get(name)
            if attr is None or not attr.is_linked:
                continue
            if attr.owner:
                relations.write_owner(self.ctype, attr, row_id, document_id, draft, value)
            else:
                relations.write_inverse(self.ctype, attr, document_id, value)

    def _copy_row(self, row_id: int, published_at: str | None) -> int:
        columns = ["document_id", *(a.column for a in self.ctype if a.column), "created_at", "updated_at",
                   *(["locale"] if self.ctype.localized else [])]
        names = ", ".join(self.q(c) for c in columns)
        return self.db.insert(f"INSERT INTO {self.table} ({names}, published_at) "
                              f"SELECT {names}, {self.p} FROM {self.table} WHERE id = {self.p}",
                              [published_at, row_id])

    def _publish_rows(self, document_id: str, code: str | None = None) -> None:
        self._check_publishable(document_id, code)
        draft = self._row_id(document_id, draft=True, code=code)
        assert draft is not None, "a document always has a draft"
        where, params = self._locale_sql(code)
        self.db.execute(f"DELETE FROM {self.table} WHERE document_id = {self.p} AND published_at IS NOT NULL"
                        f"{where}", [document_id, *params])
        new = self._copy_row(draft, published_at=now_iso())
        self.layer.relations.copy_links(self.ctype, draft, new)

    def _entries(self, document_id: str, status: str | None = None, code: str | None = None) -> list[dict[str, Any]]:
        """Every version of a document (or the one in ``status``; of a localized type, in locale
        ``code``, or in every locale for None), as entries."""
        engine = self.layer.engine
        params: dict[str, Any] = {"filters": {"documentId": document_id}}
        if code is not None and self.ctype.localized:
            params["filters"]["locale"] = code
        if not self.dp:
            return engine.find(self.uid, params, status="published")
        statuses = [status] if status else ["draft", "published"]
        return [entry for s in statuses for entry in engine.find(self.uid, params, status=s)]

    def _read_back(self, document_id: str, status: str | None, read: Params,
                   code: str | None = None) -> dict[str, Any]:
        if code is not None and self.ctype.localized:
            query = Query.of(self.layer.schemas, self.uid, read)
            query = query.with_filters({"documentId": {"$eq": document_id}, "locale": {"$eq": code}})
            rows = self.layer.engine.find(self.uid, query, status=status)
            assert rows, "a version written in this transaction is there to read"
            return self._with_localizations(query, rows, status)[0]
        found = self.layer.engine.find_document(self.uid, document_id, read, status=status)
        assert found is not None, "a document written in this transaction is there to read"
        return found

    # -- hooks and events -----------------------------------------------------

    def _before(self, action: str, params: dict[str, Any]) -> Call | None:
        """Run the before hooks of a write, if any listen; the call carries the (maybe changed) params."""
        call = self.layer.lifecycles.call(action, self.ctype, params)
        if call is not None:
            call.before()
        return call

    def _after(self, call: Call | None, result: Any) -> None:
        if call is not None:
            call.after(result)

    def _emit(self, names: list[str], entry: dict[str, Any]) -> None:
        """Strapi's entry events, in the current transaction: the webhook outbox takes them with the
        change, in-process listeners hear them after the commit. ``entry`` never holds private fields.
        The payload is built only if someone takes the event."""
        events = self.layer.events
        if self.uid == FILE_UID or not any(events.listening(name) for name in names):
            return  # files have media.* events of their own (the upload plugin's), as in Strapi
        made: list[dict[str, Any]] = []

        def public_entry() -> dict[str, Any]:
            if not made:
                made.append(strip(self.layer.schemas, self.ctype, self._payload_entry(entry)))
            return made[0]

        def payload(name: str) -> Callable[[], dict[str, Any]]:
            return lambda: {"event": name, "createdAt": now_iso(), "model": self.ctype.singular_name,
                            "uid": self.uid, "entry": public_entry()}

        for name in names:
            events.emit(name, payload(name))

    def _payload_entry(self, entry: dict[str, Any]) -> dict[str, Any]:
        """``entry`` as an event carries it (``payloads``): with its components and dynamic zones, read
        again; with ``populateRelations``, read again whole with its relations one level deep. The
        entry as given when there is nothing to add or its row is gone (a delete emits what it read
        before deleting)."""
        populate = payload_populate(self.layer.schemas, self.ctype, self.layer.populate_relations)
        if not populate or "documentId" not in entry:
            return entry
        status = "published" if entry.get("publishedAt") else "draft"
        fresh = self.layer.engine.find_document(self.uid, entry["documentId"], {"populate": populate},
                                                status=status, public=True)
        if fresh is None:
            return entry
        if self.layer.populate_relations:
            return fresh
        # The entry as the write read it back (its fields, the relations it populated), with the
        # components and zones, which the read back holds only as far as it asked for them.
        return {**entry, **{name: fresh[name] for name in populate if name in fresh}}

    def _before_removal(self, name: str, entry: dict[str, Any]) -> dict[str, Any]:
        """``entry`` with what its payload adds, read while its row still exists (only if someone
        takes the event ``name``)."""
        return self._payload_entry(entry) if self.layer.events.listening(name) else entry


def _names_locale(filters: Any) -> bool:
    """Whether ``filters`` put a condition on ``locale`` at the top level (through ``$and``, ``$or``,
    ``$not`` too)."""
    if isinstance(filters, Mapping):
        return any(key == "locale" or (key in ("$and", "$or", "$not") and _names_locale(value))
                   for key, value in filters.items())
    if isinstance(filters, (list, tuple)):
        return any(_names_locale(item) for item in filters)
    return False


def _params(**params: Any) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def _by_id(node: Any) -> dict[int, dict[str, Any]]:
    """Every component instance in a stored value, by id."""
    found: dict[int, dict[str, Any]] = {}
    if isinstance(node, list):
        for item in node:
            found.update(_by_id(item))
    elif isinstance(node, dict):
        if isinstance(node.get("id"), int):
            found[node["id"]] = node
        for value in node.values():
            if isinstance(value, (dict, list)):
                found.update(_by_id(value))
    return found


def _ids_first(node: Any) -> Any:
    """Components with ``id`` as their first key, as Strapi returns them."""
    if isinstance(node, list):
        return [_ids_first(item) for item in node]
    if isinstance(node, dict) and "id" in node:
        return {"id": node["id"], **{k: _ids_first(v) for k, v in node.items() if k != "id"}}
    return node
