"""The core service (``app.service(uid)``): Strapi 5's methods, for collection and single types, and
extending them with ``super()`` in a project's services file, seen through REST."""

from __future__ import annotations

import json

import pytest

from minikoa import App, ValidationError, core_router
from minikoa.rest import CoreService
from tests.conftest import write_project

POST = {
    "kind": "collectionType", "collectionName": "posts",
    "info": {"singularName": "post", "pluralName": "posts"},
    "options": {"draftAndPublish": True},
    "attributes": {"title": {"type": "string", "required": True}, "views": {"type": "integer"},
                   "note": {"type": "string", "private": True}},
}
HOME = {
    "kind": "singleType", "collectionName": "homepages",
    "info": {"singularName": "homepage", "pluralName": "homepages"},
    "options": {"draftAndPublish": True},
    "attributes": {"headline": {"type": "string"}, "note": {"type": "string", "private": True}},
}


@pytest.fixture
def app(tmp_path):
    app = App(config={"database": {"connection": {"connection": {"filename": str(tmp_path / "s.db")}}},
                      "api": {"rest": {"defaultLimit": 2, "maxLimit": 3}}})
    app.content_types.register("api::post.post", POST)
    app.content_types.register("api::homepage.homepage", HOME)
    app.mount(core_router("api::post.post"))
    app.mount(core_router("api::homepage.homepage"))
    app.build()
    yield app
    app.destroy()


@pytest.fixture
def posts(app):
    return app.service("api::post.post")


@pytest.fixture
def home(app):
    return app.service("api::homepage.homepage")


def titles(entries):
    return sorted(entry["title"] for entry in entries)


# -- get_fetch_params ---------------------------------------------------------------------------


def test_get_fetch_params_defaults_to_the_published_version(posts):
    assert posts.get_fetch_params() == {"status": "published"}
    assert posts.get_fetch_params({"filters": {"views": 1}}) == {"status": "published", "filters": {"views": 1}}
    assert posts.get_fetch_params({"status": "draft"}) == {"status": "draft"}
    assert posts.get_fetch_params({"status": None}) == {"status": "published"}


# -- collection types -----------------------------------------------------------------------------


def test_create_publishes_by_default_and_returns_the_public_document(posts, app):
    created = posts.create({"data": {"title": "One", "views": 1, "note": "private"}})
    assert created["title"] == "One" and created["publishedAt"] is not None
    assert "note" not in created  # private attributes never leave a service
    draft = posts.create({"data": {"title": "Draft only"}, "status": "draft"})
    assert draft["publishedAt"] is None
    assert posts.find_one(draft["documentId"]) is None  # no published version
    assert posts.find_one(draft["documentId"], {"status": "draft"})["title"] == "Draft only"
    assert app.documents("api::post.post").find_one(created["documentId"])["note"] == "private"


def test_create_without_data_is_checked_like_any_write(posts):
    with pytest.raises(ValidationError):  # title is required: Strapi's default params are {data: {}}
        posts.create()


def test_find_returns_results_and_pagination_with_the_rest_limits(posts):
    for n in range(5):
        posts.create({"data": {"title": f"P{n}", "views": n}})
    posts.create({"data": {"title": "Hidden draft", "views": 99}, "status": "draft"})
    found = posts.find()
    assert set(found) == {"results", "pagination"}
    assert len(found["results"]) == 2  # config/api.py's defaultLimit
    assert found["pagination"] == {"page": 1, "pageSize": 2, "pageCount": 3, "total": 5}
    found = posts.find({"filters": {"views": {"$gte": 3}}, "sort": "views:desc",
                        "pagination": {"page": 1, "pageSize": 10}})
    assert [p["title"] for p in found["results"]] == ["P4", "P3"]  # the draft is not published
    assert found["pagination"]["pageSize"] == 3  # maxLimit
    drafts = posts.find({"status": "draft", "filters": {"views": 99}})
    assert titles(drafts["results"]) == ["Hidden draft"]
    assert posts.find({"pagination": {"start": 1, "limit": 1}})["pagination"] == {"start": 1, "limit": 1, "total": 5}


