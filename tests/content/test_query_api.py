"""The query engine, ``app.db.query(uid)``: Strapi's ``strapi.db.query`` methods, parameters and shapes."""

from __future__ import annotations

import re

import pytest

from minikoa import App, QueryError, ValidationError
from tests.conftest import ROOT


def schema(singular, plural, attributes, dp=False):
    return {"kind": "collectionType", "collectionName": plural,
            "info": {"singularName": singular, "pluralName": plural, "displayName": singular.title()},
            "options": {"draftAndPublish": dp}, "attributes": attributes}


@pytest.fixture
def app(tmp_path, database_config):
    app = App(config={"database": {"connection": database_config("q.db")}})
    ct = app.content_types
    ct.register_component("shared.seo", {"attributes": {"keywords": {"type": "string"}}})
    ct.register("api::category.category", schema("category", "categories", {
        "name": {"type": "string"},
        "articles": {"type": "relation", "relation": "oneToMany", "target": "api::article.article",
                     "mappedBy": "category"},
    }))
    ct.register("api::article.article", schema("article", "articles", {
        "title": {"type": "string", "required": True},
        "views": {"type": "integer", "default": 0},
        "note": {"type": "string", "private": True},
        "category": {"type": "relation", "relation": "manyToOne", "target": "api::category.category",
                     "inversedBy": "articles"},
        "seo": {"type": "component", "component": "shared.seo"},
    }))
    ct.register("api::topic.topic", schema("topic", "topics", {"name": {"type": "string"}}, dp=True))
    ct.register("api::post.post", schema("post", "posts", {
        "title": {"type": "string"},
        "topic": {"type": "relation", "relation": "oneToOne", "target": "api::topic.topic"},
    }, dp=True))
    app.build()
    yield app
    app.destroy()


@pytest.fixture
def blog(app):
    """Three categories-worth of articles, made through the query engine itself."""
    cats = app.db.query("api::category.category")
    tech = cats.create(data={"name": "Tech"})
    life = cats.create(data={"name": "Life"})
    articles = app.db.query("api::article.article")
    rows = [("Python tips", 10, tech, "hush", "py"), ("python news", 5, tech, None, None),
            ("Gardening", 20, life, None, "green"), ("Cooking", 0, None, None, None)]
    for title, views, cat, note, keywords in rows:
        articles.create(data={"title": title, "views": views, "note": note,
                              "category": cat["id"] if cat else None,
                              "seo": {"keywords": keywords} if keywords else None})
    return app


def titles(rows):
    return [row["title"] for row in rows]


# -- reads ---------------------------------------------------------------------------------

def test_where_is_honoured(blog):
    """The regression: ``where`` used to be ignored and every row came back."""
    articles = blog.db.query("api::article.article")
    assert titles(articles.find_many(where={"title": "Gardening"})) == ["Gardening"]
    assert articles.count(where={"views": {"$gt": 5}}) == 2
    assert articles.count() == 4


@pytest.mark.parametrize(("where", "expected"), [
    ({"views": 10}, ["Python tips"]),
    ({"views": {"$eq": 10}}, ["Python tips"]),
    ({"views": {"$ne": 10}}, ["python news", "Gardening", "Cooking"]),
    ({"views": {"$lt": 5}}, ["Cooking"]),
    ({"views": {"$lte": 5}}, ["python news", "Cooking"]),
    ({"views": {"$gt": 10}}, ["Gardening"]),
    ({"views": {"$gte": 10}}, ["Python tips", "Gardening"]),
    ({"views": {"$in": [0, 20]}}, ["Gardening", "Cooking"]),
    ({"views": [0, 20]}, ["Gardening", "Cooking"]),
    ({"views": {"$notIn": [0, 20]}}, ["Python tips", "python news"]),
    ({"views": {"$between": [5, 10]}}, ["Python tips", "python news"]),
    ({"note": {"$null": True}}, ["python news", "Gardening", "Cooking"]),
    ({"note": {"$notNull": True}}, ["Python tips"]),
])
def test_comparison_operators(blog, where, expected):
    assert titles(blog.db.query("api::article.article").find_many(where=where)) == expected


