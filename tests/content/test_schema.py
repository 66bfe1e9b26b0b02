"""Schemas: Strapi's schema.json read, checked, and derived."""

from __future__ import annotations

import json

import pytest

from minikoa.content.schema import FILE_UID, SchemaError, Schemas, snake

ARTICLE = {
    "kind": "collectionType", "collectionName": "articles",
    "info": {"singularName": "article", "pluralName": "articles", "displayName": "Article"},
    "options": {"draftAndPublish": False}, "pluginOptions": {},
    "attributes": {
        "title": {"type": "string", "required": True, "maxLength": 80},
        "viewCount": {"type": "integer", "min": 0},
        "slug": {"type": "uid", "targetField": "title"},
        "category": {"type": "relation", "relation": "manyToOne", "target": "api::category.category",
                     "inversedBy": "articles"},
        "seo": {"type": "component", "component": "shared.seo"},
        "blocks": {"type": "dynamiczone", "components": ["shared.seo"]},
        "cover": {"type": "media", "multiple": False},
    },
}
CATEGORY = {
    "kind": "collectionType", "collectionName": "categories",
    "info": {"singularName": "category", "pluralName": "categories"},
    "attributes": {
        "name": {"type": "string"},
        "articles": {"type": "relation", "relation": "oneToMany", "target": "api::article.article",
                     "mappedBy": "category"},
    },
}
SEO = {"collectionName": "components_shared_seos", "info": {"displayName": "Seo"},
       "attributes": {"title": {"type": "string"}, "image": {"type": "media"}}}


def schemas(**changes) -> Schemas:
    s = Schemas()
    s.register_component("shared.seo", changes.pop("seo", SEO))
    s.register("api::article.article", changes.pop("article", ARTICLE), source="article/schema.json")
    s.register("api::category.category", changes.pop("category", CATEGORY), source="category/schema.json")
    return s


def test_link_derives_columns_links_and_sides():
    s = schemas()
    s.link()
    article = s["api::article.article"]
    assert [a.name for a in article] == list(ARTICLE["attributes"])
    assert article.attributes["viewCount"].column == "view_count"
    category = article.attributes["category"]
    inverse = s["api::category.category"].attributes["articles"]
    assert category.owner and not inverse.owner and inverse.many and not category.many
    assert category.link is inverse.link and category.link.table == "articles_category_lnk"
    assert article.attributes["cover"].target == FILE_UID and article.attributes["cover"].link is not None
    assert article.attributes["seo"].column == "seo" and article.attributes["blocks"].repeatable
    assert FILE_UID in s and s.by_plural("categories").uid == "api::category.category"
    assert snake("alternativeText") == "alternative_text"


def test_schema_json_files_load(tmp_path):
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(CATEGORY | {"attributes": {"name": {"type": "string"}}}))
    s = Schemas()
    assert s.register("api::category.category", path).source == str(path)
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(SchemaError, match="bad.json: invalid JSON"):
        s.register("api::x.x", bad)


def _attr(name, **options):
    return ARTICLE | {"attributes": {**ARTICLE["attributes"], name: options}}


@pytest.mark.parametrize("changes, message", [
    ({"article": _attr("x", type="strang")}, r"article/schema.json: attribute 'x': unknown attribute type 'strang'"),
    ({"article": _attr("x", type="relation", relation="manyToOne", target="api::nope.nope")},
     r"attribute 'x': relation target 'api::nope.nope' is not a known content-type"),
    ({"article": _attr("x", type="relation", relation="sideways", target="api::category.category")},
     r"attribute 'x': relation must be one of"),
    ({"category": CATEGORY | {"attributes": {"articles": {**CATEGORY["attributes"]["articles"], "mappedBy": "nope"}}}},
     r"attribute 'category': api::category.category.articles must have mappedBy: 'category'"),
    ({"category": CATEGORY | {"attributes": {"articles": {**CATEGORY["attributes"]["articles"],
                                                           "relation": "manyToMany"}}}},
     r"pairs with"),
    ({"article": _attr("x", type="enumeration")}, r"attribute 'x': an enumeration needs"),
    ({"article": _attr("x", type="string", maxLength="80")}, r"maxLength must be a number"),
    ({"article": _attr("x", type="string", regex="(")}, r"invalid regex"),
    ({"article": _attr("id", type="string")}, r"'id' cannot be an attribute name"),
    ({"article": _attr("x", type="component", component="shared.nope")}, r"unknown component 'shared.nope'"),
    ({"article": _attr("x", type="dynamiczone", components=[])}, r"needs a non-empty `components` list"),
    ({"article": _attr("view_count", type="integer")}, r"column 'view_count' clashes"),
    ({"category": CATEGORY | {"info": {"singularName": "article", "pluralName": "cats"}}},
     r"singular name 'article' is already used by api::article.article"),
    ({"category": CATEGORY | {"info": {"singularName": "cat", "pluralName": "articles"}}},
     r"plural name 'articles' is already used"),
    ({"article": ARTICLE | {"kind": "listType"}}, r"kind must be collectionType or singleType"),
    ({"seo": SEO | {"attributes": {"rel": {"type": "relation", "relation": "oneWay",
                                            "target": "api::category.category"}}}},
     r"relations inside components are not supported"),
])
def test_bad_schemas_name_file_and_attribute(changes, message):
    with pytest.raises(SchemaError, match=message):
        schemas(**changes).link()


def test_duplicate_and_invalid_uids():
    s = Schemas()
    s.register("api::category.category", CATEGORY)
    with pytest.raises(SchemaError, match="already registered"):
        s.register("api::category.category", CATEGORY)
    with pytest.raises(SchemaError, match="invalid content-type UID"):
        s.register("category", CATEGORY)
    with pytest.raises(SchemaError, match="invalid component UID"):
        s.register_component("seo", SEO)