def test_find_one_update_and_count(posts):
    doc = posts.create({"data": {"title": "Before", "views": 1}})
    other = posts.create({"data": {"title": "Other", "views": 7}})
    assert posts.find_one(doc["documentId"], {"fields": ["title"]}) == {
        "id": posts.find_one(doc["documentId"])["id"], "documentId": doc["documentId"], "title": "Before"}
    updated = posts.update(doc["documentId"], {"data": {"title": "After"}})
    assert updated["title"] == "After" and updated["views"] == 1
    assert posts.find_one(doc["documentId"])["title"] == "After"  # published again, as REST does
    assert posts.update("no-such-document", {"data": {"title": "x"}}) is None
    assert posts.find_one("no-such-document") is None
    assert posts.count() == 2
    assert posts.count({"filters": {"views": {"$gt": 5}}}) == 1
    assert posts.count({"filters": {"documentId": other["documentId"]}, "sort": "title"}) == 1
    posts.update(other["documentId"], {"data": {"title": "Draft edit"}, "status": "draft"})
    assert posts.find_one(other["documentId"])["title"] == "Other"  # the published version is unchanged
    assert posts.count({"status": "draft"}) == 2


def test_delete_answers_how_many_entries_went(posts):
    doc = posts.create({"data": {"title": "Gone"}})  # a draft and a published version
    assert posts.delete(doc["documentId"]) == {"deletedEntries": 2}
    assert posts.find_one(doc["documentId"], {"status": "draft"}) is None
    assert posts.delete(doc["documentId"]) == {"deletedEntries": 0}
    draft = posts.create({"data": {"title": "Draft"}, "status": "draft"})
    assert posts.delete(draft["documentId"], {}) == {"deletedEntries": 1}


def test_publish_unpublish_and_discard_draft(posts):
    doc = posts.create({"data": {"title": "v1", "note": "private"}, "status": "draft"})
    document_id = doc["documentId"]
    published = posts.publish(document_id)
    assert published["documentId"] == document_id
    assert [e["title"] for e in published["entries"]] == ["v1"]
    assert all("note" not in e for e in published["entries"])
    assert posts.find_one(document_id)["title"] == "v1"

    posts.update(document_id, {"data": {"title": "v2"}, "status": "draft"})
    discarded = posts.discard_draft(document_id)
    assert [e["title"] for e in discarded["entries"]] == ["v1"]
    assert posts.find_one(document_id, {"status": "draft"})["title"] == "v1"

    unpublished = posts.unpublish(document_id)
    assert [e["title"] for e in unpublished["entries"]] == ["v1"]
    assert posts.find_one(document_id) is None
    assert posts.find_one(document_id, {"status": "draft"})["title"] == "v1"
    assert posts.unpublish(document_id) is None  # nothing published any more
    assert posts.discard_draft(document_id) is None
    assert posts.publish("no-such-document") is None


def test_params_are_checked(posts):
    with pytest.raises(ValidationError):
        posts.find({"filters": {"nope": 1}})
    with pytest.raises(ValidationError):
        posts.find({"status": "archived"})


# -- single types ---------------------------------------------------------------------------------


def test_single_type_find_create_or_update_and_delete(home):
    assert home.find() is None
    made = home.create_or_update({"data": {"headline": "Welcome", "note": "private"}})
    assert made["headline"] == "Welcome" and "note" not in made
    again = home.create_or_update({"data": {"headline": "Welcome back"}})
    assert again["documentId"] == made["documentId"]  # still the one document
    assert home.find()["headline"] == "Welcome back"
    home.create_or_update({"data": {"headline": "Unpublished edit"}, "status": "draft"})
    assert home.find()["headline"] == "Welcome back"
    assert home.find({"status": "draft"})["headline"] == "Unpublished edit"
    assert home.find({"fields": ["headline"]}).keys() == {"id", "documentId", "headline"}
    deleted = home.delete({})
    assert deleted["documentId"] == made["documentId"] and len(deleted["entries"]) == 2
    assert all("note" not in e for e in deleted["entries"])
    assert home.find() is None
    assert home.delete() is None