@pytest.mark.parametrize(("where", "expected"), [
    ({"title": {"$eqi": "PYTHON NEWS"}}, ["python news"]),
    ({"title": {"$nei": "PYTHON NEWS"}}, ["Python tips", "Gardening", "Cooking"]),
    ({"title": {"$contains": "ython"}}, ["Python tips", "python news"]),
    ({"title": {"$notContains": "ython"}}, ["Gardening", "Cooking"]),
    ({"title": {"$containsi": "PYTHON"}}, ["Python tips", "python news"]),
    ({"title": {"$notContainsi": "PYTHON"}}, ["Gardening", "Cooking"]),
    ({"title": {"$startsWith": "Py"}}, ["Python tips"]),
    ({"title": {"$startsWithi": "py"}}, ["Python tips", "python news"]),
    ({"title": {"$endsWith": "ing"}}, ["Gardening", "Cooking"]),
    ({"title": {"$endsWithi": "NEWS"}}, ["python news"]),
])
def test_text_operators(blog, where, expected):
    assert titles(blog.db.query("api::article.article").find_many(where=where)) == expected


def test_logical_operators(blog):
    articles = blog.db.query("api::article.article")
    assert titles(articles.find_many(where={"$or": [{"views": 0}, {"views": 20}]})) == ["Gardening", "Cooking"]
    assert titles(articles.find_many(where={"$and": [{"views": {"$gte": 5}}, {"title": {"$containsi": "py"}}]})) \
        == ["Python tips", "python news"]
    assert titles(articles.find_many(where={"$not": {"views": {"$gte": 5}}})) == ["Cooking"]
    assert titles(articles.find_many(where={"views": {"$not": {"$lt": 20}}})) == ["Gardening"]


def test_where_through_relations_and_components(blog):
    articles = blog.db.query("api::article.article")
    assert titles(articles.find_many(where={"category": {"name": "Tech"}})) == ["Python tips", "python news"]
    assert titles(articles.find_many(where={"category": {"id": {"$null": True}}})) == ["Cooking"]
    assert titles(articles.find_many(where={"seo": {"keywords": {"$startsWith": "gr"}}})) == ["Gardening"]
    categories = blog.db.query("api::category.category")
    assert [c["name"] for c in categories.find_many(where={"articles": {"views": {"$gte": 20}}})] == ["Life"]


def test_select_order_offset_limit(blog):
    articles = blog.db.query("api::article.article")
    assert articles.find_many(select=["title"], order_by={"views": "desc"}, limit=2) == [
        {"title": "Gardening"}, {"title": "Python tips"}]
    assert titles(articles.find_many(orderBy="title")) == ["Cooking", "Gardening", "Python tips", "python news"]
    assert titles(articles.find_many(orderBy=[{"views": "asc"}, "title"], offset=1, limit=2)) == [
        "python news", "Python tips"]
    assert titles(articles.find_many(orderBy={"category": {"name": "asc"}}, where={"category": {"$notNull": True}})) \
        == ["Gardening", "Python tips", "python news"]
    assert titles(articles.find_many(offset=3)) == ["Cooking"]  # an offset alone: no limit


def test_rows_are_not_sanitized(blog):
    """The low-level API: private attributes are read and can be filtered on."""
    first = blog.db.query("api::article.article").find_one(where={"note": "hush"})
    assert first["note"] == "hush" and first["title"] == "Python tips"
    assert set(first) >= {"id", "documentId", "createdAt", "updatedAt", "publishedAt"}
    assert "category" not in first and "seo" not in first  # only when populated


def test_populate(blog):
    articles = blog.db.query("api::article.article")
    found = articles.find_one(where={"title": "Python tips"}, populate=["category", "seo"])
    assert found["category"]["name"] == "Tech" and found["seo"]["keywords"] == "py"
    found = articles.find_one(where={"title": "Python tips"}, select=["title"],
                              populate={"category": {"select": ["name"]}})
    category = found["category"]
    assert found == {"id": found["id"], "title": "Python tips",
                     "category": {"id": category["id"], "documentId": category["documentId"], "name": "Tech"}}
    tech = blog.db.query("api::category.category").find_one(
        {"where": {"name": "Tech"}, "populate": {"articles": {"where": {"views": {"$gt": 5}}, "orderBy": "title"}}})
    assert titles(tech["articles"]) == ["Python tips"]
    assert blog.db.query("api::category.category").find_one(where={"name": "Tech"}, populate=True)["articles"]


def test_find_one_and_find_with_count(blog):
    articles = blog.db.query("api::article.article")
    assert articles.find_one(where={"views": {"$gt": 100}}) is None
    assert articles.find_one(orderBy={"views": "desc"})["title"] == "Gardening"
    rows, count = articles.find_with_count(where={"views": {"$gte": 5}}, limit=1, orderBy="views")
    assert titles(rows) == ["python news"] and count == 3


def test_parameters_as_one_dict_in_either_case(blog):
    articles = blog.db.query("api::article.article")
    camel = articles.find_many({"where": {"views": {"$gt": 0}}, "orderBy": {"views": "asc"}, "limit": 2})
    snake = articles.find_many({"where": {"views": {"$gt": 0}}, "order_by": {"views": "asc"}, "limit": 2})
    assert titles(camel) == titles(snake) == ["python news", "Python tips"]


