"""The REST layer: core_router, core_controller and core_service over real content-types."""

from __future__ import annotations

import pytest

from minikoa import App, core_controller, core_router, core_service

ARTICLE = {
    "kind": "collectionType", "collectionName": "articles",
    "info": {"singularName": "article", "pluralName": "articles"},
    "options": {"draftAndPublish": False},
    "attributes": {
        "title": {"type": "string", "required": True, "maxLength": 80},
        "views": {"type": "integer", "min": 0},
        "secret": {"type": "string", "private": True},
        "category": {"type": "relation", "relation": "manyToOne", "target": "api::category.category",
                     "inversedBy": "articles"},
    },
}
CATEGORY = {
    "kind": "collectionType", "collectionName": "categories",
    "info": {"singularName": "category", "pluralName": "categories"},
    "attributes": {
        "name": {"type": "string", "required": True},
        "code": {"type": "string", "private": True},
        "articles": {"type": "relation", "relation": "oneToMany", "target": "api::article.article",
                     "mappedBy": "category"},
    },
}
POST = {"kind": "collectionType", "collectionName": "posts", "info": {"singularName": "post", "pluralName": "posts"},
        "options": {"draftAndPublish": True}, "attributes": {"title": {"type": "string"}}}
HOME = {"kind": "singleType", "collectionName": "homepages",
        "info": {"singularName": "homepage", "pluralName": "homepages"},
        "attributes": {"headline": {"type": "string"}}}


def make_app(tmp_path, **config) -> App:
    app = App(config={"database": {"connection": {"connection": {"filename": str(tmp_path / "r.db")}}},
                      **config})
    for uid, schema in (("api::category.category", CATEGORY), ("api::article.article", ARTICLE),
                        ("api::post.post", POST), ("api::homepage.homepage", HOME)):
        app.content_types.register(uid, schema)
    return app


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    for uid in ("api::category.category", "api::article.article", "api::post.post", "api::homepage.homepage"):
        app.mount(core_router(uid))
    app.build()
    yield app
    app.destroy()


@pytest.fixture
def seeded(app):
    cats = app.documents("api::category.category")
    tech = cats.create(data={"name": "Tech", "code": "c1"})
    arts = app.documents("api::article.article")
    for i in range(1, 31):
        arts.create(data={"title": f"A{i}", "views": i, "secret": f"s{i}", "category": tech["documentId"]})
    return app.test_client()


def test_routes_of_collection_and_single_types(app):
    listed = {(r.method, r.path): r.name for r in app.routes}
    assert listed[("GET", "/api/articles")] == "api::article.article.find"
    assert listed[("GET", "/api/articles/:id")] == "api::article.article.findOne"
    assert listed[("POST", "/api/articles")] == "api::article.article.create"
    assert listed[("GET", "/api/homepage")] == "api::homepage.homepage.find"
    assert ("POST", "/api/homepage") not in listed


def test_list_pagination_defaults_and_private_fields(seeded):
    res = seeded.get("/api/articles?populate=category")
    body = res.json
    assert res.status_code == 200 and len(body["data"]) == 25
    assert body["meta"] == {"pagination": {"page": 1, "pageSize": 25, "pageCount": 2, "total": 30}}
    first = body["data"][0]
    assert "secret" not in first and "code" not in first["category"]  # private at every depth
    assert first["category"]["name"] == "Tech"
    assert seeded.get("/api/articles?pagination[pageSize]=1000").json["meta"]["pagination"]["pageSize"] == 100


def test_query_errors_are_strapis(seeded):
    res = seeded.get("/api/articles?filters[secret][$eq]=s1")
    assert res.status_code == 400 and res.json["error"]["details"] == {
        "key": "secret", "path": "secret", "source": "query", "param": "filters"}
    res = seeded.get("/api/articles?filters[category][code][$eq]=c1")
    assert res.status_code == 400 and res.json["error"]["message"].startswith("Invalid key code")
    res = seeded.get("/api/articles?pagination[page]=1&pagination[start]=0")
    assert res.json["error"] == {"status": 400, "name": "PaginationError",
                                 "message": "Cannot use both page & offset pagination in the same query",
                                 "details": {}}
    assert seeded.get("/api/articles?status=maybe").status_code == 400


