"""Filters: every operator against a Python reference evaluation, then relations, components, media.

The reference evaluates a filter over the inserted Python rows with SQL's
three-valued logic (a comparison with NULL is unknown, and unknown rows are
not returned), which is what Strapi's SQL does and what the engine
promises. Hypothesis generates filters over nullable string, integer,
float, boolean and datetime columns and compares both answers.
"""

from __future__ import annotations

import collections
import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minikoa.content.schema import Schemas
from minikoa.errors import ValidationError
from tests.content.test_engine import ARTICLE, CATEGORY, POST, TAG, World, ids, make_world

SAMPLE = "api::sample.sample"

STRINGS = ["apple", "Apple pie", "APPLE", "banana", "a*b", "a?c", "[x]", "50%", "under_score", "", "b", "pie"]
INTS = [-5, 0, 1, 2, 3, 10]
FLOATS = [-1.5, 0.0, 0.5, 2.25, 10.0]
DATES = ["2024-01-01T00:00:00.000Z", "2024-01-01T12:30:00.500Z", "2024-06-30T23:59:59.999Z",
         "2025-01-01T00:00:00.000Z"]
ROWS: list[dict[str, Any]] = [
    {"s": s, "n": n, "f": f, "b": b, "d": d}
    for s, n, f, b, d in zip(
        [*STRINGS, None, None, "apple"],
        [*INTS, None, 2, None, 3, -5, 0, None, 10, 1],
        [*FLOATS, None, 0.5, 2.25, None, -1.5, 0.0, 10.0, None, 0.5, 2.25],
        [True, False, None, True, False, None, True, True, False, None, False, True, None, True, False],
        [*DATES, None, DATES[0], DATES[2], None, DATES[1], DATES[3], None, DATES[0], DATES[2], None, DATES[1]],
    )
]


@pytest.fixture(scope="module")
def sample(module_database) -> World:
    s = Schemas()
    s.register(SAMPLE, {"kind": "collectionType", "collectionName": "samples",
                        "info": {"singularName": "sample", "pluralName": "samples"},
                        "attributes": {"s": {"type": "string"}, "n": {"type": "integer"}, "f": {"type": "float"},
                                       "b": {"type": "boolean"}, "d": {"type": "datetime"}}})
    s.link()
    w = World(s, module_database)
    for row in ROWS:
        w.insert(SAMPLE, row)
    return w


@pytest.fixture(scope="module")
def world(module_database) -> World:
    return make_world(module_database)


# -- the reference -----------------------------------------------------------------------

KINDS = {"s": "string", "n": "number", "f": "number", "b": "boolean", "d": "datetime", "id": "number"}


#: An empty ``$and``/``$or``/``$not`` (or an operator given an empty list) adds no condition at all,
#: as knex drops empty groups: it is left out of whatever holds it, and a filter of nothing matches all.
ABSENT = "absent"


def _and(values: list[Any]) -> Any:
    values = [v for v in values if v is not ABSENT]
    if not values:
        return ABSENT
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or(values: list[Any]) -> Any:
    values = [v for v in values if v is not ABSENT]
    if not values:
        return ABSENT
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _not(value: Any) -> Any:
    return value if value is None or value is ABSENT else not value


def _truthy(value: Any) -> bool:
    return value in (True, "true", "1", 1)


