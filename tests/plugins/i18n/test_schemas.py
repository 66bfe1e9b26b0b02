"""Localized content-types: which types and attributes are, the ``locale`` column, per-locale uniqueness."""

from __future__ import annotations

import pytest

from minikoa import App
from minikoa.content.schema import SchemaError
from minikoa.errors import ValidationError

from .conftest import PAGE, POST, SETTING

THING = {"kind": "collectionType", "collectionName": "things",
         "info": {"singularName": "thing", "pluralName": "things"},
         "pluginOptions": {"i18n": {"localized": True}},
         "attributes": {"name": {"type": "string", "unique": True, "pluginOptions": {"i18n": {"localized": True}}}}}


def test_which_types_and_attributes_are_localized(media_app):
    types = media_app.content_types
    assert [uid for uid in (POST, PAGE, SETTING, "plugin::i18n.locale", "plugin::upload.file")
            if types[uid].localized] == [POST, PAGE, SETTING]
    post = types[POST].attributes
    assert {name for name, attr in post.items() if attr.localized} == {"title", "body", "slug", "gallery",
                                                                       "attachment"}
    # slug says localized: false, but a uid always is (Strapi's isLocalizedAttribute)
    assert post["slug"].get("pluginOptions") == {"i18n": {"localized": False}}


def test_locale_comes_right_after_published_at(client):
    created = client.post("/api/posts", json={"data": {"title": "Hello", "slug": "hello"}}).get_json()["data"]
    assert list(created)[-2:] == ["publishedAt", "locale"] and created["locale"] == "en"
    listed = client.get("/api/posts?populate=*").get_json()["data"][0]
    keys = list(listed)
    assert keys.index("locale") == keys.index("publishedAt") + 1
    assert keys[keys.index("locale") + 1:][:3] == ["cover", "gallery", "attachment"]


def test_non_localized_types_have_no_locale(tmp_path):
    app = App(root=tmp_path)
    app.content_types.register("api::thing.thing", THING)  # localized, but the i18n plugin is off
    app.build()
    entry = app.documents("api::thing.thing").create(data={"name": "a"})
    assert "locale" not in entry
    assert not app.content_types["api::thing.thing"].localized


def test_the_query_engine_sees_the_locale_column(media_app):
    query = media_app.db.query(POST)
    query.create(data={"title": "Hello", "slug": "hello", "locale": "en"})
    query.create(data={"title": "Bonjour", "slug": "hello", "locale": "fr"})
    assert [r["locale"] for r in query.find_many(select=["locale"], order_by={"locale": "desc"})] == ["fr", "en"]
    assert query.count(where={"locale": {"$eq": "fr"}}) == 1
    assert query.find_one(where={"locale": "fr"}, select=["title"])["title"] == "Bonjour"


def test_uniqueness_is_per_locale(media_app):
    query = media_app.db.query(POST)
    query.create(data={"title": "Hello", "slug": "hello", "locale": "en"})
    query.create(data={"title": "Hallo", "slug": "hello", "locale": "de"})
    with pytest.raises(ValidationError, match="must be unique"):
        query.create(data={"title": "Hello again", "slug": "hello", "locale": "en"})


def test_the_locale_column_is_indexed(media_app):
    names = [row[0] for row in media_app.db.db.query(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'posts'")]
    assert "minikoa_locale_posts" in names and "minikoa_uq_posts_slug_l" in names


def test_a_bad_option_is_a_schema_error(tmp_path):
    app = App(root=tmp_path, plugins=["i18n"])
    app.content_types.register("api::thing.thing", {**THING, "pluginOptions": {"i18n": {"localized": "yes"}}})
    with pytest.raises(SchemaError, match="localized must be true or false"):
        app.build()