def test_rows_not_documents(app):
    """Drafts and published versions are rows of their own: the query engine sees both."""
    posts = app.documents("api::post.post")
    doc = posts.create(data={"title": "v1"}, status="published")
    rows = app.db.query("api::post.post").find_many(where={"documentId": doc["documentId"]}, orderBy="id")
    assert len(rows) == 2 and [r["publishedAt"] is None for r in rows] == [True, False]
    assert app.db.query("api::post.post").count(where={"publishedAt": {"$notNull": True}}) == 1


def test_each_row_relates_to_documents_in_its_own_version(app):
    """A draft row's relations lead to drafts, a published row's to published versions, as in Strapi."""
    topics, posts = app.documents("api::topic.topic"), app.documents("api::post.post")
    topic = topics.create(data={"name": "v1"}, status="published")["documentId"]
    topics.update(topic, data={"name": "v2"})  # the draft moves on; the published version stays v1
    posts.create(data={"title": "p", "topic": topic}, status="published")
    rows = app.db.query("api::post.post")
    found = rows.find_many(orderBy="id", populate=["topic"], select=["title"])
    assert [(r["title"], r["topic"]["name"]) for r in found] == [("p", "v2"), ("p", "v1")]
    assert "publishedAt" not in found[0]  # read to pick the version, not selected
    assert [r["publishedAt"] is None for r in rows.find_many(where={"topic": {"name": "v2"}})] == [True]
    assert [r["publishedAt"] is None for r in rows.find_many(where={"topic": {"name": "v1"}})] == [False]
    assert rows.count(where={"topic": {"name": {"$in": ["v1", "v2"]}}}) == 2


# -- writes --------------------------------------------------------------------------------

def test_create_fills_defaults_and_system_fields(app):
    made = app.db.query("api::article.article").create(data={"title": "New"}, select=["title", "views"])
    assert made == {"title": "New", "views": 0}
    row = app.db.query("api::article.article").find_one(where={"title": "New"})
    assert len(row["documentId"]) == 24 and row["createdAt"] and row["publishedAt"]  # no draft & publish
    draft = app.db.query("api::post.post").create(data={"title": "d", "documentId": "a" * 24})
    assert draft["documentId"] == "a" * 24 and draft["publishedAt"] is None
    assert app.documents("api::post.post").find_one("a" * 24)["title"] == "d"  # a document service sees it


def test_create_with_a_relation_by_row_id(blog):
    life = blog.db.query("api::category.category").find_one(where={"name": "Life"})
    made = blog.db.query("api::article.article").create(data={"title": "Trees", "category": life["id"]},
                                                         populate=["category"])
    assert made["category"]["name"] == "Life"


def test_create_many_returns_count_and_ids(app):
    categories = app.db.query("api::category.category")
    result = categories.create_many(data=[{"name": "A"}, {"name": "B"}])
    assert result["count"] == 2 and len(result["ids"]) == 2
    assert [c["name"] for c in categories.find_many(where={"id": {"$in": result["ids"]}})] == ["A", "B"]
    with pytest.raises(QueryError, match="nothing to insert"):
        categories.create_many(data=[])


def test_update_and_update_many(blog):
    articles = blog.db.query("api::article.article")
    updated = articles.update(where={"title": "Cooking"}, data={"views": 7}, select=["title", "views"])
    assert updated == {"title": "Cooking", "views": 7}
    assert articles.update(where={"title": "nothing"}, data={"views": 1}) is None
    assert articles.update_many(where={"category": {"name": "Tech"}}, data={"views": 1}) == {"count": 2}
    assert articles.count(where={"views": 1}) == 2
    with pytest.raises(QueryError, match="needs a where"):
        articles.update(data={"views": 3})


def test_delete_and_delete_many(blog):
    articles = blog.db.query("api::article.article")
    gone = articles.delete(where={"title": "Gardening"}, populate=["category"])
    assert gone["title"] == "Gardening" and gone["category"]["name"] == "Life"
    assert articles.delete(where={"title": "Gardening"}) is None
    assert articles.delete_many(where={"views": {"$lt": 10}}) == {"count": 2}
    assert titles(articles.find_many()) == ["Python tips"]
    # The category's link to the deleted articles went with them.
    tech = blog.db.query("api::category.category").find_one(where={"name": "Tech"}, populate=["articles"])
    assert titles(tech["articles"]) == ["Python tips"]
    with pytest.raises(QueryError, match="needs a where"):
        articles.delete()


