"""Populate: relations (both sides), media, components, dynamic zones, options, status, query counts."""

from __future__ import annotations

from typing import Any

import pytest

from minikoa.errors import ValidationError
from tests.content.test_engine import ARTICLE, CATEGORY, NOW, POST, TAG, World, blog_schemas, ids, make_world

STAMPS = {"createdAt": NOW, "updatedAt": NOW, "publishedAt": NOW}


@pytest.fixture(scope="module")
def world(module_database) -> World:
    return make_world(module_database)


def one(world: World, populate: Any, article: int = 1, **params: Any) -> dict[str, Any]:
    found = world.engine.find(ARTICLE, {"filters": {"id": article}, "populate": populate, **params})
    return found[0]


def file_entry(i: int) -> dict[str, Any]:
    return {"id": i, "documentId": f"file{i}", "name": f"f{i}.png", "alternativeText": None, "caption": None,
            "width": 10 * i, "height": None, "formats": {"thumb": {"w": i}}, "hash": None, "ext": None,
            "mime": "image/png", "size": 1.5 * i, "url": f"/uploads/f{i}.png", "previewUrl": None, "provider": None,
            "provider_metadata": None, "focalPoint": None, "folderPath": None, **STAMPS}


# -- relations -----------------------------------------------------------------------------

def test_populate_category_as_recorded(world: World) -> None:
    entry = one(world, "category")
    assert list(entry)[-4:] == ["createdAt", "updatedAt", "publishedAt", "category"]
    assert entry["category"] == {"id": 1, "documentId": "cat1", "name": "Tech", **STAMPS}


@pytest.mark.parametrize("populate", ["category,cover", ["category", "cover"], {"0": "category", "1": "cover"},
                                      {"category": True, "cover": "true"}, {"category": {}, "cover": "*"}])
def test_populate_forms(world: World, populate: Any) -> None:
    entry = one(world, populate)
    assert entry["category"]["name"] == "Tech" and entry["cover"] == file_entry(1)
    assert list(entry)[-2:] == ["category", "cover"]


def test_populate_false_and_empty(world: World) -> None:
    assert "category" not in one(world, {"category": "false"})
    assert "category" not in one(world, {"category": False})
    assert "category" not in one(world, "")


def test_to_one_missing_is_null_and_to_many_missing_is_empty(world: World) -> None:
    entry = one(world, ["category", "tags", "cover", "gallery", "featured"], article=6)
    assert entry["category"] is None and entry["cover"] is None and entry["featured"] is None
    assert entry["tags"] == [] and entry["gallery"] == []


def test_to_many_in_link_order(world: World) -> None:
    assert [t["label"] for t in one(world, "tags", article=3)["tags"]] == ["blue", "red"]
    assert one(world, "gallery")["gallery"] == [file_entry(3), file_entry(2)]


def test_inverse_side(world: World) -> None:
    found = world.engine.find(CATEGORY, {"populate": {"articles": {"fields": ["title"]}}})
    assert {c["name"]: ids(c["articles"]) for c in found} == {"Tech": [1, 3, 5], "Science": [2], "Sports": [4],
                                                               "Empty": []}
    tags = world.engine.find(TAG, {"populate": "articles", "fields": "label"})
    assert {t["label"]: ids(t["articles"]) for t in tags} == {"red": [1, 3], "green": [1, 2], "blue": [3]}


def test_nested_options(world: World) -> None:
    found = world.engine.find(CATEGORY, {"filters": {"name": "Tech"}, "populate": {"articles": {
        "fields": ["title", "views"], "filters": {"views": {"$gt": "0"}}, "sort": "views:desc",
        "populate": {"tags": {"fields": "label", "sort": {"label": "asc"}}}}}})
    assert found[0]["articles"] == [
        {"id": 5, "documentId": "art5", "title": "Article 5", "views": 4, "tags": []},
        {"id": 3, "documentId": "art3", "title": "Article 3", "views": 2,
         "tags": [{"id": 3, "documentId": "tag3", "label": "blue"}, {"id": 1, "documentId": "tag1", "label": "red"}]},
    ]