def test_rest_config_limits(tmp_path):
    app = make_app(tmp_path, api={"rest": {"defaultLimit": 5, "maxLimit": 10, "withCount": False}})
    app.mount(core_router("api::article.article"))
    app.build()
    for i in range(12):
        app.documents("api::article.article").create(data={"title": f"T{i}"})
    client = app.test_client()
    assert client.get("/api/articles").json["meta"] == {"pagination": {"page": 1, "pageSize": 5}}
    assert len(client.get("/api/articles?pagination[pageSize]=50").json["data"]) == 10
    app.destroy()


def test_create_update_delete(app):
    client = app.test_client()
    res = client.post("/api/categories", json={"data": {"name": "Tech", "code": "x"}})
    assert res.status_code == 201 and "code" not in res.json["data"] and res.json["meta"] == {}
    cat = res.json["data"]["documentId"]
    res = client.post("/api/articles", json={"data": {"title": "Hi", "category": cat}})
    doc = res.json["data"]["documentId"]
    res = client.put(f"/api/articles/{doc}?populate=category", json={"data": {"views": 3}})
    assert res.status_code == 200 and res.json["data"]["views"] == 3 and res.json["data"]["category"]["name"] == "Tech"
    assert client.put("/api/articles/nope00000000000000000000", json={"data": {"views": 1}}).status_code == 404
    assert client.get(f"/api/articles/{res.json['data']['id']}").status_code == 404  # numeric ids are not addresses
    assert client.delete(f"/api/articles/{doc}").status_code == 204
    assert client.delete(f"/api/articles/{doc}").status_code == 204  # already gone: still 204, as recorded
    assert client.get(f"/api/articles/{doc}").status_code == 404


@pytest.mark.parametrize("body, message, details", [
    ({"title": "x"}, 'Missing "data" payload in the request body', {}),
    ({"data": "x"}, 'Missing "data" payload in the request body', {}),
    ({"data": {"title": "x", "nope": 1}}, "Invalid key nope", {"key": "nope", "path": None, "source": "body"}),
    ({"data": {"title": "x", "documentId": "a"}}, "Invalid key documentId", {"key": "documentId", "source": "body"}),
])
def test_write_body_errors(app, body, message, details):
    res = app.test_client().post("/api/articles", json=body)
    assert res.status_code == 400 and res.json["error"]["message"] == message
    assert res.json["error"]["details"] == details


def test_validation_and_missing_relation_write_nothing(app):
    client = app.test_client()
    res = client.post("/api/articles", json={"data": {"views": -1}})
    assert res.json["error"]["message"] == "2 errors occurred"
    res = client.post("/api/articles", json={"data": {"title": "T", "category": "doesnotexist000000000000"}})
    assert res.json["error"]["message"] == 'Document with id "doesnotexist000000000000", locale "null" not found'
    assert client.get("/api/articles").json["meta"]["pagination"]["total"] == 0


def test_draft_and_publish_over_rest(app):
    client = app.test_client()
    published = client.post("/api/posts", json={"data": {"title": "P"}}).json["data"]
    draft = client.post("/api/posts?status=draft", json={"data": {"title": "D"}}).json["data"]
    assert published["publishedAt"] is not None and draft["publishedAt"] is None
    assert [p["title"] for p in client.get("/api/posts").json["data"]] == ["P"]
    assert sorted(p["title"] for p in client.get("/api/posts?status=draft").json["data"]) == ["D", "P"]
    assert client.get(f"/api/posts/{draft['documentId']}").status_code == 404
    assert client.get(f"/api/posts/{draft['documentId']}?status=draft").status_code == 200


def test_single_type(app):
    client = app.test_client()
    assert client.get("/api/homepage").status_code == 404
    assert client.put("/api/homepage", json={"data": {"headline": "Hi"}}).status_code == 200
    assert client.put("/api/homepage", json={"data": {"headline": "Hello"}}).json["data"]["headline"] == "Hello"
    assert client.get("/api/homepage").json["data"]["headline"] == "Hello"
    assert client.delete("/api/homepage").status_code == 204
    assert client.get("/api/homepage").status_code == 404


def test_v4_response_format(seeded):
    res = seeded.get("/api/articles?populate=category&pagination[pageSize]=1",
                     headers={"Strapi-Response-Format": "v4"})
    entry = res.json["data"][0]
    assert set(entry) == {"id", "documentId", "attributes"}
    assert entry["attributes"]["title"] == "A1" and "secret" not in entry["attributes"]
    category = entry["attributes"]["category"]["data"]
    assert set(category) == {"id", "documentId", "attributes"} and category["attributes"]["name"] == "Tech"


