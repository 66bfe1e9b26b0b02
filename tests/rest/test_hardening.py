"""Hostile queries against the REST layer: bounded work, no private data, 400s instead of 500s.

Each test reproduces a request that took a worker down, leaked, or answered
500 before; the work is bounded by depth and counts, never by time.
"""

from __future__ import annotations

import pytest

from minikoa import App, core_controller, core_router
from minikoa.content.query import Query

ARTICLE, CATEGORY, AUTHOR, TAG = "api::article.article", "api::category.category", "api::author.author", "api::tag.tag"


def schemas():
    def ctype(singular, plural, attributes, dp=False):
        return {"kind": "collectionType", "collectionName": plural,
                "info": {"singularName": singular, "pluralName": plural},
                "options": {"draftAndPublish": dp}, "attributes": attributes}
    return {
        CATEGORY: ctype("category", "categories", {
            "name": {"type": "string"}, "code": {"type": "string", "private": True},
            "articles": {"type": "relation", "relation": "oneToMany", "target": ARTICLE, "mappedBy": "category"}}),
        ARTICLE: ctype("article", "articles", {
            "title": {"type": "string"}, "views": {"type": "integer"}, "secret": {"type": "string", "private": True},
            "published": {"type": "datetime"},
            "category": {"type": "relation", "relation": "manyToOne", "target": CATEGORY, "inversedBy": "articles"},
            "author": {"type": "relation", "relation": "manyToOne", "target": AUTHOR},
            "tags": {"type": "relation", "relation": "manyToMany", "target": TAG, "inversedBy": "articles"}}),
        AUTHOR: ctype("author", "authors", {"name": {"type": "string"}, "email": {"type": "email", "private": True}},
                      dp=True),
        TAG: ctype("tag", "tags", {
            "name": {"type": "string"},
            "articles": {"type": "relation", "relation": "manyToMany", "target": ARTICLE, "mappedBy": "tags"}}),
    }


def make(tmp_path, rest=None, controller=None):
    app = App(config={"database": {"connection": {"connection": {"filename": str(tmp_path / "h.db")}}},
                      "api": {"rest": rest or {}}})
    for uid, schema in schemas().items():
        app.content_types.register(uid, schema)
    if controller is not None:
        app.controllers.register(ARTICLE, controller)
    for uid in (ARTICLE, CATEGORY, AUTHOR, TAG):
        app.mount(core_router(uid))
    app.build()
    return app


@pytest.fixture
def app(tmp_path):
    app = make(tmp_path)
    yield app
    app.destroy()


@pytest.fixture
def world(app):
    cats = [app.documents(CATEGORY).create(data={"name": f"c{i}", "code": f"k{i}"})["documentId"] for i in range(3)]
    tags = [app.documents(TAG).create(data={"name": f"t{i}"})["documentId"] for i in range(3)]
    ada = app.documents(AUTHOR).create(data={"name": "Ada", "email": "ada@x.io"}, status="published")
    for i in range(30):
        app.documents(ARTICLE).create(data={"title": f"a{i:02d}", "views": i, "secret": f"s{i}",
                                            "category": cats[i % 3], "tags": tags, "author": ada["documentId"]})
    return app


def error(res, status=400):
    assert res.status_code == status, (res.status_code, res.json)
    return res.json["error"]


# -- bounded work -------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "populate=" + ".".join(["category", "articles"] * 15),  # 30 segments in one value
    "populate[category][populate][articles][populate][category][populate][articles][populate][category]"
    "[populate][articles]=true",
    "populate[category][populate][articles][populate][category][populate][articles][populate][category]"
    "[populate]=*",
    "populate[0]=category.articles.category.articles.category.articles",
])
def test_populate_depth_is_bounded_in_every_form(world, query):
    client = world.test_client()
    err = error(client.get(f"/api/articles?{query}"))
    assert err["name"] == "ValidationError" and err["details"]["param"] == "populate"
    assert "nested too deeply" in err["message"] and err["details"]["limit"] == 5


def test_populate_within_the_depth_still_works(world):
    client = world.test_client()
    doc = client.get("/api/articles?populate=category.articles.category.articles.tags&pagination[pageSize]=1").json
    deep = doc["data"][0]["category"]["articles"][0]["category"]["articles"][0]
    assert deep["tags"] and "secret" not in deep


def test_populated_entries_are_bounded(tmp_path):
    app = make(tmp_path, rest={"maxPopulated": 50})
    cat = app.documents(CATEGORY).create(data={"name": "big"})["documentId"]
    for i in range(30):
        app.documents(ARTICLE).create(data={"title": f"x{i}", "category": cat})
    client = app.test_client()
    assert client.get("/api/categories?populate=articles").status_code == 200  # 30 entries: within 50
    err = error(client.get("/api/categories?populate=articles.category.articles"))  # 30 + 30 + 900
    assert err["details"] == {"source": "query", "param": "populate", "limit": 50}
    assert "Too many populated entries" in err["message"]
    app.destroy()


@pytest.mark.parametrize("query, param", [
    ("sort=category.articles.category.articles.title", "sort"),
    ("sort=tags.articles.title", "sort"),  # two relations that hold many: the work per row multiplies
    ("sort=category.articles.category.articles.category.name", "sort"),
    ("filters[category][articles][category][articles][category][name]=c1", "filters"),
])
def test_relation_depth_in_sort_and_filters_is_bounded(world, query, param):
    err = error(world.test_client().get(f"/api/articles?{query}"))
    assert err["details"]["param"] == param and "too many relations" in err["message"]


