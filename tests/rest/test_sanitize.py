"""What the REST API lets in and out."""

import pytest

from minikoa import ValidationError
from minikoa.content.schema import Schemas
from minikoa.rest.sanitize import check_input, check_query, strip_private, to_v4


@pytest.fixture
def schemas():
    s = Schemas()
    s.register_component("shared.seo", {"attributes": {"title": {"type": "string"},
                                                        "token": {"type": "string", "private": True}}})
    s.register("api::user.user", {"collectionName": "users", "info": {"singularName": "user", "pluralName": "users"},
                                  "attributes": {"name": {"type": "string"}, "password": {"type": "password"}}})
    s.register("api::doc.doc", {"collectionName": "docs", "info": {"singularName": "doc", "pluralName": "docs"},
                                "attributes": {
                                    "title": {"type": "string"}, "note": {"type": "string", "private": True},
                                    "locked": {"type": "string", "writable": False},
                                    "owner": {"type": "relation", "relation": "oneWay", "target": "api::user.user"},
                                    "seo": {"type": "component", "component": "shared.seo"},
                                    "zone": {"type": "dynamiczone", "components": ["shared.seo"]}}})
    s.link()
    return s


def test_strip_private_at_every_depth(schemas):
    entry = {"id": 1, "title": "t", "note": "hidden", "owner": {"id": 2, "name": "n", "password": "h"},
             "seo": {"id": 3, "title": "s", "token": "x"}, "zone": [{"__component": "shared.seo", "token": "y"}]}
    assert strip_private(schemas, schemas["api::doc.doc"], entry) == {
        "id": 1, "title": "t", "owner": {"id": 2, "name": "n"}, "seo": {"id": 3, "title": "s"},
        "zone": [{"__component": "shared.seo"}]}


def test_check_input_inside_components_and_dynamic_zones(schemas):
    # Strapi's unrecognised-field check: the attribute's path, without indexes (strapi-rich 55).
    model = schemas["api::doc.doc"]
    check_input(model, {"seo": {"id": 1, "title": "t", "token": "x"},
                        "zone": [{"__component": "shared.seo", "id": 2, "title": "t"}]}, schemas)
    for data, path in (({"seo": {"title": "t", "nope": 1}}, "seo"),
                       ({"zone": [{"__component": "shared.seo"}, {"__component": "shared.seo", "nope": 1}]}, "zone")):
        with pytest.raises(ValidationError) as err:
            check_input(model, data, schemas)
        assert (err.value.message, err.value.details) == (f"Invalid key nope at {path}",
                                                          {"key": "nope", "path": path, "source": "body"})
    # shapes that are wrong are validation's to word
    check_input(model, {"seo": "x", "zone": [{"__component": "shared.nope", "nope": 1}, 3]}, schemas)


def test_check_input(schemas):
    model = schemas["api::doc.doc"]
    check_input(model, {"title": "x", "note": "private but writable"})
    for key, details in (("nope", {"key": "nope", "path": None, "source": "body"}),
                         ("locked", {"key": "locked", "path": None, "source": "body"}),
                         ("locale", {"key": "locale", "path": None, "source": "body"}),
                         ("id", {"key": "id", "source": "body"})):
        with pytest.raises(ValidationError) as err:
            check_input(model, {key: 1})
        assert err.value.message == f"Invalid key {key}" and err.value.details == details


def test_timestamps_are_ignored_not_refused(schemas):
    from minikoa.rest.sanitize import clean_input

    check_input(schemas["api::doc.doc"], {"title": "x", "publishedAt": None, "createdAt": "2020-01-01"})
    assert clean_input({"title": "x", "publishedAt": None, "updatedAt": 1}) == {"title": "x"}


def test_check_query_keeps_known_keys_and_refuses_private_ones(schemas):
    assert check_query(schemas, "api::doc.doc", {"filters": {"title": "x"}, "foo": "bar"}) == {
        "filters": {"title": "x"}}
    with pytest.raises(ValidationError, match="Invalid key note"):
        check_query(schemas, "api::doc.doc", {"sort": "note"})
    with pytest.raises(ValidationError, match="Invalid key password"):
        check_query(schemas, "api::doc.doc", {"filters": {"owner": {"password": "x"}}})


def test_v4_shape(schemas):
    entry = {"id": 1, "documentId": "d", "title": "t", "owner": [{"id": 2, "documentId": "u", "name": "n"}],
             "seo": {"id": 3, "title": "s"}}
    assert to_v4(schemas, schemas["api::doc.doc"], entry) == {
        "id": 1, "documentId": "d", "attributes": {
            "title": "t", "seo": {"id": 3, "title": "s"},
            "owner": {"data": [{"id": 2, "documentId": "u", "attributes": {"name": "n"}}]}}}