# -- extending with super(), through REST ---------------------------------------------------------

SERVICE = '''
from minikoa import core_service


class PostService(core_service("api::post.post")):
    def get_fetch_params(self, params=None):
        # Every method reads only posts with views unless told otherwise.
        fetch = dict(super().get_fetch_params(params))
        fetch.setdefault("filters", {"views": {"$notNull": True}})
        return fetch

    def find(self, params=None):
        found = super().find(params)
        for post in found["results"]:
            post["shout"] = post["title"].upper()
        return found

    def create(self, params=None):
        params = dict(params or {})
        params["data"] = {**params["data"], "title": params["data"]["title"].strip().title()}
        return super().create(params)

    def delete(self, document_id, params=None):
        result = super().delete(document_id, params)
        self.app.config.set("deleted", result)
        return result


service = PostService
'''


def test_a_project_service_extends_the_core_one_with_super(tmp_path):
    root = write_project(tmp_path / "project", {
        "src/api/post/content-types/post/schema.json": json.dumps(POST),
        "src/api/post/services/post.py": SERVICE,
        "src/api/post/routes/post.py": "from minikoa import core_router\nroutes = core_router('api::post.post')\n",
    })
    app = App.load(root)
    try:
        client = app.test_client()
        res = client.post("/api/posts", json={"data": {"title": "  hello there ", "views": 3}})
        assert res.status_code == 201 and res.json["data"]["title"] == "Hello There"
        app.documents("api::post.post").create(data={"title": "no views"}, status="published")
        listed = client.get("/api/posts").json
        assert [(p["title"], p["shout"]) for p in listed["data"]] == [("Hello There", "HELLO THERE")]
        assert listed["meta"]["pagination"]["total"] == 1  # the override's filters reached the count
        with_query = client.get("/api/posts?filters[title][$eq]=no%20views").json
        assert [p["title"] for p in with_query["data"]] == ["no views"]  # a query's filters win
        document_id = res.json["data"]["documentId"]
        assert client.delete(f"/api/posts/{document_id}").status_code == 204
        assert app.config.get("deleted") == {"deletedEntries": 2}
        assert isinstance(app.service("api::post.post"), CoreService)
    finally:
        app.destroy()


def test_the_readme_service_example_works(tmp_path):
    """The README's core service example, as it is written, in a project served over REST."""
    from tests.conftest import ROOT

    text = (ROOT / "README.md").read_text()
    block = next(b.split("```", 1)[0] for b in text.split("```python\n")[1:]
                 if b.startswith("# src/api/article/services/article.py"))
    article = {"kind": "collectionType", "collectionName": "articles",
               "info": {"singularName": "article", "pluralName": "articles"},
               "options": {"draftAndPublish": False},
               "attributes": {"title": {"type": "string"}, "body": {"type": "text"}, "views": {"type": "integer"}}}
    root = write_project(tmp_path / "project", {
        "src/api/article/content-types/article/schema.json": json.dumps(article),
        "src/api/article/services/article.py": block,
        "src/api/article/routes/article.py": (
            "from minikoa import core_router\n"
            "routes = core_router('api::article.article', config={'find': {'auth': False}})\n"),
    })
    app = App.load(root)
    try:
        articles = app.documents("api::article.article")
        articles.create(data={"title": "Long", "body": "word " * 450, "views": 20})
        articles.create(data={"title": "Short", "body": "hi", "views": 1})
        listed = app.test_client().get("/api/articles?sort=title").json["data"]
        assert [(a["title"], a["minutes"]) for a in listed] == [("Long", 2), ("Short", 1)]
        found = app.service("api::article.article").find({"filters": {"views": {"$gt": 10}}})
        assert [a["title"] for a in found["results"]] == ["Long"]
    finally:
        app.destroy()