def _instant(value: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def _cast(kind: str, value: Any) -> Any:
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return _truthy(value)
    if kind == "datetime":
        return _instant(value)
    return value


def _stored(kind: str, value: Any) -> Any:
    if value is None:
        return None
    return _instant(value) if kind == "datetime" else float(value) if kind == "number" else value


SAMPLE_MODEL: dict[str, Any] = {"kinds": KINDS, "relations": {}}
#: The row a LEFT JOIN gives when nothing is related: every field NULL.
NULL_ROW: dict[str, Any] = collections.defaultdict(lambda: None)


def reference(row: dict[str, Any], filters: Any, model: dict[str, Any] = SAMPLE_MODEL,
              relation: bool = False) -> Any:
    """True, False, None (unknown) or ABSENT: ``filters`` on ``row`` of ``model``.

    ``model``: ``{"kinds": {field: kind}, "relations": {name: (target model, row -> related rows)}}``;
    ``relation``: the target of a relation, where operators and bare values apply to ``id``.
    """
    if relation and not isinstance(filters, dict):
        return _operators(_stored("number", row["id"]), "number", filters)
    return _and([_key(row, key, value, model, relation) for key, value in filters.items()])


def _key(row: dict[str, Any], key: str, value: Any, model: dict[str, Any], relation: bool) -> Any:
    if key == "$and":
        return _and([reference(row, item, model, relation) for item in value])
    if key == "$or":
        return _or([reference(row, item, model, relation) for item in value])
    if key == "$not":
        return _not(reference(row, value, model, relation))
    if key.startswith("$"):
        return _operator(_stored("number", row["id"]), "number", key, value)
    if key in model["relations"]:
        target, related = model["relations"][key]
        # Some related row matches; with nothing related, the LEFT JOIN's row of NULLs is tested.
        results = [reference(r, value, target, relation=True) for r in (related(row) or [NULL_ROW])]
        if all(r is ABSENT for r in results):
            return ABSENT
        return any(r is True for r in results)
    kind = model["kinds"][key]
    return _operators(_stored(kind, row[key]), kind, value)


def _operators(x: Any, kind: str, value: Any) -> bool | None:
    if not isinstance(value, dict):
        value = {"$in": value} if isinstance(value, list) else {"$eq": value}
    return _and([_operator(x, kind, op, operand) for op, operand in value.items()])


_TEXT = {"$eqi": lambda x, v: x == v, "$nei": lambda x, v: x != v, "$contains": lambda x, v: v in x,
         "$notContains": lambda x, v: v not in x, "$startsWith": lambda x, v: x.startswith(v),
         "$endsWith": lambda x, v: x.endswith(v)}
_TEXT_I = {"$containsi": "$contains", "$notContainsi": "$notContains", "$startsWithi": "$startsWith",
           "$endsWithi": "$endsWith"}
_COMPARE = {"$eq": lambda x, v: x == v, "$ne": lambda x, v: x != v, "$lt": lambda x, v: x < v,
            "$lte": lambda x, v: x <= v, "$gt": lambda x, v: x > v, "$gte": lambda x, v: x >= v}


def _operator(x: Any, kind: str, op: str, value: Any) -> bool | None:
    if op == "$not":
        return _not(_operators(x, kind, value))
    if isinstance(value, list) and op not in ("$in", "$notIn", "$between"):
        return _or([_operator(x, kind, op, item) for item in value])
    if op == "$null":
        return (x is None) == _truthy(value)
    if op == "$notNull":
        return (x is not None) == _truthy(value)
    if value is None and op in ("$eq", "$eqi", "$ne", "$nei"):
        return (x is None) == (op in ("$eq", "$eqi"))
    if op in ("$in", "$notIn"):
        items = value if isinstance(value, list) else [value]
        if not items:
            return op == "$notIn"
        if x is None:
            return None
        found = any(x == _cast(kind, item) for item in items)
        return found if op == "$in" else not found
    if x is None:
        return None
    if op == "$between":
        low, high = (_cast(kind, v) for v in value)
        return low <= x <= high
    if op in _TEXT_I:
        return _TEXT[_TEXT_I[op]](x.lower(), value.lower())
    if op in ("$eqi", "$nei"):
        return _TEXT[op](x.lower(), value.lower())
    if op in _TEXT:
        return _TEXT[op](x, value)
    return _COMPARE[op](x, _cast(kind, value))


def expected_ids(filters: dict[str, Any]) -> list[int]:
    return [i for i, row in enumerate(ROWS, 1) if reference(row, filters) in (True, ABSENT)]


def found_ids(world: World, filters: dict[str, Any]) -> list[int]:
    return ids(world.engine.find(SAMPLE, {"filters": filters}))


# -- generated filters -----------------------------------------------------------------

def _datetime_text(value: str) -> st.SearchStrategy[str]:
    moment = _instant(value)
    return st.sampled_from([
        value,
        moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        moment.astimezone(datetime.timezone(datetime.timedelta(hours=2))).isoformat(),
        moment.strftime("%Y-%m-%d"),
    ])


_TEXT_CHARS = st.text(alphabet="aApPlLeEb*?[]%_ ", max_size=4)
_bools = st.sampled_from([True, False, "true", "false", "1", "0"])
VALUES = {
    "s": st.one_of(st.sampled_from([v for v in STRINGS if v]), _TEXT_CHARS),
    "n": st.one_of(st.sampled_from(INTS), st.sampled_from(INTS).map(str), st.sampled_from(["2.5", "-0.5"])),
    "f": st.one_of(st.sampled_from(FLOATS), st.sampled_from(FLOATS).map(str), st.integers(-2, 3)),
    "b": _bools,
    "d": st.sampled_from(DATES).flatmap(_datetime_text),
}
ORDERED = ["$eq", "$ne", "$lt", "$lte", "$gt", "$gte", "$in", "$notIn", "$between"]
TEXT_OPS = ["$eqi", "$nei", "$contains", "$notContains", "$containsi", "$notContainsi", "$startsWith",
            "$startsWithi", "$endsWith", "$endsWithi"]
OPS = {"s": ORDERED + TEXT_OPS, "n": ORDERED, "f": ORDERED, "d": ORDERED, "b": ["$eq", "$ne", "$in", "$notIn"]}


@st.composite
def leaf(draw: st.DrawFn) -> dict[str, Any]:
    field = draw(st.sampled_from(sorted(VALUES)))
    values = VALUES[field]
    op = draw(st.sampled_from([*OPS[field], "$null", "$notNull", "shorthand", "$eq-list", "$eq-null"]))
    if op in ("$null", "$notNull"):
        condition: Any = {op: draw(_bools)}
    elif op == "shorthand":
        condition = draw(st.one_of(values, st.lists(values, max_size=3)))
    elif op == "$eq-list":
        condition = {draw(st.sampled_from(["$eq", "$ne", "$lt"])): draw(st.lists(values, max_size=3))}
    elif op == "$eq-null":
        condition = {draw(st.sampled_from(["$eq", "$ne"])): None}
    elif op in ("$in", "$notIn"):
        condition = {op: draw(st.lists(values, max_size=4))}
    elif op == "$between":
        condition = {op: draw(st.lists(values, min_size=2, max_size=2))}
    else:
        condition = {op: draw(values)}
    if draw(st.integers(0, 5)) == 0:
        condition = {"$not": condition if isinstance(condition, dict) else {"$eq": condition}}
    return {field: condition}


filters_strategy = st.recursive(
    leaf(),
    lambda children: st.one_of(
        st.builds(lambda items: {"$and": items}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda items: {"$or": items}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda item: {"$not": item}, children),
        st.builds(lambda a, b: {**a, **b}, children, children),
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=filters_strategy)
def test_generated_filters_match_the_reference(sample: World, filters: dict[str, Any]) -> None:
    assert found_ids(sample, filters) == expected_ids(filters)


# Each operator at least once, on each type it applies to, with a NULL-holding column.
CASES = [
    *({"s": {op: v}} for op in TEXT_OPS for v in ("apple", "APP", "a*", "?", "[", "%", "_", "pie", "")),
    *({field: {op: v}} for field, v in (("s", "b"), ("n", "2"), ("n", 2), ("f", "0.5"), ("d", DATES[1]),
                                        ("d", "2024-01-01"), ("d", "2024-01-01T13:30:00+01:00"))
      for op in ("$eq", "$ne", "$lt", "$lte", "$gt", "$gte")),
    *({field: {op: v}} for field in ("s", "n", "f", "b", "d") for op in ("$null", "$notNull")
      for v in (True, False, "true", "false")),
    {"n": {"$in": ["1", "2", 10]}}, {"n": {"$notIn": ["1", "2"]}}, {"n": {"$in": []}}, {"n": {"$notIn": []}},
    {"s": {"$in": ["apple", "b"]}}, {"s": {"$notIn": ["apple"]}}, {"b": {"$in": ["true"]}},
    {"n": {"$between": ["0", "3"]}}, {"f": {"$between": [0, 2.25]}}, {"d": {"$between": [DATES[0], DATES[2]]}},
    {"s": {"$between": ["a", "b"]}}, {"n": {"$between": [3, 0]}},
    {"b": True}, {"b": "false"}, {"b": {"$ne": True}}, {"n": "3"}, {"n": ["1", "3"]}, {"n": {"$eq": ["1", "3"]}},
    {"s": {"$eq": None}}, {"s": {"$ne": None}}, {"n": {"$ne": 2}},
    {"$or": [{"n": 1}, {"s": "banana"}]}, {"$and": [{"n": {"$gt": 0}}, {"f": {"$lt": 1}}]},
    {"$not": {"n": {"$gt": 1}}}, {"n": {"$not": {"$gt": 1}}}, {"$not": {"$or": [{"n": 1}, {"b": True}]}},
    {"n": {"$gt": 0, "$lt": 10}}, {"$and": []}, {"$or": []}, {}, {"n": {"$eq": []}}, {"$not": {"n": {"$lt": []}}},
    {"$or": [{}, {"n": 1}]}, {"$not": {}}, {"n": {"$not": {}}},
]


@pytest.mark.parametrize("filters", CASES, ids=[str(c) for c in CASES])
def test_each_operator_matches_the_reference(sample: World, filters: dict[str, Any]) -> None:
    assert found_ids(sample, filters) == expected_ids(filters)


def test_reference_sanity(sample: World) -> None:
    # The reference itself: SQL three-valued logic keeps NULLs out of negations.
    assert expected_ids({"n": {"$ne": 2}}) == [1, 2, 3, 5, 6, 10, 11, 12, 14, 15]  # not 7, 9, 13 (NULL)
    assert found_ids(sample, {"s": {"$containsi": "APPLE"}}) == [1, 2, 3, 15]
    assert found_ids(sample, {"s": {"$contains": "*"}}) == [5]
    assert found_ids(sample, {"s": {"$startsWith": "a"}}) == [1, 5, 6, 15]


def test_qs_style_lists(sample: World) -> None:
    assert found_ids(sample, {"n": {"$in": {"0": "1", "1": "2"}}}) == expected_ids({"n": {"$in": ["1", "2"]}})
    assert found_ids(sample, {"$or": {"0": {"n": "1"}, "1": {"n": "2"}}}) == expected_ids({"n": {"$in": [1, 2]}})
    assert found_ids(sample, {"n": {"$in": "3"}}) == expected_ids({"n": 3})


@pytest.mark.parametrize("filters", [
    {"n": {"$eq": "abc"}}, {"n": "1e999"}, {"f": {"$gt": "x"}}, {"b": "maybe"}, {"b": {"$null": "maybe"}},
    {"d": {"$lt": "yesterday"}}, {"n": {"$between": ["1"]}}, {"n": {"$between": "1"}}, {"n": {"$lt": None}},
    {"s": {"$contains": {"a": 1}}}, {"n": {"$eq": {"$foo": 1}}}, {"s": {"$startsWith": None}},
])
def test_uncastable_values_are_400(sample: World, filters: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as err:
        sample.engine.find(SAMPLE, {"filters": filters})
    assert err.value.status == 400 and err.value.details["param"] == "filters"


def test_uncastable_value_details(sample: World) -> None:
    with pytest.raises(ValidationError) as err:
        sample.engine.find(SAMPLE, {"filters": {"n": {"$eq": "abc"}}})
    assert err.value.message == "Invalid value abc at n"
    assert err.value.details == {"key": "$eq", "path": "n", "value": "abc", "source": "query", "param": "filters"}


@pytest.mark.parametrize("filters, message", [
    ({"$foo": 1}, "Invalid key $foo"),
    ({"n": {"bar": 1}}, "Invalid key bar at n"),
    ({"n": {"$not": {"$foo": 1}}}, "Invalid key $foo at n"),
    ({"$or": [{"n": 1}, {"zzz": 1}]}, "Invalid key zzz"),
    ({"$eq": 1}, "Invalid key $eq"),
])
def test_invalid_keys(sample: World, filters: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as err:
        sample.engine.find(SAMPLE, {"filters": filters})
    assert err.value.message == message


def test_filters_must_be_an_object(sample: World) -> None:
    with pytest.raises(ValidationError):
        sample.engine.find(SAMPLE, {"filters": "n=1"})


def test_values_are_bound_not_spliced(sample: World) -> None:
    assert found_ids(sample, {"s": "x' OR '1'='1"}) == []
    assert found_ids(sample, {"s": {"$contains": "'"}}) == []


# -- system fields ------------------------------------------------------------------------

def test_filter_by_id_and_document_id(world: World) -> None:
    e = world.engine
    assert ids(e.find(ARTICLE, {"filters": {"id": {"$eq": "3"}}})) == [3]
    assert ids(e.find(ARTICLE, {"filters": {"documentId": {"$eq": "art3"}}})) == [3]
    assert ids(e.find(ARTICLE, {"filters": {"id": {"$in": ["1", "4"]}}})) == [1, 4]
    assert ids(e.find(ARTICLE, {"filters": {"createdAt": {"$lte": "2026-01-02T04:04:05.678+01:00"}}})) == \
        [1, 2, 3, 4, 5, 6]
    assert ids(e.find(ARTICLE, {"filters": {"publishedAt": {"$null": "true"}}})) == []
    assert ids(e.find(POST, {"filters": {"publishedAt": {"$null": True}}})) == [1, 3]


def test_recorded_filters(world: World) -> None:
    e = world.engine
    assert ids(e.find(ARTICLE, {"filters": {"title": {"$eq": "Article 3"}}})) == [3]
    assert ids(e.find(ARTICLE, {"filters": {"views": "4"}})) == [5]
    assert ids(e.find(ARTICLE, {"filters": {"title": {"$containsi": "ARTICLE 1"}}})) == [1]
    assert ids(e.find(ARTICLE, {"filters": {"views": {"$in": ["1", "2"]}}})) == [2, 3]
    assert ids(e.find(ARTICLE, {"filters": {"body": {"$null": "true"}}})) == [2, 5]
    assert e.count(ARTICLE, {"filters": {"body": {"$notNull": "true"}}}) == 4
    assert ids(e.find(ARTICLE, {"filters": {"$or": [{"views": {"$eq": "1"}}, {"title": {"$eq": "Article 5"}}]}})) \
        == [2, 5]
    assert ids(e.find(ARTICLE, {"filters": {"title": {"$startsWith": "Article"}}})) == [1, 2, 3, 4, 5]


# -- relations --------------------------------------------------------------------------

@pytest.mark.parametrize("filters, expected", [
    ({"category": {"name": {"$eq": "Tech"}}}, [1, 3, 5]),
    ({"category": {"name": "Science"}}, [2]),
    ({"category": {"name": {"$ne": "Tech"}}}, [2, 4]),
    ({"category": {"id": {"$null": True}}}, [6]),              # no category: the LEFT JOIN's NULLs
    ({"category": {"$null": "true"}}, [6]),
    ({"category": {"$notNull": True}}, [1, 2, 3, 4, 5]),
    ({"category": 2}, [2]),
    ({"category": ["2", "3"]}, [2, 4]),
    ({"category": {"$in": [1, 3]}, "views": {"$gt": 1}}, [3, 4, 5]),
    ({"category": {"documentId": "cat3"}}, [4]),
    ({"tags": {"label": "green"}}, [1, 2]),                     # to-many: any related row
    ({"tags": {"label": "red", "id": 3}}, []),                  # both on the same related row
    ({"$and": [{"tags": {"label": "red"}}, {"tags": {"label": "blue"}}]}, [3]),
    ({"tags": {"$or": [{"label": "blue"}, {"label": "green"}]}}, [1, 2, 3]),
    ({"$not": {"tags": {"label": "red"}}}, [2, 4, 5, 6]),
    ({"category": {"articles": {"title": "Article 4"}}}, [4]),  # owner side, then inverse side
    ({"tags": {"articles": {"category": {"name": "Science"}}}}, [1, 2]),
    ({"cover": {"name": "f2.png"}}, [2]),                       # media of a content-type
    ({"gallery": {"name": {"$in": ["f3.png"]}}}, [1]),
    ({"cover": {"id": {"$null": True}}}, [3, 4, 5, 6]),
])
def test_filters_through_relations(world: World, filters: dict[str, Any], expected: list[int]) -> None:
    assert ids(world.engine.find(ARTICLE, {"filters": filters})) == expected


def test_filters_through_inverse_relations(world: World) -> None:
    e = world.engine
    names = lambda found: [c["name"] for c in found]  # noqa: E731
    assert names(e.find(CATEGORY, {"filters": {"articles": {"title": {"$startsWith": "Article"}}}})) == \
        ["Tech", "Science", "Sports"]
    assert names(e.find(CATEGORY, {"filters": {"articles": {"id": {"$null": True}}}})) == ["Empty"]
    assert [t["label"] for t in e.find(TAG, {"filters": {"articles": {"views": {"$gte": 2}}}})] == ["red", "blue"]


def test_deep_filters_read_targets_in_the_query_status(world: World) -> None:
    e = world.engine
    # post1's draft is "P1 draft", its published version "P1 published"; post2 is a draft only.
    assert ids(e.find(ARTICLE, {"filters": {"featured": {"title": {"$contains": "draft"}}}})) == [1, 2]
    assert ids(e.find(ARTICLE, {"filters": {"featured": {"title": {"$contains": "draft"}}}},
                      status="published")) == []
    assert ids(e.find(ARTICLE, {"filters": {"featured": {"title": {"$notNull": True}}}},
                      status="published")) == [1]
    published = e.find(CATEGORY, {"filters": {"posts": {"title": {"$notNull": True}}}}, status="published")
    assert [c["name"] for c in published] == ["Tech"]
    drafts = e.find(CATEGORY, {"filters": {"posts": {"title": {"$notNull": True}}}}, status="draft")
    assert [c["name"] for c in drafts] == ["Tech", "Science"]


# -- components and media inside them ------------------------------------------------------

@pytest.mark.parametrize("filters, expected", [
    ({"seo": {"title": "Seo one"}}, [1]),
    ({"seo": {"title": {"$null": True}}}, [3, 4, 5, 6]),
    ({"seo": {"meta": {"robots": False}}}, [2]),
    ({"seo": {"meta": {"keywords": {"$containsi": "BETA"}}}}, [1]),
    ({"seo": {"id": 2}}, [2]),
    ({"links": {"label": "docs"}}, [1, 2]),                       # repeatable: any element
    ({"links": {"label": "docs", "clicks": {"$gt": 5}}}, [1]),    # both on one element
    ({"links": {"label": "home", "clicks": 10}}, []),
    ({"links": {"clicks": {"$null": True}}}, [3, 4, 5, 6]),        # no element: tested once with NULLs
    ({"$not": {"links": {"label": "docs"}}}, [3, 4, 5, 6]),
    ({"seo": {"image": {"name": "f1.png"}}}, [1]),                # media inside a component
    ({"seo": {"image": {"id": {"$null": True}}}}, [2, 3, 4, 5, 6]),
])
def test_filters_through_components(world: World, filters: dict[str, Any], expected: list[int]) -> None:
    assert ids(world.engine.find(ARTICLE, {"filters": filters})) == expected


def test_filters_through_multiple_media_in_a_component() -> None:
    w = World(_media_component_schemas())
    w.insert("api::album.album", {"title": "a", "shots": {"id": 1, "photos": [2, 3]}})
    w.insert("api::album.album", {"title": "b", "shots": {"id": 2, "photos": []}})
    for i in range(1, 4):
        w.insert("plugin::upload.file", {"name": f"p{i}", "url": f"/p{i}"})
    assert ids(w.engine.find("api::album.album", {"filters": {"shots": {"photos": {"name": "p3"}}}})) == [1]
    assert ids(w.engine.find("api::album.album", {"filters": {"shots": {"photos": {"name": "p1"}}}})) == []
    assert ids(w.engine.find("api::album.album", {"sort": "shots.photos.name:desc"})) == [1, 2]


def _media_component_schemas() -> Schemas:
    s = Schemas()
    s.register_component("media.shots", {"attributes": {"photos": {"type": "media", "multiple": True}}})
    s.register("api::album.album", {"kind": "collectionType", "collectionName": "albums",
                                    "info": {"singularName": "album", "pluralName": "albums"},
                                    "attributes": {"title": {"type": "string"},
                                                   "shots": {"type": "component", "component": "media.shots"}}})
    s.link()
    return s


@pytest.mark.parametrize("filters, message", [
    ({"blocks": {"text": "x"}}, "Invalid key blocks"),
    ({"seo": {"nope": 1}}, "Invalid key nope at seo"),
    ({"category": {"nope": 1}}, "Invalid key nope at category"),
    ({"category": {"name": {"$foo": 1}}}, "Invalid key $foo at category.name"),
    ({"category": {"$foo": 1}}, "Invalid key $foo at category"),
    ({"links": {"documentId": "x"}}, "Invalid key documentId at links"),
])
def test_invalid_keys_through_relations_and_components(world: World, filters: dict[str, Any],
                                                       message: str) -> None:
    with pytest.raises(ValidationError) as err:
        world.engine.find(ARTICLE, {"filters": filters})
    assert err.value.message == message


def test_sql_through_relations_is_one_statement(world: World) -> None:
    with world.statements() as seen:
        world.engine.find(ARTICLE, {"filters": {"tags": {"articles": {"category": {"name": "Tech"}}}},
                                    "fields": ["title"]})
    assert len(seen) == 1 and seen[0].count("IN (SELECT") == 3


# -- generated filters through relations, against the same reference ------------------------

def _blog_reference(world: World) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The blog's articles as Python rows, and their model with category, tags and back."""
    q = world.db.query
    articles = {r[0]: {"id": r[0], "title": r[1], "views": r[2]} for r in q("SELECT id, title, views FROM articles")}
    categories = {r[1]: {"id": r[0], "name": r[2]} for r in q("SELECT id, document_id, name FROM categories")}
    tags = {r[1]: {"id": r[0], "label": r[2]} for r in q("SELECT id, document_id, label FROM tags")}
    by_doc = {a["id"]: f"art{a['id']}" for a in articles.values()}

    def links(table: str, targets: dict[str, Any]) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = collections.defaultdict(list)
        for source, target in q(f"SELECT source_id, target_document_id FROM {table} ORDER BY ord"):
            out[source].append(targets[target])
        return out

    article_category = links("articles_category_lnk", categories)
    article_tags = links("articles_tags_lnk", tags)
    article = {"kinds": {"id": "number", "title": "string", "views": "number"}, "relations": {}}
    category = {"kinds": {"id": "number", "name": "string"}, "relations": {}}
    tag = {"kinds": {"id": "number", "label": "string"}, "relations": {}}
    article["relations"] = {"category": (category, lambda r: article_category.get(r["id"], [])),
                            "tags": (tag, lambda r: article_tags.get(r["id"], []))}
    category["relations"]["articles"] = (article, lambda r: [
        articles[a] for a, cats in article_category.items() if r["id"] in [c["id"] for c in cats]])
    tag["relations"]["articles"] = (article, lambda r: [
        articles[a] for a, ts in article_tags.items() if r["id"] in [t["id"] for t in ts]])
    assert by_doc
    return sorted(articles.values(), key=lambda a: a["id"]), article


_NAMES = ["Tech", "Science", "Empty", "x"]
_LABELS = ["red", "green", "blue"]
_TITLES = ["Article 1", "article 6", "Article"]


def _condition(draw: st.DrawFn, values: list[Any], text: bool) -> Any:
    """A condition on one field: a bare value, an operator, ``$null``/``$notNull``, a ``$not``."""
    ops = ["$eq", "$ne", "$lt", "$gte", "$in", "$notIn"] + (["$containsi", "$startsWith"] if text else [])
    value = draw(st.sampled_from(values))
    form = draw(st.integers(0, 3))
    if form == 0:
        return value
    if form == 1:
        op = draw(st.sampled_from(ops))
        return {op: [value] if op in ("$in", "$notIn") else value}
    if form == 2:
        return {draw(st.sampled_from(["$null", "$notNull"])): draw(st.booleans())}
    return {"$not": {"$eq": value}}


_IDS = [1, 2, 3, 4, 5, "1", "3"]


@st.composite
def article_leaf(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        return {"views": _condition(draw, [0, 1, 2, 3, 4, 5], False)}
    return {"title": _condition(draw, _TITLES, True)}


@st.composite
def category_leaf(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.integers(0, 2)):
        return {"name": _condition(draw, _NAMES, True)}
    return {"articles": draw(target_filter(article_leaf()))}


@st.composite
def tag_leaf(draw: st.DrawFn) -> dict[str, Any]:
    return {"label": _condition(draw, _LABELS, True)}


@st.composite
def target_filter(draw: st.DrawFn, leaf: st.SearchStrategy[dict[str, Any]]) -> Any:
    """A filter on a relation's target: its fields, its id (bare or by operator), combinations."""
    form = draw(st.integers(0, 7))
    if form == 0:
        return {"id": _condition(draw, _IDS, False)}
    if form == 1:
        return draw(st.one_of(st.sampled_from(_IDS), st.lists(st.sampled_from(_IDS), max_size=2)))
    if form == 2:
        return {draw(st.sampled_from(["$null", "$notNull"])): draw(st.booleans())}
    if form == 3:
        return {"$or": draw(st.lists(leaf, max_size=2))}
    if form == 4:
        return {"$not": draw(leaf)}
    if form == 5:
        return {**draw(leaf), **draw(leaf)}
    return draw(leaf)


@st.composite
def relation_filter(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    """Filters on articles through category (to-one, and back to articles) and tags (to-many)."""
    form = draw(st.integers(0, 8 if depth < 2 else 2))
    if form == 0:
        return draw(article_leaf())
    if form == 1:
        return {"category": draw(target_filter(category_leaf()))}
    if form == 2:
        return {"tags": draw(target_filter(tag_leaf()))}
    if form in (3, 4):
        return {"$and": draw(st.lists(relation_filter(depth + 1), max_size=3))}
    if form in (5, 6):
        return {"$or": draw(st.lists(relation_filter(depth + 1), max_size=3))}
    return {"$not": draw(relation_filter(depth + 1))}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=relation_filter())
def test_generated_relation_filters_match_the_reference(world: World, filters: dict[str, Any]) -> None:
    rows, model = _blog_reference(world)
    expected = [r["id"] for r in rows if reference(r, filters, model) in (True, ABSENT)]
    assert ids(world.engine.find(ARTICLE, {"filters": filters})) == expected