def test_nested_deep_filter_inside_populate(world: World) -> None:
    found = world.engine.find(TAG, {"populate": {"articles": {"fields": "title",
                                                              "filters": {"category": {"name": "Science"}}}}})
    assert {t["label"]: ids(t["articles"]) for t in found} == {"red": [], "green": [2], "blue": []}


def test_dotted_populate(world: World) -> None:
    entry = one(world, "category.articles,tags")
    assert ids(entry["category"]["articles"]) == [1, 3, 5]
    assert list(entry)[-2:] == ["category", "tags"]


def test_count(world: World) -> None:
    found = world.engine.find(CATEGORY, {"populate": {"articles": {"count": True}}, "fields": "name"})
    assert [c["articles"] for c in found] == [{"count": 3}, {"count": 1}, {"count": 1}, {"count": 0}]
    found = world.engine.find(CATEGORY, {"populate": {"articles": {"count": "true", "filters": {"views": {"$gt": 1}}}}})
    assert [c["articles"] for c in found] == [{"count": 2}, {"count": 0}, {"count": 1}, {"count": 0}]
    assert one(world, {"category": {"count": True}})["category"] == {"count": 1}


def test_populated_entries_are_distinct_objects(world: World) -> None:
    found = world.engine.find(ARTICLE, {"filters": {"category": {"name": "Tech"}}, "populate": "category"})
    assert found[0]["category"] == found[1]["category"] and found[0]["category"] is not found[1]["category"]


def test_populated_targets_keep_private_fields(world: World) -> None:
    articles = world.engine.find(CATEGORY, {"filters": {"id": 1}, "populate": "articles"})[0]["articles"]
    assert articles[0]["secret"] == "s1"


def test_draft_and_publish_targets_follow_the_status(world: World) -> None:
    e = world.engine
    drafts = e.find(ARTICLE, {"filters": {"id": {"$in": [1, 2]}}, "populate": "featured", "fields": "title"})
    assert [a["featured"]["title"] for a in drafts] == ["P1 draft", "P2 draft only"]
    published = e.find(ARTICLE, {"filters": {"id": {"$in": [1, 2]}}, "populate": "featured", "fields": "title"},
                       status="published")
    assert published[0]["featured"]["title"] == "P1 published" and published[1]["featured"] is None
    assert published[0]["featured"]["publishedAt"] == NOW
    cats = e.find(CATEGORY, {"populate": {"posts": {"fields": "title"}}}, status="published")
    assert [[p["title"] for p in c["posts"]] for c in cats] == [["P1 published"], [], [], []]
    cats = e.find(CATEGORY, {"populate": {"posts": {"fields": "title"}}}, status="draft")
    assert [[p["title"] for p in c["posts"]] for c in cats] == [["P1 draft"], ["P2 draft only"], [], []]
    posts = e.find(POST, {"populate": "category"}, status="published")
    assert posts[0]["category"]["name"] == "Tech"


# -- populate=* -----------------------------------------------------------------------------

def test_star_populates_one_level(world: World) -> None:
    entry = one(world, "*")
    assert list(entry)[11:] == ["category", "tags", "featured", "cover", "gallery", "seo", "links", "blocks"]
    assert entry["seo"] == {"id": 1, "title": "Seo one", "description": "d1"}  # no image, no meta: one level
    assert entry["links"] == [{"id": 1, "label": "home", "url": "/", "clicks": 3},
                              {"id": 2, "label": "docs", "url": "/docs", "clicks": 10}]
    assert entry["blocks"] == [{"__component": "shared.quote", "id": 1, "text": "To be", "author": "WS"},
                               {"__component": "shared.media", "id": 1, "caption": "pic"}]
    assert entry["cover"] == file_entry(1) and entry["category"]["name"] == "Tech"
    assert "articles" not in entry["category"]
    assert one(world, {"0": "*"}) == entry == one(world, True)


