"""``options.privateAttributes`` in a schema and ``api.responses.privateAttributes`` in config/api.py: the
listed fields are private everywhere ``private: true`` makes a field private (REST answers at every
depth, populate, filters/sort/fields refused by the core actions and stripped by sanitize_query, event
payloads), system fields like ``createdAt`` included, as in Strapi."""

from __future__ import annotations

from typing import Any

import pytest

from minikoa import App, LoadError, core_controller, core_router
from minikoa.content.schema import SchemaError
from tests.receiver import FAST

ARTICLE, CATEGORY = "api::article.article", "api::category.category"


def schema(singular: str, plural: str, attributes: dict[str, Any], private: list[str] | None = None):
    out: dict[str, Any] = {"kind": "collectionType", "collectionName": plural,
                           "info": {"singularName": singular, "pluralName": plural}, "attributes": attributes}
    if private is not None:
        out["options"] = {"privateAttributes": private}
    return out


def make_app(tmp_path, listed=None, controller=None, webhooks=False):
    config: dict[str, Any] = {"database": {"connection": {"connection": {"filename": str(tmp_path / "pa.db")}}}}
    if listed is not None:
        config["api"] = {"responses": {"privateAttributes": listed}}
    if webhooks:
        config["server"] = {"webhooks": FAST}
    app = App(config=config)
    ct = app.content_types
    ct.register_component("shared.seo", {"attributes": {"title": {"type": "string"}, "token": {"type": "string"}},
                                         "options": {"privateAttributes": ["token"]}})
    ct.register(CATEGORY, schema("category", "categories", {
        "name": {"type": "string"}, "code": {"type": "string"},
        "articles": {"type": "relation", "relation": "oneToMany", "target": ARTICLE, "mappedBy": "category"}},
        private=["code"]))
    ct.register(ARTICLE, schema("article", "articles", {
        "title": {"type": "string"}, "internal": {"type": "string"}, "views": {"type": "integer"},
        "category": {"type": "relation", "relation": "manyToOne", "target": CATEGORY, "inversedBy": "articles"},
        "seo": {"type": "component", "component": "shared.seo"}}, private=["internal"]))
    if controller is not None:
        app.controllers.register(ARTICLE, controller)
    app.mount(core_router(ARTICLE))
    app.mount(core_router(CATEGORY))
    app.build()
    return app


def seed(app):
    cat = app.documents(CATEGORY).create(data={"name": "Tech", "code": "C-42"})
    for i in range(2):
        app.documents(ARTICLE).create(data={"title": f"t{i}", "internal": f"i{i}", "views": i,
                                            "category": cat["documentId"],
                                            "seo": {"title": f"s{i}", "token": f"tok{i}"}})
    return cat


def test_a_schemas_list_hides_its_fields_everywhere(tmp_path):
    app = make_app(tmp_path)
    try:
        cat = seed(app)
        client = app.test_client()
        listed = client.get("/api/articles?populate=*").json["data"]
        assert [a["title"] for a in listed] == ["t0", "t1"]
        for article in listed:
            assert "internal" not in article and "code" not in article["category"]
            assert article["seo"] == {"id": article["seo"]["id"], "title": article["seo"]["title"]}  # token hidden
            assert "createdAt" in article  # not listed: shown
        one = client.get(f"/api/categories/{cat['documentId']}?populate=articles").json["data"]
        assert "code" not in one and all("internal" not in a for a in one["articles"])
        for query in ("filters[internal][$eq]=i0", "sort=internal", "fields[0]=internal",
                      "filters[category][code]=C-42", "populate[category][fields][0]=code",
                      "populate[seo][fields][0]=token"):
            res = client.get(f"/api/articles?{query}")
            assert res.status_code == 400 and res.json["error"]["message"].startswith("Invalid key"), query
        # Trusted code reads everything.
        assert app.documents(ARTICLE).find_first(filters={"internal": "i1"})["internal"] == "i1"
    finally:
        app.destroy()