def test_a_failed_write_writes_nothing(app):
    categories = app.db.query("api::category.category")
    with pytest.raises(QueryError):
        categories.create_many(data=[{"name": "ok"}, {"nmae": "typo"}])
    assert categories.count() == 0


# -- mistakes are errors, naming the closest valid name --------------------------------------

def test_unknown_parameter_names_the_closest(app):
    articles = app.db.query("api::article.article")
    with pytest.raises(QueryError, match=r"find_many\(\) has no parameter 'wher'; did you mean 'where'\?") as err:
        articles.find_many(wher={"title": "x"})
    assert err.value.name == "wher" and err.value.closest == "where"
    with pytest.raises(QueryError, match="did you mean 'orderBy'"):
        articles.find_many({"orderby": "title"})
    with pytest.raises(QueryError, match="has no parameter 'data'"):
        articles.find_many(data={})
    with pytest.raises(QueryError, match="given 'order_by' twice \\(as 'orderBy' and 'order_by'\\)"):
        articles.find_many({"orderBy": "title"}, order_by="views")


def test_unknown_attribute_names_the_closest(app):
    articles = app.db.query("api::article.article")
    with pytest.raises(QueryError, match="unknown attribute 'titel' of api::article.article in where; "
                                         "did you mean 'title'") as err:
        articles.find_many(where={"titel": "x"})
    assert err.value.closest == "title"
    with pytest.raises(QueryError, match="'nme' of api::category.category in where; did you mean 'name'"):
        articles.find_many(where={"category": {"nme": "Tech"}})
    with pytest.raises(QueryError, match="unknown operator '\\$eqq'.*did you mean '\\$eq'"):
        articles.find_many(where={"title": {"$eqq": "x"}})
    with pytest.raises(QueryError, match="in select; did you mean 'views'"):
        articles.find_many(select=["veiws"])
    with pytest.raises(QueryError, match="select of api::article.article names columns: 'category' is not one"):
        articles.find_many(select=["title", "category"])
    with pytest.raises(QueryError, match="in orderBy; did you mean 'title'"):
        articles.find_many(orderBy={"tilte": "asc"})
    with pytest.raises(QueryError, match="in populate; did you mean 'category'"):
        articles.find_many(populate=["categroy"])
    with pytest.raises(QueryError, match="in data; did you mean 'views'"):
        articles.create(data={"title": "x", "vews": 1})
    with pytest.raises(QueryError, match="'kewords' of shared.seo in data at seo.kewords; did you mean 'keywords'"):
        articles.create(data={"title": "x", "seo": {"kewords": "a"}})
    with pytest.raises(KeyError, match="did you mean 'api::article.article'"):
        app.db.query("api::articles.article")


def test_values_are_still_validated(app):
    with pytest.raises(ValidationError):
        app.db.query("api::article.article").create(data={"title": "x", "views": "many"})


# -- the README's example, run as written against the blog ----------------------------------

def test_the_readme_example_runs_against_the_blog(tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text()
    start = text.index("\n### The query engine\n")
    block = re.search(r"```python\n(.*?)```", text[start:], re.S)
    assert block
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "blog.db"))
    monkeypatch.setenv("JWT_SECRET", "a-test-secret-that-is-long-enough-for-hs256")
    app = App.load(ROOT / "examples" / "blog")
    try:
        namespace = {"app": app}
        exec(compile(block[1], "README.md (The query engine)", "exec"), namespace)  # noqa: S102
        articles = app.db.query("api::article.article")
        assert namespace["total"] >= len(namespace["rows"]) and articles.count(where={"title": "Hi"}) == 0
        assert articles.count(where={"title": {"$in": ["A", "B"]}}) == 0
    finally:
        app.destroy()


def test_select_as_a_string_and_populate_counts(blog):
    articles = blog.db.query("api::article.article")
    assert articles.find_many(select="title,views", where={"views": 20}) == [{"title": "Gardening", "views": 20}]
    tech = blog.db.query("api::category.category").find_one(where={"name": "Tech"},
                                                            populate={"articles": {"count": True}})
    assert tech["articles"] == {"count": 2}


def test_bad_windows_and_populate_keys_are_errors(blog):
    articles = blog.db.query("api::article.article")
    for bad in (-1, 1.5, True, "x"):
        with pytest.raises(QueryError, match="limit must be a whole number"):
            articles.find_many(limit=bad)
    with pytest.raises(QueryError, match="offset must be a whole number"):
        articles.find_many(offset=-2)
    with pytest.raises(QueryError, match="populate.category has no key 'selct'; did you mean 'select'"):
        articles.find_many(populate={"category": {"selct": ["name"]}})
    with pytest.raises(QueryError, match="limit inside a populate is not supported"):
        articles.find_many(populate={"category": {"limit": 1}})
