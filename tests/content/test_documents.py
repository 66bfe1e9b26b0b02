"""The document service: CRUD, draft & publish, relations, components, media, hooks, events."""

from __future__ import annotations

import re

import pytest

from minikoa import App, ValidationError
from minikoa.content.passwords import verify_password


def schema(singular, plural, attributes, dp=False, kind="collectionType"):
    return {"kind": kind, "collectionName": plural.replace("-", "_"),
            "info": {"singularName": singular, "pluralName": plural, "displayName": singular.title()},
            "options": {"draftAndPublish": dp}, "attributes": attributes}


@pytest.fixture
def app(tmp_path, database_config):
    app = App(config={"database": {"connection": database_config("d.db")}})
    ct = app.content_types
    ct.register_component("shared.link", {"attributes": {"label": {"type": "string", "required": True},
                                                          "url": {"type": "string"}}})
    ct.register_component("shared.seo", {"attributes": {"title": {"type": "string"},
                                                         "links": {"type": "component", "repeatable": True,
                                                                   "component": "shared.link"}}})
    ct.register("api::category.category", schema("category", "categories", {
        "name": {"type": "string", "required": True, "unique": True},
        "articles": {"type": "relation", "relation": "oneToMany", "target": "api::article.article",
                     "mappedBy": "category"},
    }))
    ct.register("api::tag.tag", schema("tag", "tags", {"label": {"type": "string"}}))
    ct.register("api::article.article", schema("article", "articles", {
        "title": {"type": "string", "required": True, "maxLength": 80},
        "slug": {"type": "uid", "targetField": "title", "required": True},
        "views": {"type": "integer", "min": 0, "default": 0},
        "secret": {"type": "password"},
        "category": {"type": "relation", "relation": "manyToOne", "target": "api::category.category",
                     "inversedBy": "articles"},
        "tags": {"type": "relation", "relation": "manyWay", "target": "api::tag.tag"},
        "seo": {"type": "component", "component": "shared.seo"},
        "cover": {"type": "media"},
    }))
    ct.register("api::post.post", schema("post", "posts", {
        "title": {"type": "string", "required": True},
        "tags": {"type": "relation", "relation": "manyWay", "target": "api::tag.tag"},
    }, dp=True))
    ct.register("api::homepage.homepage", schema("homepage", "homepages", {"headline": {"type": "string"}},
                                                 kind="singleType"))
    app.build()
    yield app
    app.destroy()


def test_create_find_update_delete(app):
    articles = app.documents("api::article.article")
    created = articles.create(data={"title": "Hello World", "secret": "pw"})
    assert re.fullmatch(r"[a-z0-9]{24}", created["documentId"])
    assert created["title"] == "Hello World" and created["views"] == 0 and created["slug"] == "hello-world"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", created["createdAt"])
    assert created["publishedAt"] is not None  # no draftAndPublish: published at once, as Strapi does
    assert "secret" not in created
    stored = app.db.db.scalar("SELECT secret FROM articles")
    assert stored != "pw" and verify_password("pw", stored)

    doc = created["documentId"]
    assert articles.find_one(doc)["title"] == "Hello World"
    assert articles.count() == 1
    updated = articles.update(doc, data={"views": 5})
    assert updated["views"] == 5 and updated["title"] == "Hello World"
    assert updated["updatedAt"] >= created["updatedAt"]
    assert articles.update("missing000000000000000000", data={"views": 1}) is None
    deleted = articles.delete(doc)
    assert deleted["documentId"] == doc and len(deleted["entries"]) == 1
    assert articles.find_one(doc) is None and articles.delete(doc) is None


def test_validation_failures_write_nothing(app):
    articles = app.documents("api::article.article")
    with pytest.raises(ValidationError) as err:
        articles.create(data={"title": "x" * 81, "views": -1})
    assert err.value.message == "2 errors occurred"
    with pytest.raises(ValidationError, match='Document with id "nope", locale "null" not found'):
        articles.create(data={"title": "Orphan", "category": "nope"})
    assert articles.count() == 0  # the failed relation rolled the row back


def test_unique_is_a_validation_error(app):
    categories = app.documents("api::category.category")
    categories.create(data={"name": "Tech"})
    with pytest.raises(ValidationError) as err:
        categories.create(data={"name": "Tech"})
    assert err.value.message == "This attribute must be unique"
    # the error carries the value written, as Strapi's does (strapi-rich 60, 61)
    assert err.value.details == {"errors": [{"path": ["name"], "message": "This attribute must be unique",
                                             "name": "ValidationError", "value": "Tech"}]}
    other = categories.create(data={"name": "Science"})
    with pytest.raises(ValidationError) as err:
        categories.update(other["documentId"], data={"name": "Tech"})
    assert err.value.details["errors"][0]["value"] == "Tech"