def test_star_with_empty_components(world: World) -> None:
    assert [(e["seo"], e["links"], e["blocks"]) for e in world.engine.find(ARTICLE, {"populate": "*"})][1:4] == [
        ({"id": 2, "title": "Seo two", "description": None}, [{"id": 3, "label": "docs", "url": "/d", "clicks": 1}],
         []),
        (None, [], []),
        (None, [], []),
    ]


# -- components, media inside them, dynamic zones ----------------------------------------------

def test_component_deeper(world: World) -> None:
    seo = one(world, {"seo": {"populate": {"image": True, "meta": True}}})["seo"]
    assert seo == {"id": 1, "title": "Seo one", "description": "d1", "image": file_entry(1),
                   "meta": {"id": 1, "keywords": "alpha,beta", "robots": True}}
    assert one(world, {"seo": {"populate": "*"}})["seo"] == seo
    assert one(world, "seo.meta")["seo"]["meta"]["robots"] is True
    two = one(world, {"seo": {"populate": "*"}}, article=2)["seo"]
    assert two["image"] is None and two["meta"] == {"id": 2, "keywords": "gamma", "robots": False}


def test_component_fields(world: World) -> None:
    seo = one(world, {"seo": {"fields": ["title"], "populate": {"image": {"fields": ["url"]}}}})["seo"]
    assert seo == {"id": 1, "title": "Seo one", "image": {"id": 1, "documentId": "file1", "url": "/uploads/f1.png"}}


def test_dynamic_zone_on(world: World) -> None:
    blocks = one(world, {"blocks": {"on": {"shared.media": {"populate": "*"}, "shared.quote": {"fields": ["text"]}}}})
    assert blocks["blocks"] == [
        {"__component": "shared.quote", "id": 1, "text": "To be"},
        {"__component": "shared.media", "id": 1, "caption": "pic", "file": file_entry(2),
         "files": [file_entry(3), file_entry(1)]},
    ]


def test_dynamic_zone_populate_for_every_component(world: World) -> None:
    blocks = one(world, {"blocks": {"populate": "*"}})["blocks"]
    assert blocks[1]["files"] == [file_entry(3), file_entry(1)]
    # ``on`` alone: only the entries of the components it lists, as Strapi answers (strapi-rich 07).
    assert [b["__component"] for b in one(world, {"blocks": {"on": {"shared.quote": True}}})["blocks"]] == \
        [b["__component"] for b in blocks if b["__component"] == "shared.quote"]
    # ``populate`` serves the components ``on`` does not list, and they are returned.
    mixed = one(world, {"blocks": {"on": {"shared.media": {"fields": ["caption"]}}, "populate": "*"}})["blocks"]
    assert mixed[1] == {"__component": "shared.media", "id": 1, "caption": "pic"}
    with pytest.raises(ValidationError, match="Invalid key file"):
        one(world, {"blocks": {"populate": "file"}})  # shared.quote has no file


def test_media_ids_that_do_not_exist_are_skipped() -> None:
    w = World(blog_schemas())
    w.insert(ARTICLE, {"title": "x", "seo": {"id": 1, "image": 99}, "blocks": [
        {"__component": "shared.media", "id": 1, "files": [99, {"id": 1}]},
        {"__component": "shared.gone", "id": 2}]})
    w.insert("plugin::upload.file", {"name": "only", "url": "/only"})
    entry = w.engine.find(ARTICLE, {"populate": {"seo": {"populate": "image"},
                                                 "blocks": {"on": {"shared.media": {"populate": ["files"]}}}}})[0]
    assert entry["seo"]["image"] is None
    assert [f["name"] for f in entry["blocks"][0]["files"]] == ["only"]
    assert len(entry["blocks"]) == 1  # a component no longer in the schema is left out


# -- invalid populate -------------------------------------------------------------------------------

