"""Relations to a draft-and-publish type, seen and written from the other side (``content.relations``).

As the rich-schema recordings show (strapi-rich 11, 12, 97, 98): populating from a type without drafts
shows the published versions with their own ids, and linking from that side links the published
document without publishing it anew (its id stays).
"""

from __future__ import annotations

import pytest

from minikoa import App


def _schema(singular: str, plural: str, attributes: dict, dp: bool) -> dict:
    return {"kind": "collectionType", "collectionName": plural,
            "info": {"singularName": singular, "pluralName": plural, "displayName": singular.title()},
            "options": {"draftAndPublish": dp}, "attributes": attributes}


@pytest.fixture
def app(tmp_path, database_config):
    app = App(config={"database": {"connection": database_config("r.db")}})
    ct = app.content_types
    ct.register("api::product.product", _schema("product", "products", {
        "name": {"type": "string"},
        "tags": {"type": "relation", "relation": "manyToMany", "target": "api::tag.tag", "inversedBy": "products"},
        "maker": {"type": "relation", "relation": "manyToOne", "target": "api::maker.maker",
                  "inversedBy": "products"},
    }, dp=True))
    ct.register("api::tag.tag", _schema("tag", "tags", {
        "name": {"type": "string"},
        "products": {"type": "relation", "relation": "manyToMany", "target": "api::product.product",
                     "mappedBy": "tags"},
    }, dp=False))
    ct.register("api::maker.maker", _schema("maker", "makers", {
        "name": {"type": "string"},
        "products": {"type": "relation", "relation": "oneToMany", "target": "api::product.product",
                     "mappedBy": "maker"},
    }, dp=False))
    app.build()
    yield app
    app.destroy()


def test_the_other_side_shows_the_published_versions_with_their_ids(app):
    products, makers = app.documents("api::product.product"), app.documents("api::maker.maker")
    acme = makers.create(data={"name": "Acme"})["documentId"]
    alpha = products.create(data={"name": "Alpha", "maker": acme}, status="published")
    products.create(data={"name": "Draft only", "maker": acme})  # no published version
    published = products.find_one(alpha["documentId"], status="published")
    draft = products.find_one(alpha["documentId"], status="draft")
    assert published["id"] != draft["id"]
    got = makers.find_one(acme, populate={"products": {"fields": ["name"]}})
    assert got["products"] == [{"id": published["id"], "documentId": alpha["documentId"], "name": "Alpha"}]


def test_linking_from_the_other_side_does_not_publish_anew(app):
    products, tags = app.documents("api::product.product"), app.documents("api::tag.tag")
    alpha = products.create(data={"name": "Alpha"}, status="published")
    before = products.find_one(alpha["documentId"], status="published")
    purple = tags.create(data={"name": "purple", "products": [alpha["documentId"]]},
                         populate={"products": {"fields": ["name"]}})
    assert purple["products"] == [{"id": before["id"], "documentId": alpha["documentId"], "name": "Alpha"}]
    after = products.find_one(alpha["documentId"], status="published", populate={"tags": {"fields": ["name"]}})
    assert after["id"] == before["id"] and after["updatedAt"] == before["updatedAt"]
    assert [t["name"] for t in after["tags"]] == ["purple"]
    tags.delete(purple["documentId"])
    assert products.find_one(alpha["documentId"], status="published", populate=["tags"])["tags"] == []