def test_uid_slugs_are_unique(app):
    articles = app.documents("api::article.article")
    slugs = [articles.create(data={"title": "Same Title"})["slug"] for _ in range(3)]
    assert slugs == ["same-title", "same-title-2", "same-title-3"]
    assert articles.create(data={"title": "Own", "slug": "chosen"})["slug"] == "chosen"


def test_relations_owner_side(app):
    cats = app.documents("api::category.category")
    tags = app.documents("api::tag.tag")
    articles = app.documents("api::article.article")
    tech, science = cats.create(data={"name": "Tech"}), cats.create(data={"name": "Science"})
    t1, t2, t3 = (tags.create(data={"label": f"t{i}"}) for i in range(1, 4))
    a = articles.create(data={"title": "A", "category": tech["documentId"],
                              "tags": [t1["documentId"], t2["id"]]},
                        populate=["category", "tags"])
    assert a["category"]["name"] == "Tech"
    assert [t["label"] for t in a["tags"]] == ["t1", "t2"]
    doc = a["documentId"]

    def labels():
        return [t["label"] for t in articles.find_one(doc, populate=["tags"])["tags"]]

    articles.update(doc, data={"tags": {"connect": [{"documentId": t3["documentId"],
                                                     "position": {"before": t1["documentId"]}}]}})
    assert labels() == ["t3", "t1", "t2"]
    articles.update(doc, data={"tags": {"disconnect": [t1["documentId"]], "connect": [t1["documentId"]]}})
    assert labels() == ["t3", "t2", "t1"]
    articles.update(doc, data={"tags": {"set": [t2["documentId"]]}})
    assert labels() == ["t2"]
    articles.update(doc, data={"category": science["documentId"], "tags": []})
    found = articles.find_one(doc, populate="*")
    assert found["category"]["name"] == "Science" and found["tags"] == []
    articles.update(doc, data={"category": None})
    assert articles.find_one(doc, populate=["category"])["category"] is None
    with pytest.raises(ValidationError):
        articles.update(doc, data={"category": [tech["documentId"], science["documentId"]]})


def test_relations_inverse_side_and_deleting_a_target(app):
    cats = app.documents("api::category.category")
    articles = app.documents("api::article.article")
    a1, a2 = articles.create(data={"title": "A1"}), articles.create(data={"title": "A2"})
    tech = cats.create(data={"name": "Tech", "articles": [a1["documentId"], a2["documentId"]]})
    assert articles.find_one(a1["documentId"], populate=["category"])["category"]["name"] == "Tech"
    science = cats.create(data={"name": "Science", "articles": [a2["documentId"]]})
    # An article has one category: A2 moved from Tech to Science.
    got = cats.find_one(tech["documentId"], populate=["articles"])
    assert [a["title"] for a in got["articles"]] == ["A1"]
    cats.delete(science["documentId"])
    assert articles.find_one(a2["documentId"], populate=["category"])["category"] is None


def test_components_get_ids_and_keep_them(app):
    articles = app.documents("api::article.article")
    a = articles.create(data={"title": "C", "seo": {"title": "S", "links": [{"label": "one"}, {"label": "two"}]}},
                        populate={"seo": {"populate": "*"}})
    seo = a["seo"]
    first, second = seo["links"]
    assert isinstance(seo["id"], int) and first["id"] != second["id"]
    b = articles.update(a["documentId"], data={"seo": {"id": seo["id"], "links": [
        {"id": second["id"], "url": "/two"}, {"label": "three"}]}}, populate={"seo": {"populate": "*"}})
    links = b["seo"]["links"]
    assert links[0] == {"id": second["id"], "label": "two", "url": "/two"}  # merged by id
    assert links[1]["label"] == "three" and links[1]["id"] not in (first["id"], second["id"])
    assert b["seo"]["title"] == "S" and b["seo"]["id"] == seo["id"]


def test_media_points_at_file_records(app):
    files = app.documents("plugin::upload.file")
    image = files.create(data={"name": "cat.png", "url": "/uploads/cat.png", "mime": "image/png"})
    articles = app.documents("api::article.article")
    a = articles.create(data={"title": "M", "cover": image["id"]}, populate=["cover"])
    assert a["cover"]["url"] == "/uploads/cat.png"
    missing = r"^1 relation\(s\) of type plugin::upload.file associated with this entity do not exist$"
    with pytest.raises(ValidationError, match=missing):
        articles.create(data={"title": "N", "cover": 999})


