"""Filters and sort: Strapi's query language checked, then compiled to SQL.

Two passes, as Strapi does: ``check_filters`` / ``check_sort`` refuse
unknown keys, unknown operators and (for the REST API) private attributes
with Strapi's ``Invalid key`` errors, before any SQL is built; then
``Compiler`` turns the checked input into WHERE and ORDER BY terms, casting
each value to its attribute's type (an uncastable value is a 400, never a
500). Identifiers come only from schemas; every value is a bound parameter.

Semantics, where Strapi leaves room:

* Comparisons follow SQL's three-valued logic, as Strapi's SQL does: a NULL
  column never matches ``$eq``, ``$ne``, ``$notIn``, ``$notContains`` or a
  ``$not`` of those; only ``$null`` / ``$notNull`` (and ``$eq``/``$ne`` with
  a null value) select NULLs.
* A filter through a relation, a media attribute or a repeatable component
  matches when *some* related row satisfies the whole nested condition (all
  of it on that one row). A row with nothing related is tested once with
  NULLs, as Strapi's LEFT JOINs do: ``{"category": {"id": {"$null": true}}}``
  finds articles without a category. Relations compile to an uncorrelated
  ``id IN (SELECT ...)`` (plus ``NOT IN`` the related keys when the
  condition holds on NULLs, decided by ``null_truth``); components, whose
  elements are in the row's JSON, to an ``EXISTS`` over ``json_each``
  left-joined from one constant row.
* An empty ``$and``, ``$or`` or ``$not``, or an empty list given to an
  operator other than ``$in``/``$notIn``, adds no condition (knex drops
  empty groups). ``$in: []`` matches nothing, ``$notIn: []`` everything.
* Draft-and-publish targets are read in the query's status.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..db import ColumnType, Dialect
from .checker import Checker
from .fields import FIELD_TYPES, BadValue, FieldType, cast_text
from .language import LOCALIZED_COLUMNS, VALUE_OPERATORS, Model, as_list, join_path, operands, system_keys
from .schema import Attribute, ContentType, Schemas

__all__ = ["Scope", "Compiler", "status_sql", "null_truth"]

#: The field type each system field's values are cast as.
_SYSTEM_KINDS: dict[str, FieldType] = {
    "id": FIELD_TYPES["biginteger"], "documentId": FIELD_TYPES["string"], "createdAt": FIELD_TYPES["datetime"],
    "updatedAt": FIELD_TYPES["datetime"], "publishedAt": FIELD_TYPES["datetime"],
    "locale": FIELD_TYPES["string"]}
_BOOLEAN = FIELD_TYPES["boolean"]
#: Operators whose operand is a list; any other operator given a list is OR-ed over it.
_LIST_OPERATORS = frozenset({"$in", "$notIn", "$between"})
#: Text matches: operator -> (dialect mode, case-insensitive, negated).
_TEXT_OPERATORS = {
    "$eqi": ("equals", True, False), "$nei": ("equals", True, True),
    "$contains": ("contains", False, False), "$notContains": ("contains", False, True),
    "$containsi": ("contains", True, False), "$notContainsi": ("contains", True, True),
    "$startsWith": ("starts", False, False), "$startsWithi": ("starts", True, False),
    "$endsWith": ("ends", False, False), "$endsWithi": ("ends", True, False),
}
#: The longest text a ``$contains``-like operator may look for.
MAX_MATCH_LENGTH = 1000
_COMPARISONS = {"$eq": "=", "$ne": "<>", "$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">="}


# -- small helpers -----------------------------------------------------------------

def status_sql(model: ContentType, alias: str, status: str | None) -> str:
    """`` AND <alias>.published_at IS [NOT] NULL`` for draft-and-publish types, else ''."""
    if not model.draft_and_publish:
        return ""
    return f" AND {alias}.published_at IS {'NOT ' if status == 'published' else ''}NULL"


def _join(parts: list[str], word: str) -> str | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return "(" + f" {word} ".join(f"({p})" for p in parts) + ")"


# -- compiling --------------------------------------------------------------------------

class Scope:
    """Where a condition reads its fields: a table alias, or a JSON expression (a component).

    ``relation`` marks the target of a relation, where a bare operator
    (``{"category": {"$eq": 3}}``) applies to the target's ``id``.
    """

    __slots__ = ("model", "alias", "expr", "relation")

    def __init__(self, model: Model, alias: str | None = None, expr: str | None = None,
                 relation: bool = False) -> None:
        self.model = model
        self.alias = alias
        self.expr = expr
        self.relation = relation


class Compiler:
    """Builds the WHERE and ORDER BY terms of one statement; values go to the ``params`` list given.

    Aliases are numbered per compiler, so one compiler serves a whole
    statement (its subqueries included) without clashes.
    """

    def __init__(self, schemas: Schemas, dialect: Dialect, status: str | None, checker: Checker) -> None:
        self.schemas = schemas
        self.d = dialect
        self.status = status
        self.checker = checker
        self._n = 0

    def alias(self, prefix: str = "t") -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    # -- fields of a scope --

    def field(self, scope: Scope, attr: Attribute, kind: ColumnType | None = None) -> str:
        """The expression of ``attr``: a column, or a value in a component's JSON (compared as ``kind``,
        the attribute's own column type by default)."""
        if scope.alias is not None:
            assert attr.column is not None, "a field read from a table has a column"
            return self.d.column(scope.alias, attr.column)
        assert scope.expr is not None
        return self.d.json_get(scope.expr, attr.name, kind or attr.field.column_type)

    def system(self, scope: Scope, key: str) -> str:
        if scope.alias is not None:
            return f"{scope.alias}.{LOCALIZED_COLUMNS[key]}"
        assert scope.expr is not None
        return self.d.json_get(scope.expr, key, _SYSTEM_KINDS[key].column_type)

    def _file_ids(self, scope: Scope, attr: Attribute, e: str) -> str:
        """The FROM item of the file ids a media attribute keeps in a component's JSON, as ``e``."""
        assert scope.expr is not None
        return self.d.json_each(self.d.json_get(scope.expr, attr.name), e)

    # -- WHERE --

    def where(self, scope: Scope, filters: Any, params: list[Any], path: str | None = None) -> str | None:
        """The condition ``filters`` puts on ``scope``, or None when it puts none."""
        if not isinstance(filters, Mapping) or (scope.relation and as_list(filters) is not None):
            if scope.relation:  # a bare id (or list of ids) for a relation
                return self._operators(self.system(scope, "id"), _SYSTEM_KINDS["id"], filters, params,
                                       join_path(path, "id"))
            raise self.checker.invalid("Invalid filters: expected an object", "filters", path=path)
        parts = []
        for key, value in filters.items():
            sql = self._term(scope, key, value, params, path)
            if sql:
                parts.append(sql)
        return _join(parts, "AND")

    def _term(self, scope: Scope, key: str, value: Any, params: list[Any], path: str | None) -> str | None:
        if key in ("$and", "$or"):
            parts = [p for p in (self.where(scope, item, params, path) for item in operands(value)) if p]
            return _join(parts, key[1:].upper())
        if key == "$not":
            inner = self.where(scope, value, params, path)
            return f"NOT ({inner})" if inner else None
        if key.startswith("$"):
            if scope.relation and key in VALUE_OPERATORS:
                return self._operators(self.system(scope, "id"), _SYSTEM_KINDS["id"], {key: value}, params,
                                       join_path(path, "id"))
            raise self.checker.invalid_key(key, path, "filters")
        if key in system_keys(scope.model):
            self.checker.system(scope.model, key, path, "filters")
            return self._operators(self.system(scope, key), _SYSTEM_KINDS[key], value, params, join_path(path, key))
        attr = self.checker.attribute(scope.model, key, path, "filters")
        apath = join_path(path, key)
        if attr.is_scalar:
            return self._operators(self.field(scope, attr), attr.field, value, params, apath)
        if attr.is_linked:
            return self._linked(scope, attr, value, params, apath)
        if attr.type == "component":
            return self._component(scope, attr, value, params, apath)
        raise self.checker.invalid_key(key, apath, "filters")

    def _exists(self, joins: str, inner: str | None) -> str | None:
        """Some row of ``joins`` (left-joined from one constant row) satisfies ``inner``."""
        if inner is None:
            return None
        return f"EXISTS (SELECT 1 FROM (SELECT 1) AS {self.alias('o')} {joins} WHERE {inner})"

    def _linked(self, scope: Scope, attr: Attribute, value: Any, params: list[Any], path: str) -> str | None:
        target = self.schemas.target(attr)
        t = self.alias()
        if scope.alias is None:  # media inside a component: file ids in its JSON
            table = self.d.quote(target.table)
            if attr.many:
                e = self.alias("e")
                joins = (f"LEFT JOIN {self._file_ids(scope, attr, e)} ON 1 = 1 "
                         f"LEFT JOIN {table} AS {t} ON {t}.id = {self.d.json_element(e, ColumnType.BIGINT)}")
            else:
                joins = f"LEFT JOIN {table} AS {t} ON {t}.id = {self.field(scope, attr, ColumnType.BIGINT)}"
            return self._exists(joins, self.where(Scope(target, t, relation=True), value, params, path))
        inner = self.where(Scope(target, t, relation=True), value, params, path)
        if inner is None:
            return None
        # An uncorrelated ``IN (SELECT ...)``: SQLite computes the related keys once, an order of
        # magnitude faster than an EXISTS per row. Rows with nothing related take the branch a
        # LEFT JOIN would give them: they match when the condition holds for a row of NULLs.
        outer, key, related = self._related(scope.alias, attr, t)
        sql = f"{outer} IN (SELECT {key} FROM {related} WHERE {inner})"
        if null_truth(self.schemas, target, value, relation=True) is True:
            _, key, unrelated = self._related(scope.alias, attr, self.alias())
            sql = f"({sql} OR {outer} NOT IN (SELECT {key} FROM {unrelated}))"
        return sql

    def _related(self, source: str, attr: Attribute, t: str) -> tuple[str, str, str]:
        """``(key of the row source, link key, FROM of link joined to target t)`` for a relation of source."""
        q = self.d.quote
        target = self.schemas.target(attr)
        link = attr.link
        assert link is not None, "relations have a link table"
        ln = self.alias("l")
        status = status_sql(target, t, self.status)
        if attr.owner:
            return (f"{source}.id", f"{ln}.source_id", f"{q(link.table)} AS {ln} JOIN {q(target.table)} "
                    f"AS {t} ON {t}.document_id = {ln}.target_document_id{status}")
        return (f"{source}.document_id", f"{ln}.target_document_id", f"{q(link.table)} AS {ln} "
                f"JOIN {q(target.table)} AS {t} ON {t}.id = {ln}.source_id{status}")

    def _component(self, scope: Scope, attr: Attribute, value: Any, params: list[Any], path: str) -> str | None:
        component = self.schemas.component(attr)
        expr = self.field(scope, attr)
        if not attr.repeatable:
            return self.where(Scope(component, expr=expr), value, params, path)
        e = self.alias("e")
        inner = self.where(Scope(component, expr=self.d.json_element(e)), value, params, path)
        return self._exists(f"LEFT JOIN {self.d.json_each(expr, e)} ON 1 = 1", inner)

    # -- operators on one field --

    def _operators(self, expr: str, kind: FieldType, value: Any, params: list[Any], path: str) -> str | None:
        if not isinstance(value, Mapping) or as_list(value) is not None:
            items = as_list(value)
            value = {"$in": items} if items is not None else {"$eq": value}
        parts = []
        for op, operand in value.items():
            if op == "$not":
                inner = self._operators(expr, kind, operand, params, path)
                sql = f"NOT ({inner})" if inner else None
            elif op in ("$and", "$or"):
                sql = _join([p for p in (self._operators(expr, kind, i, params, path) for i in operands(operand)) if p],
                            op[1:].upper())
            elif op not in VALUE_OPERATORS:
                raise self.checker.invalid_key(str(op), path, "filters")
            else:
                sql = self._operator(expr, kind, op, operand, params, path)
            if sql:
                parts.append(sql)
        return _join(parts, "AND")

    def _operator(self, expr: str, kind: FieldType, op: str, value: Any, params: list[Any], path: str) -> str | None:
        items = as_list(value)
        if op not in _LIST_OPERATORS and items is not None:
            # Strapi: a list given to a single-value operator matches any of its items.
            parts = [self._operator(expr, kind, op, item, params, path) for item in items]
            return _join([p for p in parts if p], "OR")
        try:
            return self._compare(expr, kind, op, value, items, params)
        except BadValue:
            shown = value if isinstance(value, (str, int, float, bool)) or value is None else str(value)[:100]
            raise self.checker.invalid(f"Invalid value {shown} at {path}", "filters",
                                       key=op, path=path, value=shown) from None

    def _compare(self, expr: str, kind: FieldType, op: str, value: Any, items: list[Any] | None,
                 params: list[Any]) -> str:
        if op in ("$null", "$notNull"):
            is_null = _BOOLEAN.cast(value) == (op == "$null")
            return f"{expr} IS NULL" if is_null else f"{expr} IS NOT NULL"
        if op in ("$in", "$notIn"):
            values = [None if v is None else kind.cast(v) for v in (items if items is not None else [value])]
            if not values:  # nothing is in an empty list; everything is outside it
                return self.d.true if op == "$notIn" else self.d.false
            params.extend(values)
            return f"{expr} {'NOT IN' if op == '$notIn' else 'IN'} ({self.d.params(len(values))})"
        if op == "$between":
            if items is None or len(items) != 2:
                raise BadValue
            params.extend(kind.cast(v) for v in items)
            return f"{expr} BETWEEN {self.d.param} AND {self.d.param}"
        if value is None and op in ("$eq", "$eqi", "$ne", "$nei"):
            return f"{expr} IS NULL" if op in ("$eq", "$eqi") else f"{expr} IS NOT NULL"
        if op in _TEXT_OPERATORS:
            mode, insensitive, negated = _TEXT_OPERATORS[op]
            needle = cast_text(value)
            if len(needle) > MAX_MATCH_LENGTH:
                raise BadValue  # matching costs the stored text's length times this one's, per row
            sql, more = self.d.match_text(expr, mode, insensitive, needle)
            params.extend(more)
            return f"NOT ({sql})" if negated else sql
        if value is None:
            raise BadValue
        params.append(kind.cast(value))
        return f"{expr} {_COMPARISONS[op]} {self.d.param}"

    # -- ORDER BY --

    def order_by(self, scope: Scope, sort: list[tuple[list[str], bool]]) -> list[str]:
        """ORDER BY terms for checked sort paths; ``id`` ascending is added last to break ties."""
        terms = [self.d.order_by(self.sort_expr(scope, segments, desc), desc) for segments, desc in sort]
        if not any(segments == ["id"] for segments, _ in sort):
            terms.append(f"{self.system(scope, 'id')} ASC")
        return terms

    def sort_expr(self, scope: Scope, segments: list[str], desc: bool) -> str:
        """The value a sort path reads; through a to-many hop, its least (asc) or greatest (desc) value."""
        key, rest = segments[0], segments[1:]
        if key in system_keys(scope.model):
            return self.system(scope, key)
        attr = scope.model.attributes[key]
        if attr.is_scalar:
            return self.field(scope, attr)
        aggregate = "MAX" if desc else "MIN"
        if attr.type == "component":
            component = self.schemas.component(attr)
            expr = self.field(scope, attr)
            if not attr.repeatable:
                return self.sort_expr(Scope(component, expr=expr), rest, desc)
            e = self.alias("e")
            inner = self.sort_expr(Scope(component, expr=self.d.json_element(e)), rest, desc)
            return f"(SELECT {aggregate}({inner}) FROM {self.d.json_each(expr, e)})"
        target = self.schemas.target(attr)
        t = self.alias()
        inner = self.sort_expr(Scope(target, t), rest, desc)
        if scope.alias is None:  # media in a component
            table = self.d.quote(target.table)
            if attr.many:
                e = self.alias("e")
                return f"(SELECT {aggregate}({inner}) FROM {self._file_ids(scope, attr, e)} JOIN {table} AS {t} " \
                       f"ON {t}.id = {self.d.json_element(e, ColumnType.BIGINT)})"
            return f"(SELECT {inner} FROM {table} AS {t} WHERE {t}.id = {self.field(scope, attr, ColumnType.BIGINT)})"
        outer, key, related = self._related(scope.alias, attr, t)
        return f"(SELECT {aggregate}({inner}) FROM {related} WHERE {key} = {outer})"