@pytest.mark.parametrize("populate, message, path", [
    ("title", "Invalid key title", "title"),
    ("nope", "Invalid key nope", None),
    ({"category": {"nope": 1}}, "Invalid key nope at category", "category"),
    ({"category": {"populate": "nope"}}, "Invalid key nope at category", "category"),
    # a populate's fields are checked on their own, as Strapi's are (no path: strapi-rich 42, 43)
    ({"category": {"fields": ["nope"]}}, "Invalid key nope", None),
    ({"seo": {"filters": {"title": "x"}}}, "Invalid key filters at seo", "seo"),
    ({"blocks": {"on": {"shared.seo": True}}}, "Invalid key shared.seo at blocks", "blocks"),
    ("category.name", "Invalid key name at category.name", "category.name"),
    ("blocks.file", "Invalid key file at blocks", "blocks"),
])
def test_invalid_populate(world: World, populate: Any, message: str, path: str | None) -> None:
    with pytest.raises(ValidationError) as err:
        world.engine.find(ARTICLE, {"populate": populate})
    assert err.value.message == message
    assert err.value.details["path"] == path and err.value.details["param"] == "populate"


def test_invalid_nested_filters_and_sort(world: World) -> None:
    with pytest.raises(ValidationError, match="Invalid key nope at category"):
        world.engine.find(ARTICLE, {"populate": {"category": {"filters": {"nope": 1}}}})
    with pytest.raises(ValidationError, match="Invalid key nope at category"):
        world.engine.find(ARTICLE, {"populate": {"category": {"sort": "nope"}}})


# -- a fixed number of queries per populated level ------------------------------------------------

DEEP = {
    "category": {"populate": {"articles": {"count": True}, "posts": {"fields": ["title"]}}},
    "tags": {"populate": ["articles"]},
    "cover": True,
    "gallery": {"fields": ["name"]},
    "featured": {"populate": "category"},
    "seo": {"populate": "*"},
    "links": True,
    "blocks": {"on": {"shared.media": {"populate": "*"}}},
}


def _many_articles(count: int) -> World:
    w = World(blog_schemas())
    for i in range(1, 4):
        w.insert("plugin::upload.file", {"name": f"f{i}", "url": f"/f{i}"}, doc=f"file{i}")
    w.insert(CATEGORY, {"name": "c"}, doc="cat1")
    w.insert(TAG, {"label": "t"}, doc="tag1")
    w.insert(POST, {"title": "p"}, doc="post1", links={"category": ["cat1"]})
    for i in range(count):
        w.insert(ARTICLE, {"title": f"a{i}", "seo": {"id": i, "image": 1, "meta": {"id": i}},
                           "blocks": [{"__component": "shared.media", "id": i, "file": 2, "files": [3, 1]}]},
                 doc=f"art{i}", links={"category": ["cat1"], "tags": ["tag1"], "cover": ["file1"],
                                       "gallery": ["file2", "file3"], "featured": ["post1"]})
    return w


def test_query_count_does_not_grow_with_rows() -> None:
    counts = []
    for rows in (1, 50):
        w = _many_articles(rows)
        with w.statements() as seen:
            entries, meta = w.engine.page(ARTICLE, {"populate": DEEP, "pagination": {"pageSize": 100}},
                                          status="published")
        assert len(entries) == rows == meta["pagination"]["total"]
        assert entries[-1]["blocks"][0]["files"][1]["name"] == "f1"
        assert entries[-1]["category"]["articles"] == {"count": rows}
        counts.append(len(seen))
    # page: count + select; then category, its articles count, its posts, tags, their articles, cover,
    # gallery, featured, its category, seo.image, blocks' file and files: 14 in all.
    assert counts == [14, 14]


def test_batches_past_the_parameter_limit() -> None:
    w = _many_articles(7)
    expected = w.engine.find(ARTICLE, {"populate": DEEP})
    w.db.dialect.max_params = 3
    try:
        with w.statements() as seen:
            assert w.engine.find(ARTICLE, {"populate": DEEP}) == expected
        assert len(seen) > 14
    finally:
        del w.db.dialect.max_params