def test_draft_and_publish(app):
    posts = app.documents("api::post.post")
    tags = app.documents("api::tag.tag")
    tag = tags.create(data={"label": "x"})
    draft = posts.create(data={"title": "Draft", "tags": [tag["documentId"]]})
    doc = draft["documentId"]
    assert draft["publishedAt"] is None
    assert posts.find_one(doc, status="published") is None
    assert posts.count(status="published") == 0 and posts.count() == 1

    published = posts.publish(doc)["entries"][0]
    assert published["publishedAt"] is not None and published["id"] != draft["id"]
    assert posts.find_one(doc, status="published", populate=["tags"])["tags"][0]["label"] == "x"
    posts.update(doc, data={"title": "Edited draft"})
    assert posts.find_one(doc, status="published")["title"] == "Draft"
    assert posts.find_one(doc)["title"] == "Edited draft"
    posts.discard_draft(doc)
    assert posts.find_one(doc)["title"] == "Draft"
    posts.unpublish(doc)
    assert posts.find_one(doc, status="published") is None and posts.find_one(doc) is not None

    both = posts.create(data={"title": "Both"}, status="published")
    assert both["publishedAt"] is not None
    db = app.db.db
    rows = db.scalar(f"SELECT count(*) FROM posts WHERE document_id = {db.dialect.param}", [both["documentId"]])
    assert rows == 2
    assert len(posts.delete(both["documentId"])["entries"]) == 2


def test_single_type_create_or_update(app):
    home = app.documents("api::homepage.homepage")
    assert home.find_first() is None
    first = home.update(data={"headline": "Hi"})
    second = home.update(data={"headline": "Hello"})
    assert first["documentId"] == second["documentId"] and home.find_first()["headline"] == "Hello"
    assert home.delete()["documentId"] == first["documentId"] and home.find_first() is None


def test_lifecycles_change_params_and_cancel(app):
    articles = app.documents("api::article.article")
    seen = []

    def stamp(event):
        event.params["data"]["title"] = event.params["data"]["title"].upper()
        event.state["t"] = "before"

    def after(event):
        seen.append((event.action, event.result["title"], event.state["t"]))

    def refuse(event):
        if event.params["data"].get("views") == 13:
            raise ValidationError("unlucky")

    app.db.lifecycles.subscribe(models=["api::article.article"], before_create=stamp, after_create=after,
                                before_update=refuse)
    a = articles.create(data={"title": "loud"})
    assert a["title"] == "LOUD" and seen == [("afterCreate", "LOUD", "before")]  # Strapi's action names
    with pytest.raises(ValidationError, match="unlucky"):
        articles.update(a["documentId"], data={"views": 13, "title": "changed"})
    assert articles.find_one(a["documentId"])["title"] == "LOUD"  # rolled back


def test_entry_events_after_commit_without_private_fields(app):
    events = []
    app.events.on("*", lambda name, payload: events.append((name, payload)))
    articles = app.documents("api::article.article")
    with app.db.atomic():
        a = articles.create(data={"title": "Ev", "secret": "pw"})
        assert events == []  # not before the outer transaction commits
    name, payload = events[0]
    assert name == "entry.create" and payload["model"] == "article" and payload["uid"] == "api::article.article"
    assert payload["entry"]["title"] == "Ev" and "secret" not in payload["entry"]
    events.clear()
    with pytest.raises(RuntimeError):
        with app.db.atomic():
            articles.update(a["documentId"], data={"views": 2})
            raise RuntimeError
    assert events == []  # rolled back: nothing happened


def test_bulk_operations(app):
    tags = app.documents("api::tag.tag")
    made = tags.create_many(data=[{"label": f"b{i}"} for i in range(5)])
    assert made["count"] == 5
    assert tags.update_many(filters={"label": {"$in": ["b1", "b2"]}}, data={"label": "bb"})["count"] == 2
    assert tags.count(filters={"label": "bb"}) == 2
    assert tags.delete_many(filters={"label": "bb"})["count"] == 2
    assert tags.count() == 3


def test_find_many_takes_the_rest_query_language(app):
    articles = app.documents("api::article.article")
    for i in range(5):
        articles.create(data={"title": f"T{i}", "views": i})
    found = articles.find_many(filters={"views": {"$gte": 2}}, sort="views:desc", fields=["title"],
                               pagination={"page": 1, "pageSize": 2})
    assert [a["title"] for a in found] == ["T4", "T3"] and set(found[0]) == {"id", "documentId", "title"}
    assert articles.find_first(filters={"title": "T1"})["views"] == 1


def test_drafts_may_be_incomplete_but_not_what_is_published(app):
    posts = app.documents("api::post.post")
    draft = posts.create(data={})  # title is required, but this is a draft
    assert draft["title"] is None
    # Published from the stored draft, where the title is null: yup's type error, as Strapi words it.
    null_title = re.escape("title must be a `string` type, but the final value was: `null`.")
    with pytest.raises(ValidationError, match=null_title):
        posts.publish(draft["documentId"])
    assert posts.find_one(draft["documentId"], status="published") is None
    with pytest.raises(ValidationError, match=null_title):
        posts.create(data={}, status="published")
    posts.update(draft["documentId"], data={"title": "Now complete"})
    assert posts.publish(draft["documentId"])["entries"][0]["title"] == "Now complete"