def test_the_config_list_applies_to_every_type_and_hides_system_fields(tmp_path):
    app = make_app(tmp_path, listed=["createdAt", "views", "name"])
    try:
        cat = seed(app)
        client = app.test_client()
        article = client.get("/api/articles?populate=category").json["data"][0]
        assert "createdAt" not in article and "views" not in article and "internal" not in article
        assert "updatedAt" in article and article["title"] == "t0"
        assert set(article["category"]) == {"id", "documentId", "updatedAt", "publishedAt"}  # name, code, createdAt
        item = client.get(f"/api/categories/{cat['documentId']}").json["data"]
        assert "createdAt" not in item and "name" not in item
        for query in ("filters[createdAt][$gt]=2000-01-01", "sort=createdAt:desc", "fields[0]=createdAt",
                      "filters[views][$gt]=0", "sort[0]=category.name", "filters[category][createdAt][$notNull]=true",
                      "populate[category][fields][0]=createdAt"):
            res = client.get(f"/api/articles?{query}")
            assert res.status_code == 400, query
            assert res.json["error"]["message"].split(" at ")[0] in (
                "Invalid key createdAt", "Invalid key views", "Invalid key name")
        assert client.get("/api/articles?sort=updatedAt:desc&fields[0]=title").status_code == 200
        assert "createdAt" in app.documents(ARTICLE).find_first()  # trusted code
    finally:
        app.destroy()


def test_sanitize_query_strips_listed_fields(tmp_path):
    class Articles(core_controller(ARTICLE)):
        def find(self, ctx):
            query = self.sanitize_query(ctx)
            found = self.service.find(query)
            return {"data": self.sanitize_output(found["results"], ctx), "meta": {"query": dict(query)}}

    app = make_app(tmp_path, listed=["createdAt"], controller=Articles)
    try:
        seed(app)
        res = app.test_client().get("/api/articles?filters[internal]=nope&filters[createdAt][$lt]=2000-01-01"
                                    "&sort=createdAt:desc&fields[0]=title&fields[1]=createdAt")
        assert res.status_code == 200 and len(res.json["data"]) == 2  # the filters were dropped, not applied
        assert res.json["meta"]["query"]["fields"] == ["title"] and res.json["meta"]["query"]["sort"] == ""
        assert all(set(a) == {"id", "documentId", "title"} for a in res.json["data"])
    finally:
        app.destroy()


def test_event_and_webhook_payloads_leave_listed_fields_out(tmp_path, receiver):
    app = make_app(tmp_path, listed=["createdAt"], webhooks=True)
    try:
        heard: list[dict[str, Any]] = []
        app.events.on("entry.create", lambda name, payload: heard.append(payload))
        app.webhooks.create(name="all", url=receiver.url(), events=["entry.create"])
        seed(app)
        hits = receiver.wait_for(3)
        entries = [hit.json()["entry"] for hit in hits] + [p["entry"] for p in heard]
        assert len(entries) == 6
        for entry in entries:
            assert "createdAt" not in entry and "internal" not in entry and "code" not in entry
            assert "updatedAt" in entry
            if "seo" in entry:
                assert "token" not in entry["seo"] and entry["seo"]["title"].startswith("s")
        assert all(b"tok" not in hit.body and b"C-42" not in hit.body for hit in hits)
        assert all("createdAt" in hit.json() for hit in hits)  # the payload's own time is no entry field
    finally:
        app.destroy()


@pytest.mark.parametrize("bad", ["createdAt", [1], {"a": 1}])
def test_a_list_that_is_not_names_fails_at_start(tmp_path, bad):
    with pytest.raises(SchemaError, match="privateAttributes must be a list of field names"):
        make_app(tmp_path, listed=bad)


def test_a_project_schema_and_config_api(project, tmp_path):
    files = {
        "config/api.py": "config = {'responses': {'privateAttributes': ['updatedAt']}}\n",
        "src/api/note/content-types/note/schema.json":
            '{"kind": "collectionType", "collectionName": "notes", "info": {"singularName": "note", '
            '"pluralName": "notes"}, "options": {"privateAttributes": ["body"]}, '
            '"attributes": {"title": {"type": "string"}, "body": {"type": "text"}}}',
        "src/api/note/routes/note.py": "from minikoa import core_router\nroutes = core_router('api::note.note')\n",
    }
    app = App.load(project(files))
    try:
        app.documents("api::note.note").create(data={"title": "n", "body": "hidden"})
        data = app.test_client().get("/api/notes").json["data"][0]
        assert data["title"] == "n" and "body" not in data and "updatedAt" not in data and "createdAt" in data
    finally:
        app.destroy()
    bad = dict(files, **{"config/api.py": "config = {'responses': {'privateAttributes': 'updatedAt'}}\n"})
    with pytest.raises(LoadError, match=r"config/api\.py: responses\.privateAttributes must be a list"):
        App.load(project(bad))