def test_sorting_and_filtering_through_relations_within_the_bounds(world):
    client = world.test_client()
    titles = [a["title"] for a in client.get("/api/articles?sort[0]=category.name:desc&sort[1]=title"
                                             "&fields[0]=title&pagination[pageSize]=3").json["data"]]
    assert titles == ["a02", "a05", "a08"]
    found = client.get("/api/categories?sort=articles.views:desc&fields[0]=name").json["data"]
    assert [c["name"] for c in found] == ["c2", "c1", "c0"]  # one relation holding many: allowed
    found = client.get("/api/articles?filters[category][articles][category][name]=c1&fields[0]=title").json
    assert found["meta"]["pagination"]["total"] == 10


def test_limits_come_from_config_and_bad_ones_fail_the_build(tmp_path):
    app = make(tmp_path, rest={"maxPopulateDepth": 1, "maxRelationDepth": 1})
    client = app.test_client()
    assert client.get("/api/articles?populate=category").status_code == 200
    assert error(client.get("/api/articles?populate=category.articles"))["details"]["limit"] == 1
    assert error(client.get("/api/articles?sort=category.articles.title"))["details"]["limit"] == 1
    app.destroy()
    with pytest.raises(ValueError, match="rest.maxPopulated must be a positive integer"):
        make(tmp_path / "bad", rest={"maxPopulated": 0})


# -- out-of-range values ------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "filters[id][$eq]=9223372036854775808",
    "filters[id][$in][0]=1&filters[id][$in][1]=123456789012345678901234567890",
    "filters[category]=99999999999999999999",
    "filters[views][$gt]=2147483648",
    "filters[published][$gt]=0001-01-01T00:00:00%2B14:00",
    "filters[createdAt][$lt]=9999-12-31T23:59:59-14:00",
    "pagination[page]=1e300",
    "pagination[start]=1e30",
    "pagination[pageSize]=1e30&pagination[page]=2",
])
def test_values_out_of_range_are_400s(world, query):
    err = error(world.test_client().get(f"/api/articles?{query}"))
    assert err["name"] == "ValidationError", err


def test_bodies_out_of_range_are_400s(world):
    client = world.test_client()
    err = error(client.post("/api/articles", json={"data": {"title": "t", "published": "0001-01-01T00:00:00+14:00"}}))
    assert (err["message"], err["details"]) == ("Invalid format, expected a timestamp or an ISO date", {})


# -- no private data, no drafts through relations ---------------------------------------------------------

def test_sanitize_query_leaves_private_keys_out_as_strapi_does(tmp_path):
    class Articles(core_controller(ARTICLE)):
        def find(self, ctx):  # Strapi's docs: sanitize, then the service; no validate_query
            query = self.sanitize_query(ctx)
            found = self.service.find(query)
            return {"data": self.sanitize_output(found["results"], ctx), "meta": {"query": dict(query)}}

    app = make(tmp_path, controller=Articles)
    cat = app.documents(CATEGORY).create(data={"name": "c", "code": "top"})["documentId"]
    for i, secret in enumerate(["alpha", "beta"]):
        app.documents(ARTICLE).create(data={"title": f"t{i}", "secret": secret, "category": cat})
    client = app.test_client()
    # Filtering on a private field would tell a client its value: the filter is dropped, not applied.
    for query in ("filters[secret][$startsWith]=al", "filters[category][code]=nope",
                  "filters[$or][0][secret]=alpha&filters[$or][1][title]=zzz"):
        res = client.get(f"/api/articles?{query}")
        assert res.status_code == 200 and len(res.json["data"]) == (0 if "zzz" in query else 2), query
    res = client.get("/api/articles?sort=secret:desc&fields[0]=title&fields[1]=secret"
                     "&populate[category][fields][0]=code")
    assert res.status_code == 200 and res.json["meta"]["query"] == {
        "sort": "", "fields": ["title"], "populate": {"category": {"fields": []}}}
    assert all("secret" not in a for a in res.json["data"])
    app.destroy()


def test_core_actions_still_refuse_private_keys(world):
    err = error(world.test_client().get("/api/articles?filters[secret]=s1"))
    assert err["message"] == "Invalid key secret"


def test_a_type_without_drafts_sees_the_published_version_of_related_documents(world):
    authors = world.documents(AUTHOR)
    ada = authors.find_first(status="published")
    authors.update(ada["documentId"], data={"name": "Ada (draft edit)"})  # an unpublished edit
    client = world.test_client()
    doc = client.get("/api/articles?populate[author][fields][0]=name&pagination[pageSize]=1").json
    assert doc["data"][0]["author"]["name"] == "Ada"
    assert client.get("/api/articles?filters[author][name]=Ada (draft edit)").json["meta"]["pagination"]["total"] == 0
    assert client.get("/api/articles?filters[author][name]=Ada").json["meta"]["pagination"]["total"] == 30
    internal = world.documents(ARTICLE).find_first(populate=["author"])
    assert internal["author"]["name"] == "Ada"  # the document service too, unless a status is asked for
    drafts = world.documents(ARTICLE).find_first(populate=["author"], status="draft")
    assert drafts["author"]["name"] == "Ada (draft edit)"


def test_a_query_parsed_for_the_public_cannot_name_private_fields_through_relations(world):
    with pytest.raises(Exception, match="Invalid key email"):
        Query.parse(world.content_types, ARTICLE, {"filters": {"author": {"email": "x"}}}, public=True)


def test_text_matches_look_for_at_most_a_thousand_characters(world):
    client = world.test_client()
    assert client.get("/api/articles?filters[title][$containsi]=" + "a" * 1000).status_code == 200
    err = error(client.get("/api/articles?filters[title][$containsi]=" + "a" * 1001))
    assert err["details"]["key"] == "$containsi"
