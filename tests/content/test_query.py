"""Query: a read's parameters parsed and checked once, then passed down as they are."""

from __future__ import annotations

import pytest

from minikoa import App, PaginationError, ValidationError
from minikoa.content.query import Query
from tests.conftest import contract_schema

ARTICLE, CATEGORY = "api::article.article", "api::category.category"


@pytest.fixture
def app(tmp_path, database_config):
    app = App(config={"database": {"connection": database_config("q.db")}})
    article = contract_schema("article")
    article["attributes"]["secret"] = {"type": "string", "private": True}
    app.content_types.register(CATEGORY, contract_schema("category"))
    app.content_types.register(ARTICLE, article)
    app.build()
    yield app
    app.destroy()


def test_parse_checks_and_parses_every_part(app):
    query = Query.parse(app.content_types, ARTICLE, {
        "filters": {"title": {"$eq": "x"}}, "sort": "views:desc,title", "fields": "title,views",
        "populate": {"category": {"fields": ["name"]}}, "pagination": {"page": "2", "pageSize": "5"},
        "status": "draft", "ignored": "yes"})
    assert query.filters == {"title": {"$eq": "x"}}
    assert query.sort == [(["views"], True), (["title"], False)]
    assert query.fields == ("title", "views")
    assert list(query.populate) == ["category"] and query.populate["category"].fields == ("name",)
    assert query.pagination == {"page": "2", "pageSize": "5"} and query.status == "draft"
    assert "ignored" not in query and query["sort"] == "views:desc,title" and query.get("status") == "draft"
    with pytest.raises(ValidationError, match="Invalid key nope"):
        Query.parse(app.content_types, ARTICLE, {"sort": "nope"})
    with pytest.raises(PaginationError):
        Query.parse(app.content_types, ARTICLE, {"pagination": {"page": 1, "start": 0}})
    with pytest.raises(ValidationError, match="Invalid status"):
        Query.parse(app.content_types, ARTICLE, {"status": "both"})
    with pytest.raises(TypeError):
        Query.parse(app.content_types, ARTICLE, ["filters"])  # type: ignore[arg-type]


def test_public_queries_may_not_name_private_attributes(app):
    for params in ({"filters": {"secret": "x"}}, {"sort": "secret"}, {"fields": "secret"},
                   {"filters": {"category": {"articles": {"secret": {"$eq": "x"}}}}}):
        with pytest.raises(ValidationError, match="Invalid key secret"):
            Query.parse(app.content_types, ARTICLE, params, public=True)
        assert not Query.parse(app.content_types, ARTICLE, params).public  # trusted code may


def test_the_empty_query_is_made_once(app):
    empty = Query.parse(app.content_types, ARTICLE, {})
    assert empty is Query.parse(app.content_types, ARTICLE, None) is Query.empty(app.content_types, ARTICLE)
    assert empty is not Query.empty(app.content_types, ARTICLE, public=True)
    assert empty.without("filters") is empty and len(empty) == 0 and empty == {}


def test_parts_left_out_and_windows_and_data(app):
    query = Query.parse(app.content_types, ARTICLE, {"filters": {"views": 1}, "sort": "title",
                                                     "populate": "category", "pagination": {"page": 3}})
    bare = query.without("filters", "sort", "pagination")
    assert bare.filters is None and bare.sort == [] and bare.pagination is None
    assert bare.populate is query.populate and dict(bare) == {"populate": "category"}
    assert query.window(0, 1).pagination == {"start": 0, "limit": 1} and query.window(0, 1).filters == {"views": 1}
    written = bare.with_data({"title": "t"})
    assert written["data"] == {"title": "t"} and written.populate is query.populate
    with pytest.raises(ValueError):
        query.without("populate")


def test_with_status_shares_the_parsed_parts_and_is_made_once_per_query(app):
    query = Query.parse(app.content_types, ARTICLE, {"filters": {"views": 1}})
    published = query.with_status("published")
    assert published.status == "published" and published.filters is query.filters
    assert published["status"] == "published" and query.status is None
    assert query.with_status("published") is published  # a query made once makes its twin once
    assert published.with_status("published") is published
    empty = Query.empty(app.content_types, ARTICLE, public=True)
    assert empty.with_status("draft") is empty.with_status("draft")
    with pytest.raises(ValidationError):
        query.with_status("archived")


def test_of_passes_a_query_through_and_makes_it_public_when_asked(app):
    query = Query.parse(app.content_types, ARTICLE, {"populate": "category"})
    assert Query.of(app.content_types, ARTICLE, query) is query
    public = Query.of(app.content_types, ARTICLE, query, public=True)
    assert public.public and public.populate is query.populate
    with pytest.raises(ValueError):
        Query.of(app.content_types, CATEGORY, query)


def test_the_document_service_takes_a_query(app):
    articles = app.documents(ARTICLE)
    category = app.documents(CATEGORY).create(data={"name": "Tech"})
    for title in ("b", "a", "c"):
        articles.create(data={"title": title, "secret": "s", "category": category["documentId"]})
    query = Query.parse(app.content_types, ARTICLE, {"sort": "title", "populate": "category"}, public=True)
    found = articles.find_many(query=query)
    assert [a["title"] for a in found] == ["a", "b", "c"] and "secret" not in found[0]
    assert found[0]["category"]["name"] == "Tech"
    assert articles.find_first(query=query)["title"] == "a"
    assert articles.count(query=Query.parse(app.content_types, ARTICLE, {"filters": {"title": "a"}})) == 1
    one = articles.find_one(found[0]["documentId"], query=query.without("sort"))
    assert one["category"]["name"] == "Tech" and "secret" not in one
    with pytest.raises(TypeError, match="either query or sort"):
        articles.find_many(query=query, sort="title")
    with pytest.raises(TypeError):
        app.documents(CATEGORY).find_many(query=query)