# -- a condition on a row of NULLs -----------------------------------------------------------

_ABSENT = "absent"  # no condition at all (an empty filter): left out of what holds it


def null_truth(schemas: Schemas, model: Model, filters: Any, relation: bool = False) -> Any:
    """What ``filters`` gives for a row whose every field is NULL: True, False, None (unknown) or absent.

    That row is what a LEFT JOIN gives a row with nothing related, so this
    decides whether such rows match; it follows SQL's three-valued logic
    exactly as the compiled condition does.
    """
    if not isinstance(filters, Mapping) or (relation and as_list(filters) is not None):
        return _null_operators(filters) if relation else None
    results = []
    for key, value in filters.items():
        if key in ("$and", "$or"):
            combine = _and3 if key == "$and" else _or3
            results.append(combine([null_truth(schemas, model, item, relation) for item in operands(value)]))
        elif key == "$not":
            results.append(_not3(null_truth(schemas, model, value, relation)))
        elif key.startswith("$") or key in system_keys(model):
            results.append(_null_operators({key: value} if key.startswith("$") else value))
        else:
            attr = model.attributes[key]
            if attr.is_scalar:
                results.append(_null_operators(value))
            elif attr.is_linked:  # nothing is related to a NULL row: its own row of NULLs
                results.append(_exists3(null_truth(schemas, schemas.target(attr), value, relation=True)))
            elif attr.repeatable:
                results.append(_exists3(null_truth(schemas, schemas.component(attr), value)))
            else:
                results.append(null_truth(schemas, schemas.component(attr), value))
    return _and3(results)