def test_etag_and_304(seeded):
    res = seeded.get("/api/articles?pagination[pageSize]=2")
    etag = res.headers["ETag"]
    assert etag.startswith('W/"')
    again = seeded.get("/api/articles?pagination[pageSize]=2", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = seeded.get("/api/articles?pagination[pageSize]=3", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_only_exclude_per_action_config_and_prefix(tmp_path):
    app = make_app(tmp_path)
    calls = []

    def deny(ctx, config, app_):
        calls.append(config)
        return False

    app.policy("deny", deny)
    app.mount(core_router("api::article.article", only=["find", "findOne", "create"],
                          config={"create": {"policies": [{"name": "global::deny", "config": {"why": 1}}]}},
                          prefix="/v2"))
    app.mount(core_router("api::category.category", exclude=["delete"]))
    app.build()
    client = app.test_client()
    assert client.get("/v2/articles").status_code == 200
    assert client.post("/v2/articles", json={"data": {"title": "x"}}).status_code == 403 and calls == [{"why": 1}]
    assert client.put("/v2/articles/x").status_code == 405
    assert client.delete("/api/categories/x").status_code == 405
    with pytest.raises(ValueError, match="unknown action 'explode'"):
        core_router("api::article.article", only=["explode"])
    app.destroy()


def test_extending_the_core_controller_and_service(tmp_path):
    app = make_app(tmp_path)

    class Articles(core_controller("api::article.article")):
        def find(self, ctx):
            result = super().find(ctx)
            result["meta"]["note"] = "extended"
            return result

    class ArticleService(core_service("api::article.article")):
        def create(self, params):
            data = {**params["data"], "title": params["data"]["title"].strip().title()}
            return super().create({**params, "data": data})

    app.controllers.register("api::article.article", Articles)
    app.services.register("api::article.article", ArticleService)
    app.mount(core_router("api::article.article"))
    app.build()
    client = app.test_client()
    assert client.post("/api/articles", json={"data": {"title": "  hello there "}}).json["data"]["title"] == \
        "Hello There"
    assert client.get("/api/articles").json["meta"]["note"] == "extended"
    app.destroy()


@pytest.fixture
def parses(monkeypatch):
    """How many times a query is parsed (``Query.parse`` still does the work)."""
    from minikoa.content.query import Query

    calls = []
    original = Query.parse.__func__

    def counting(cls, *args, **kwargs):
        calls.append(args[1] if len(args) > 1 else kwargs.get("uid"))
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Query, "parse", classmethod(counting))
    return calls


def test_a_rest_request_parses_its_query_once(seeded, parses):
    doc = seeded.get("/api/articles?filters[views][$gt]=3&sort=views:desc&populate=category"
                     "&pagination[pageSize]=2").json
    assert [a["views"] for a in doc["data"]] == [30, 29] and doc["data"][0]["category"]["name"] == "Tech"
    assert len(parses) == 1
    one = seeded.get(f"/api/articles/{doc['data'][0]['documentId']}?populate=category&fields[0]=title").json
    assert one["data"]["category"]["name"] == "Tech" and "views" not in one["data"]
    assert len(parses) == 2
    made = seeded.post("/api/articles?populate=category&fields[0]=title",
                       json={"data": {"title": "New", "category": one["data"]["category"]["documentId"]}})
    assert made.status_code == 201 and made.json["data"]["category"]["name"] == "Tech"
    assert "secret" not in made.json["data"] and "code" not in made.json["data"]["category"]
    assert len(parses) == 3
    assert seeded.get("/api/articles").status_code == 200  # no query string: nothing to parse
    assert len(parses) == 3


def test_custom_actions_get_one_parsed_query(tmp_path, parses):
    app = make_app(tmp_path)

    class Articles(core_controller("api::article.article")):
        def find(self, ctx):
            self.validate_query(ctx)  # Strapi's pattern: validate, then sanitize, then the service
            query = self.sanitize_query(ctx)
            assert query["filters"] == {"title": {"$startsWith": "A"}} and query.get("sort") is None
            found = self.service.find(query)
            return self.transform_response(self.sanitize_output(found["results"], ctx),
                                           {"pagination": found["pagination"]})

    app.controllers.register("api::article.article", Articles)
    app.mount(core_router("api::article.article"))
    app.build()
    app.documents("api::article.article").create(data={"title": "Ada", "secret": "s"})
    parses.clear()
    client = app.test_client()
    res = client.get("/api/articles?filters[title][$startsWith]=A")
    assert [a["title"] for a in res.json["data"]] == ["Ada"] and "secret" not in res.json["data"][0]
    assert parses == ["api::article.article"]
    app.destroy()
