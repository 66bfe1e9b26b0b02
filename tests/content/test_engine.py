"""The query engine: entries, fields, sort, pagination, parameter checks, row ids.

Filters are in test_filters.py, populate in test_populate.py; both use the
schemas and data built here (``make_world``), inserted with plain SQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from minikoa.content.engine import QueryEngine
from minikoa.content.query import Query
from minikoa.content.schema import Schemas
from minikoa.content.tables import sync
from minikoa.db import SQLiteDatabase as Database
from minikoa.errors import PaginationError, ValidationError

ARTICLE = "api::article.article"
CATEGORY = "api::category.category"
TAG = "api::tag.tag"
POST = "api::post.post"
THING = "api::thing.thing"
NOW = "2026-01-02T03:04:05.678Z"


def _type(plural: str, singular: str, attributes: dict[str, Any], dp: bool = False) -> dict[str, Any]:
    return {"kind": "collectionType", "collectionName": plural,
            "info": {"singularName": singular, "pluralName": plural},
            "options": {"draftAndPublish": dp}, "attributes": attributes}


def blog_schemas() -> Schemas:
    """Article/category as in the Strapi contract, plus tags, media, components, a dynamic zone, D&P posts."""
    s = Schemas()
    s.register_component("shared.meta", {"attributes": {"keywords": {"type": "string"},
                                                        "robots": {"type": "boolean"}}})
    s.register_component("shared.seo", {"attributes": {
        "title": {"type": "string"}, "description": {"type": "text"},
        "image": {"type": "media", "multiple": False},
        "meta": {"type": "component", "component": "shared.meta"}}})
    s.register_component("shared.link", {"attributes": {"label": {"type": "string"}, "url": {"type": "string"},
                                                        "clicks": {"type": "integer"}}})
    s.register_component("shared.quote", {"attributes": {"text": {"type": "text"}, "author": {"type": "string"}}})
    s.register_component("shared.media", {"attributes": {"caption": {"type": "string"},
                                                         "file": {"type": "media", "multiple": False},
                                                         "files": {"type": "media", "multiple": True}}})
    s.register(CATEGORY, _type("categories", "category", {
        "name": {"type": "string", "required": True},
        "articles": {"type": "relation", "relation": "oneToMany", "target": ARTICLE, "mappedBy": "category"},
        "posts": {"type": "relation", "relation": "oneToMany", "target": POST, "mappedBy": "category"},
    }))
    s.register(TAG, _type("tags", "tag", {
        "label": {"type": "string"},
        "articles": {"type": "relation", "relation": "manyToMany", "target": ARTICLE, "mappedBy": "tags"},
    }))
    s.register(ARTICLE, _type("articles", "article", {
        "title": {"type": "string", "required": True, "maxLength": 80},
        "body": {"type": "text"},
        "views": {"type": "integer", "min": 0},
        "published": {"type": "boolean"},
        "slug": {"type": "uid", "targetField": "title"},
        "secret": {"type": "string", "private": True},
        "category": {"type": "relation", "relation": "manyToOne", "target": CATEGORY, "inversedBy": "articles"},
        "tags": {"type": "relation", "relation": "manyToMany", "target": TAG, "inversedBy": "articles"},
        "featured": {"type": "relation", "relation": "oneToOne", "target": POST},
        "cover": {"type": "media", "multiple": False},
        "gallery": {"type": "media", "multiple": True},
        "seo": {"type": "component", "component": "shared.seo"},
        "links": {"type": "component", "component": "shared.link", "repeatable": True},
        "blocks": {"type": "dynamiczone", "components": ["shared.quote", "shared.media", "shared.link"]},
    }))
    s.register(POST, _type("posts", "post", {
        "title": {"type": "string"},
        "category": {"type": "relation", "relation": "manyToOne", "target": CATEGORY, "inversedBy": "posts"},
    }, dp=True))
    s.register(THING, _type("things", "thing", {
        "aString": {"type": "string"}, "aText": {"type": "text"}, "aRichtext": {"type": "richtext"},
        "anEmail": {"type": "email"}, "aPassword": {"type": "password"}, "aUid": {"type": "uid"},
        "anEnum": {"type": "enumeration", "enum": ["a", "b"]}, "someBlocks": {"type": "blocks"},
        "someJson": {"type": "json"}, "anInteger": {"type": "integer"}, "aBig": {"type": "biginteger"},
        "aFloat": {"type": "float"}, "aDecimal": {"type": "decimal"}, "aBool": {"type": "boolean"},
        "aDate": {"type": "date"}, "aTime": {"type": "time"}, "aDatetime": {"type": "datetime"},
        "aTimestamp": {"type": "timestamp"}, "hidden": {"type": "string", "private": True},
    }))
    s.link()
    return s


class World:
    """A database, its schemas, an engine, and helpers to insert rows the way the document service stores them."""

    def __init__(self, schemas: Schemas, db: Any = None) -> None:
        self.schemas = schemas
        self.db = db if db is not None else Database()
        sync(self.db, schemas)
        self.engine = QueryEngine(self.db, schemas)
        self.docs: dict[str, str] = {}

    def insert(self, uid: str, values: dict[str, Any], *, doc: str | None = None, published: bool = True,
               links: dict[str, list[str]] | None = None, at: str = NOW) -> int:
        """One row (``values`` by attribute name) and its owner-side links (attribute -> target documentIds)."""
        model = self.schemas.types[uid]
        columns: dict[str, Any] = {"document_id": doc or f"{model.table}-{len(self.docs)}"}
        for name, value in values.items():
            attr = model.attributes[name]
            if attr.type == "boolean" and value is not None:
                value = bool(value)
            elif attr.is_json and value is not None:
                value = json.dumps(value)
            columns[attr.column] = value
        columns.update(created_at=at, updated_at=at, published_at=at if published else None)
        d = self.db.dialect
        row_id = self.db.insert(d.insert(model.table, list(columns)), list(columns.values()))
        for name, targets in (links or {}).items():
            link = model.attributes[name].link
            for ord_, target in enumerate(targets, 1):
                self.db.execute(d.insert(link.table, ("source_id", "target_document_id", "ord")),
                                [row_id, target, ord_])
        self.docs[columns["document_id"]] = uid
        return row_id

    @contextmanager
    def statements(self) -> Iterator[list[str]]:
        """The SQL statements run inside the block."""
        seen: list[str] = []
        if not isinstance(self.db, Database):  # PostgreSQL: every statement goes through execute
            run = self.db.execute
            self.db.execute = lambda sql, params=(): (seen.append(sql), run(sql, params))[1]
            try:
                yield seen
            finally:
                del self.db.execute
            return
        conn: sqlite3.Connection = self.db.conn
        conn.set_trace_callback(seen.append)
        try:
            yield seen
        finally:
            conn.set_trace_callback(None)


def make_world(db: Any = None) -> World:
    """Files, categories, tags, six articles, D&P posts and two things, with fixed documentIds (in ``db``, or
    a new in-memory SQLite database)."""
    w = World(blog_schemas(), db)
    for i in range(1, 5):
        w.insert("plugin::upload.file", {"name": f"f{i}.png", "url": f"/uploads/f{i}.png", "mime": "image/png",
                                         "size": 1.5 * i, "width": 10 * i, "formats": {"thumb": {"w": i}}},
                 doc=f"file{i}")
    for i, name in enumerate(["Tech", "Science", "Sports", "Empty"], 1):
        w.insert(CATEGORY, {"name": name}, doc=f"cat{i}")
    for i, label in enumerate(["red", "green", "blue"], 1):
        w.insert(TAG, {"label": label}, doc=f"tag{i}")
    w.insert(POST, {"title": "P1 draft"}, doc="post1", published=False, links={"category": ["cat1"]})
    w.insert(POST, {"title": "P1 published"}, doc="post1", links={"category": ["cat1"]})
    w.insert(POST, {"title": "P2 draft only"}, doc="post2", published=False, links={"category": ["cat2"]})
    articles = [
        dict(title="Article 1", body="Hello world", views=0, published=False, secret="s1",
             seo={"id": 1, "title": "Seo one", "description": "d1", "image": 1,
                  "meta": {"id": 1, "keywords": "alpha,beta", "robots": True}},
             links=[{"id": 1, "label": "home", "url": "/", "clicks": 3},
                    {"id": 2, "label": "docs", "url": "/docs", "clicks": 10}],
             blocks=[{"__component": "shared.quote", "id": 1, "text": "To be", "author": "WS"},
                     {"__component": "shared.media", "id": 1, "caption": "pic", "file": 2, "files": [3, 1]}]),
        dict(title="Article 2", body=None, views=1, published=True, secret="s2",
             seo={"id": 2, "title": "Seo two", "description": None, "image": None,
                  "meta": {"id": 2, "keywords": "gamma", "robots": False}},
             links=[{"id": 3, "label": "docs", "url": "/d", "clicks": 1}], blocks=[]),
        dict(title="Article 3", body="Third", views=2, published=False, secret=None, seo=None, links=[],
             blocks=None),
        dict(title="Article 4", body="Fourth", views=3, published=True, secret="s4"),
        dict(title="Article 5", body=None, views=4, published=None),
        dict(title="article 6", body="lower", views=None, published=False),
    ]
    links = [
        {"category": ["cat1"], "tags": ["tag1", "tag2"], "cover": ["file1"], "gallery": ["file3", "file2"],
         "featured": ["post1"]},
        {"category": ["cat2"], "tags": ["tag2"], "cover": ["file2"], "featured": ["post2"]},
        {"category": ["cat1"], "tags": ["tag3", "tag1"]},
        {"category": ["cat3"]},
        {"category": ["cat1"]},
        {},
    ]
    for i, (values, link) in enumerate(zip(articles, links), 1):
        w.insert(ARTICLE, values, doc=f"art{i}", links=link)
    w.insert(THING, {
        "aString": "s", "aText": "t", "aRichtext": "# r", "anEmail": "a@b.c", "aPassword": "$2b$hash",
        "aUid": "u-1", "anEnum": "a", "someBlocks": [{"type": "paragraph", "children": []}],
        "someJson": {"k": [1, 2]}, "anInteger": 7, "aBig": 9007199254740993, "aFloat": 1.25, "aDecimal": 2.5,
        "aBool": True, "aDate": "2024-02-29", "aTime": "12:30:00.000", "aDatetime": "2024-01-02T03:04:05.000Z",
        "aTimestamp": "2024-01-02T03:04:05.000Z", "hidden": "h"}, doc="thing1")
    w.insert(THING, {}, doc="thing2")
    return w


@pytest.fixture(scope="module")
def world(module_database) -> World:
    return make_world(module_database)


def ids(entries: list[dict[str, Any]]) -> list[int]:
    return [e["id"] for e in entries]


def titles(entries: list[dict[str, Any]]) -> list[str]:
    return [e["title"] for e in entries]


# -- entries -------------------------------------------------------------------------

def test_entry_shape_and_order(world: World) -> None:
    entry = world.engine.find(ARTICLE, {"filters": {"id": 1}})[0]
    assert list(entry) == ["id", "documentId", "title", "body", "views", "published", "slug", "secret",
                           "createdAt", "updatedAt", "publishedAt"]
    assert entry == {"id": 1, "documentId": "art1", "title": "Article 1", "body": "Hello world", "views": 0,
                     "published": False, "slug": None, "secret": "s1", "createdAt": NOW, "updatedAt": NOW,
                     "publishedAt": NOW}


def test_every_scalar_type_decoded(world: World) -> None:
    full, empty = world.engine.find(THING)
    assert full == {
        "id": 1, "documentId": "thing1", "aString": "s", "aText": "t", "aRichtext": "# r", "anEmail": "a@b.c",
        "aUid": "u-1", "anEnum": "a", "someBlocks": [{"type": "paragraph", "children": []}],
        "someJson": {"k": [1, 2]}, "anInteger": 7, "aBig": "9007199254740993", "aFloat": 1.25, "aDecimal": 2.5,
        "aBool": True, "aDate": "2024-02-29", "aTime": "12:30:00.000", "aDatetime": "2024-01-02T03:04:05.000Z",
        "aTimestamp": "2024-01-02T03:04:05.000Z", "hidden": "h", "createdAt": NOW, "updatedAt": NOW,
        "publishedAt": NOW}
    assert "aPassword" not in full  # never returned
    assert all(value is None for key, value in empty.items()
               if key not in ("id", "documentId", "createdAt", "updatedAt", "publishedAt"))
    assert isinstance(full["aBool"], bool) and isinstance(full["aFloat"], float)


def test_password_never_returned_even_when_asked(world: World) -> None:
    entry = world.engine.find(THING, {"fields": ["aPassword", "aString"], "filters": {"id": 1}})[0]
    assert entry == {"id": 1, "documentId": "thing1", "aString": "s"}


def test_relations_media_components_absent_by_default(world: World) -> None:
    entry = world.engine.find(ARTICLE)[0]
    for name in ("category", "tags", "featured", "cover", "gallery", "seo", "links", "blocks"):
        assert name not in entry


def test_default_order_is_id(world: World) -> None:
    assert ids(world.engine.find(ARTICLE)) == [1, 2, 3, 4, 5, 6]


def test_unknown_top_level_keys_ignored(world: World) -> None:
    assert len(world.engine.find(ARTICLE, {"foo": "bar", "locale": "en"})) == 6


def test_unknown_uid_is_key_error(world: World) -> None:
    with pytest.raises(KeyError):
        world.engine.find("api::nope.nope")


def test_invalid_status(world: World) -> None:
    with pytest.raises(ValidationError):
        world.engine.find(POST, status="live")


# -- status -----------------------------------------------------------------------------

def test_status_selects_rows_of_draft_and_publish_types(world: World) -> None:
    e = world.engine
    assert titles(e.find(POST, status="published")) == ["P1 published"]
    assert titles(e.find(POST, status="draft")) == ["P1 draft", "P2 draft only"]
    assert titles(e.find(POST)) == ["P1 draft", "P2 draft only"]  # None: the document service's draft
    assert e.count(POST, status="published") == 1 and e.count(POST) == 2


def test_status_ignored_without_draft_and_publish(world: World) -> None:
    assert len(world.engine.find(ARTICLE, status="draft")) == 6
    assert len(world.engine.find(ARTICLE, status="published")) == 6


# -- fields ----------------------------------------------------------------------------

@pytest.mark.parametrize("fields", ["title", ["title"], {"0": "title"}, "title,views", ["title", "views"]])
def test_fields_projection(world: World, fields: Any) -> None:
    entry = world.engine.find(ARTICLE, {"fields": fields})[0]
    expected = {"id": 1, "documentId": "art1", "title": "Article 1"}
    if "views" in str(fields):
        expected["views"] = 0
    assert entry == expected


def test_fields_keep_schema_order_and_timestamps_only_when_asked(world: World) -> None:
    entry = world.engine.find(ARTICLE, {"fields": ["updatedAt", "views", "title"]})[0]
    assert list(entry) == ["id", "documentId", "title", "views", "updatedAt"]


def test_fields_star_and_system(world: World) -> None:
    assert len(world.engine.find(ARTICLE, {"fields": "*"})[0]) == 11
    assert world.engine.find(ARTICLE, {"fields": ["id"]})[0] == {"id": 1, "documentId": "art1"}


def test_fields_refuse_relations_and_unknown(world: World) -> None:
    with pytest.raises(ValidationError) as err:
        world.engine.find(ARTICLE, {"fields": ["category"]})
    assert err.value.details == {"key": "category", "path": "category", "source": "query", "param": "fields"}
    with pytest.raises(ValidationError) as err:
        world.engine.find(ARTICLE, {"fields": "nope"})
    assert err.value.message == "Invalid key nope"
    assert err.value.details == {"key": "nope", "path": None, "source": "query", "param": "fields"}


# -- sort ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sort, expected", [
    ("views:desc", [5, 4, 3, 2, 1, 6]),          # NULL last when descending (SQLite: NULLs are smallest)
    ("views", [6, 1, 2, 3, 4, 5]),
    ("views:ASC", [6, 1, 2, 3, 4, 5]),
    (["published:desc", "title"], [2, 4, 1, 3, 6, 5]),
    ("published:desc,title", [2, 4, 1, 3, 6, 5]),
    ({"published": "desc", "title": "asc"}, [2, 4, 1, 3, 6, 5]),
    ([{"published": "desc"}, {"title": "asc"}], [2, 4, 1, 3, 6, 5]),
    ({"0": "published:desc", "1": "title"}, [2, 4, 1, 3, 6, 5]),
    ("published", [5, 1, 3, 6, 2, 4]),           # ties broken by id ascending
    ("category.name:asc", [6, 2, 4, 1, 3, 5]),   # no category (NULL) first; Sports < Tech
    ({"category": {"name": "desc"}}, [1, 3, 5, 4, 2, 6]),
    ("seo.title:desc", [2, 1, 3, 4, 5, 6]),
    ("seo.meta.keywords", [3, 4, 5, 6, 1, 2]),
    ("cover.name:desc", [2, 1, 3, 4, 5, 6]),
    ("tags.label:asc", [4, 5, 6, 3, 1, 2]),      # to-many: the least label (blue; green, green by id)
    ("links.clicks:desc", [1, 2, 3, 4, 5, 6]),
    ("id:desc", [6, 5, 4, 3, 2, 1]),
    ("createdAt", [1, 2, 3, 4, 5, 6]),
])
def test_sort(world: World, sort: Any, expected: list[int]) -> None:
    assert ids(world.engine.find(ARTICLE, {"sort": sort})) == expected


def test_sort_through_inverse_relation(world: World) -> None:
    found = world.engine.find(CATEGORY, {"sort": "articles.views:desc", "fields": ["name"]})
    assert [e["name"] for e in found] == ["Tech", "Sports", "Science", "Empty"]


def test_sort_invalid_direction(world: World) -> None:
    with pytest.raises(ValidationError, match="Invalid order"):
        world.engine.find(ARTICLE, {"sort": "title:up"})


@pytest.mark.parametrize("sort, message, path", [
    ("nope:asc", "Invalid key nope", None),
    ("category", "Invalid key category", "category"),
    ("category.nope", "Invalid key nope at category", "category"),
    ("title.length", "Invalid key length at title", "title"),
    ("blocks.text", "Invalid key blocks", "blocks"),
])
def test_sort_invalid_keys(world: World, sort: str, message: str, path: str | None) -> None:
    with pytest.raises(ValidationError) as err:
        world.engine.find(ARTICLE, {"sort": sort})
    assert err.value.message == message
    assert err.value.details["path"] == path and err.value.details["param"] == "sort"


# -- pagination --------------------------------------------------------------------------------

def page(world: World, pagination: dict[str, Any], **kw: Any) -> tuple[list[int], dict[str, Any]]:
    entries, meta = world.engine.page(ARTICLE, {"pagination": pagination, "fields": "title"}, **kw)
    return ids(entries), meta["pagination"]


@pytest.mark.parametrize("pagination, expected_ids, meta", [
    ({}, [1, 2, 3, 4, 5, 6], {"page": 1, "pageSize": 25, "pageCount": 1, "total": 6}),
    ({"page": "2", "pageSize": "4"}, [5, 6], {"page": 2, "pageSize": 4, "pageCount": 2, "total": 6}),
    ({"pageSize": "1000"}, [1, 2, 3, 4, 5, 6], {"page": 1, "pageSize": 100, "pageCount": 1, "total": 6}),
    ({"pageSize": "abc"}, [1, 2, 3, 4, 5, 6], {"page": 1, "pageSize": 100, "pageCount": 1, "total": 6}),
    ({"pageSize": "0"}, [1], {"page": 1, "pageSize": 1, "pageCount": 6, "total": 6}),
    ({"pageSize": "-1"}, [1], {"page": 1, "pageSize": 1, "pageCount": 6, "total": 6}),
    ({"page": "0"}, [1, 2, 3, 4, 5, 6], {"page": 1, "pageSize": 25, "pageCount": 1, "total": 6}),
    ({"page": "abc", "pageSize": 2}, [1, 2], {"page": 1, "pageSize": 2, "pageCount": 3, "total": 6}),
    ({"page": "99"}, [], {"page": 99, "pageSize": 25, "pageCount": 1, "total": 6}),
    ({"start": "4", "limit": "5"}, [5, 6], {"start": 4, "limit": 5, "total": 6}),
    ({"start": "-3", "limit": "2"}, [1, 2], {"start": 0, "limit": 2, "total": 6}),
    ({"start": 2}, [3, 4, 5, 6], {"start": 2, "limit": 25, "total": 6}),
    ({"limit": "-1"}, [1, 2, 3, 4, 5, 6], {"start": 0, "limit": 100, "total": 6}),
    ({"limit": 1000}, [1, 2, 3, 4, 5, 6], {"start": 0, "limit": 100, "total": 6}),
    ({"limit": "0"}, [1], {"start": 0, "limit": 1, "total": 6}),
    ({"page": 2, "pageSize": 2, "withCount": "false"}, [3, 4], {"page": 2, "pageSize": 2}),
    ({"start": 1, "limit": 1, "withCount": False}, [2], {"start": 1, "limit": 1}),
])
def test_page_clamping_and_meta(world: World, pagination: dict[str, Any], expected_ids: list[int],
                                meta: dict[str, Any]) -> None:
    assert page(world, pagination) == (expected_ids, meta)


def test_page_limits_are_parameters(world: World) -> None:
    assert page(world, {}, default_limit=2) == ([1, 2], {"page": 1, "pageSize": 2, "pageCount": 3, "total": 6})
    assert page(world, {"pageSize": 500}, max_limit=None)[1]["pageSize"] == 500
    assert page(world, {}, with_count=False) == ([1, 2, 3, 4, 5, 6], {"page": 1, "pageSize": 25})
    assert page(world, {"withCount": "true"}, with_count=False)[1]["total"] == 6


def test_page_with_empty_result_has_zero_page_count(world: World) -> None:
    entries, meta = world.engine.page(ARTICLE, {"filters": {"views": 99}})
    assert entries == [] and meta == {"pagination": {"page": 1, "pageSize": 25, "pageCount": 0, "total": 0}}


def test_top_level_start_and_limit(world: World) -> None:
    entries, meta = world.engine.page(ARTICLE, {"start": "1", "limit": "2"})
    assert ids(entries) == [2, 3] and meta == {"pagination": {"start": 1, "limit": 2, "total": 6}}
    assert ids(world.engine.find(ARTICLE, {"start": 4})) == [5, 6]


@pytest.mark.parametrize("params", [
    {"pagination": {"page": 1, "limit": 2}},
    {"pagination": {"pageSize": 1, "start": 0}},
    {"pagination": {"page": 1}, "start": 2},
])
def test_mixed_pagination_refused(world: World, params: dict[str, Any]) -> None:
    with pytest.raises(PaginationError) as err:
        world.engine.page(ARTICLE, params)
    assert err.value.message == "Cannot use both page & offset pagination in the same query"
    with pytest.raises(PaginationError):
        check_params(world.schemas, ARTICLE, params)


def test_without_count_no_count_query_runs(world: World) -> None:
    with world.statements() as seen:
        world.engine.page(ARTICLE, {"pagination": {"withCount": "false"}})
    assert len(seen) == 1 and "COUNT" not in seen[0]
    with world.statements() as seen:
        world.engine.page(ARTICLE, {})
    assert len(seen) == 2 and "COUNT(*)" in seen[0]


def test_find_returns_everything_unless_paginated(world: World) -> None:
    for i in range(40):
        world.insert(TAG, {"label": f"bulk {i}"}, doc=f"bulk{i}")
    try:
        assert len(world.engine.find(TAG)) == 43
        assert len(world.engine.find(TAG, {"pagination": {"page": 2}})) == 18  # default size 25, no maximum
        assert len(world.engine.find(TAG, {"pagination": {"pageSize": 200}})) == 43
        assert len(world.engine.find(TAG, {"pagination": {"start": 40, "limit": -1}})) == 3
    finally:
        world.db.execute("DELETE FROM tags WHERE document_id LIKE 'bulk%'")


# -- count and row ids -----------------------------------------------------------------------

def test_count_honours_filters_only(world: World) -> None:
    e = world.engine
    assert e.count(ARTICLE) == 6
    assert e.count(ARTICLE, {"filters": {"published": True}, "sort": "title", "pagination": {"pageSize": 1}}) == 2


def test_row_ids(world: World) -> None:
    e = world.engine
    assert e.row_ids(ARTICLE, {"category": {"name": "Tech"}}, status=None) == [1, 3, 5]
    assert e.row_ids(ARTICLE, None, status=None) == [1, 2, 3, 4, 5, 6]
    assert e.row_ids(POST, {}, status="draft") == [1, 3]
    assert e.row_ids(POST, {"title": {"$contains": "P1"}}, status="published") == [2]


# -- checking parameters (recorded exchanges 27-32) -------------------------------------------------

def _refused(world: World, params: dict[str, Any], **kw: Any) -> tuple[str, dict[str, Any]]:
    with pytest.raises(ValidationError) as err:
        check_params(world.schemas, ARTICLE, params, **kw)
    return err.value.message, err.value.details


@pytest.mark.parametrize("params, message, details", [
    ({"filters": {"secret": {"$eq": "s1"}}}, "Invalid key secret",
     {"key": "secret", "path": "secret", "source": "query", "param": "filters"}),
    ({"sort": "secret:asc", "fields": ["title"]}, "Invalid key secret",
     {"key": "secret", "path": "secret", "source": "query", "param": "sort"}),
    ({"fields": ["secret"]}, "Invalid key secret",
     {"key": "secret", "path": "secret", "source": "query", "param": "fields"}),
    ({"filters": {"nope": {"$eq": "1"}}}, "Invalid key nope",
     {"key": "nope", "path": None, "source": "query", "param": "filters"}),
    ({"filters": {"title": {"$foo": "x"}}}, "Invalid key $foo at title",
     {"key": "$foo", "path": "title", "source": "query", "param": "filters"}),
    ({"sort": "nope:asc"}, "Invalid key nope", {"key": "nope", "path": None, "source": "query", "param": "sort"}),
])
def test_recorded_query_errors(world: World, params: dict[str, Any], message: str, details: dict[str, Any]) -> None:
    assert _refused(world, params, allow_private=False) == (message, details)


def test_private_allowed_for_the_engine(world: World) -> None:
    check_params(world.schemas, ARTICLE, {"filters": {"secret": "s1"}, "sort": "secret", "fields": "secret"})
    assert ids(world.engine.find(ARTICLE, {"filters": {"secret": "s1"}})) == [1]


def test_private_refused_through_relations_and_populate(world: World) -> None:
    schemas = world.schemas
    message, details = _refused(world, {"filters": {"category": {"articles": {"secret": "x"}}}},
                                allow_private=False)
    assert message == "Invalid key secret at category.articles.secret"
    assert details["path"] == "category.articles.secret"
    message, details = _refused(world, {"populate": {"category": {"populate": {"articles": {"fields": ["secret"]}}}}},
                                allow_private=False)
    # Strapi names a key of a populate's fields by itself, without the populated path (strapi-rich 42, 43).
    assert message == "Invalid key secret"
    assert details == {"key": "secret", "path": "secret", "source": "query", "param": "populate"}
    with pytest.raises(ValidationError, match="Invalid key aPassword"):
        check_params(schemas, THING, {"filters": {"aPassword": "x"}}, allow_private=False)
    with pytest.raises(ValidationError, match="Invalid key hidden"):
        check_params(schemas, THING, {"sort": {"hidden": "asc"}}, allow_private=False)


def test_error_source(world: World) -> None:
    _, details = _refused(world, {"filters": {"nope": 1}}, source="body")
    assert details["source"] == "body"


def test_validation_runs_before_any_sql(world: World) -> None:
    with world.statements() as seen, pytest.raises(ValidationError):
        world.engine.page(ARTICLE, {"filters": {"title": "x"}, "populate": {"nope": True}})
    assert seen == []


def test_check_order_is_filters_sort_fields_populate(world: World) -> None:
    params = {"populate": "nope1", "fields": "nope2", "sort": "nope3", "filters": {"nope4": 1}}
    assert _refused(world, params)[1]["param"] == "filters"
    del params["filters"]
    assert _refused(world, params)[1]["param"] == "sort"
    del params["sort"]
    assert _refused(world, params)[1]["param"] == "fields"


@pytest.mark.parametrize("key", ["document_id", "created_at", "published_at", "title\"; DROP TABLE articles; --"])
def test_column_names_are_not_keys(world: World, key: str) -> None:
    # Only schema names reach SQL: a column name, or anything else, is an unknown key.
    with pytest.raises(ValidationError, match="Invalid key"):
        world.engine.find(ARTICLE, {"filters": {key: "x"}})
    with pytest.raises(ValidationError, match="Invalid key"):
        world.engine.find(ARTICLE, {"sort": key})


def check_params(schemas, uid, params, *, allow_private=True, source="query"):
    """Parse and check ``params`` as a read of ``uid`` would (the engine's own check)."""
    Query.parse(schemas, uid, params, allow_private=allow_private, source=source)