def _null_operators(value: Any) -> Any:
    if not isinstance(value, Mapping) or as_list(value) is not None:
        items = as_list(value)
        value = {"$in": items} if items is not None else {"$eq": value}
    results = []
    for op, operand in value.items():
        if op == "$not":
            results.append(_not3(_null_operators(operand)))
        elif op in ("$and", "$or"):
            results.append((_and3 if op == "$and" else _or3)([_null_operators(i) for i in operands(operand)]))
        else:
            results.append(_null_operator(op, operand))
    return _and3(results)


def _null_operator(op: str, value: Any) -> Any:
    items = as_list(value)
    if op not in _LIST_OPERATORS and items is not None:
        return _or3([_null_operator(op, item) for item in items])
    if op in ("$null", "$notNull"):
        try:
            return bool(_BOOLEAN.cast(value)) == (op == "$null")
        except BadValue:
            return None  # refused when compiled
    if op in ("$in", "$notIn") and items == []:
        return op == "$notIn"
    if value is None and op in ("$eq", "$eqi", "$ne", "$nei"):
        return op in ("$eq", "$eqi")
    return None


def _and3(values: list[Any]) -> Any:
    values = [v for v in values if v is not _ABSENT]
    if not values:
        return _ABSENT
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or3(values: list[Any]) -> Any:
    values = [v for v in values if v is not _ABSENT]
    if not values:
        return _ABSENT
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _exists3(value: Any) -> Any:
    """An IN/EXISTS over related rows is never unknown: it holds or it does not."""
    return value if value is _ABSENT else value is True


def _not3(value: Any) -> Any:
    return value if value is None or value is _ABSENT else not value