@pytest.fixture
def kinds(tmp_path, database_config):
    """Every relation kind between people, passports, clubs and a mentor."""
    app = App(config={"database": {"connection": database_config("k.db")}})
    ct = app.content_types
    ct.register("api::person.person", schema("person", "people", {
        "name": {"type": "string"},
        "passport": {"type": "relation", "relation": "oneToOne", "target": "api::passport.passport",
                     "inversedBy": "holder"},
        "clubs": {"type": "relation", "relation": "manyToMany", "target": "api::club.club",
                  "inversedBy": "members"},
        "mentor": {"type": "relation", "relation": "oneWay", "target": "api::person.person"},
    }))
    ct.register("api::passport.passport", schema("passport", "passports", {
        "number": {"type": "string"},
        "holder": {"type": "relation", "relation": "oneToOne", "target": "api::person.person",
                   "mappedBy": "passport"},
    }))
    ct.register("api::club.club", schema("club", "clubs", {
        "name": {"type": "string"},
        "members": {"type": "relation", "relation": "manyToMany", "target": "api::person.person",
                    "mappedBy": "clubs"},
    }))
    app.build()
    yield app
    app.destroy()


def test_one_to_one_is_exclusive_both_ways(kinds):
    people, passports = kinds.documents("api::person.person"), kinds.documents("api::passport.passport")
    p1 = passports.create(data={"number": "P1"})
    ann = people.create(data={"name": "Ann", "passport": p1["documentId"]})
    bob = people.create(data={"name": "Bob", "passport": p1["documentId"]})  # takes it from Ann
    assert people.find_one(ann["documentId"], populate=["passport"])["passport"] is None
    assert passports.find_one(p1["documentId"], populate=["holder"])["holder"]["name"] == "Bob"
    p2 = passports.create(data={"number": "P2", "holder": ann["documentId"]})  # from the inverse side
    assert people.find_one(ann["documentId"], populate=["passport"])["passport"]["number"] == "P2"
    assert people.find_one(bob["documentId"], populate=["passport"])["passport"]["number"] == "P1"
    assert p2["documentId"] != p1["documentId"]


def test_many_to_many_from_both_sides_and_one_way(kinds):
    people, clubs = kinds.documents("api::person.person"), kinds.documents("api::club.club")
    chess, golf = clubs.create(data={"name": "Chess"}), clubs.create(data={"name": "Golf"})
    ann = people.create(data={"name": "Ann", "clubs": [chess["documentId"], golf["documentId"]]})
    bob = people.create(data={"name": "Bob", "clubs": [chess["documentId"]], "mentor": ann["documentId"]})
    members = clubs.find_one(chess["documentId"], populate={"members": {"sort": "name"}})["members"]
    assert [m["name"] for m in members] == ["Ann", "Bob"]
    clubs.update(golf["documentId"], data={"members": {"connect": [bob["documentId"]],
                                                       "disconnect": [ann["documentId"]]}})
    bob_clubs = people.find_one(bob["documentId"], populate=["clubs", "mentor"])
    assert sorted(c["name"] for c in bob_clubs["clubs"]) == ["Chess", "Golf"]
    assert bob_clubs["mentor"]["name"] == "Ann"
    assert [c["name"] for c in people.find_one(ann["documentId"], populate=["clubs"])["clubs"]] == ["Chess"]
    assert people.count(filters={"clubs": {"name": "Golf"}}) == 1


def test_read_and_bulk_hooks(app):
    tags = app.documents("api::tag.tag")
    seen = []
    app.db.lifecycles.subscribe(
        models=["api::tag.tag"],
        before_find_many=lambda e: e.params.update(filters={"label": "keep"}),
        after_find_one=lambda e: seen.append(("find_one", e.result and e.result["label"])),
        after_count=lambda e: seen.append(("count", e.result)),
        before_create_many=lambda e: seen.append(("create_many", len(e.params["data"]))),
        after_delete_many=lambda e: seen.append(("delete_many", e.result["count"])),
    )
    tags.create_many(data=[{"label": "keep"}, {"label": "drop"}])
    assert [t["label"] for t in tags.find_many()] == ["keep"]  # the hook narrowed the filters
    doc = tags.find_first()["documentId"]  # find_first goes through find_many
    tags.find_one(doc)
    tags.count()
    tags.delete_many(filters={"label": "drop"})  # its own lookup is not narrowed by the read hook
    assert seen == [("create_many", 2), ("find_one", "keep"), ("count", 2), ("delete_many", 1)]
    assert tags.count() == 1 and tags.find_one(doc)["label"] == "keep"
