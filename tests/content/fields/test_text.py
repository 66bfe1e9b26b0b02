"""Text field patterns (uid, email) judge the whole value, as JavaScript's anchored patterns do."""

from __future__ import annotations

import pytest

from minikoa.content.schema import Schemas
from minikoa.content.validation import validate
from minikoa.errors import ValidationError


def _model():
    schemas = Schemas()
    schemas.register("api::page.page", {
        "kind": "collectionType", "collectionName": "pages", "info": {"singularName": "page", "pluralName": "pages"},
        "attributes": {"slug": {"type": "uid"}, "mail": {"type": "email"}}})
    schemas.link()
    return schemas, schemas["api::page.page"]


SCHEMAS, PAGE = _model()


@pytest.mark.parametrize("attr, value, message", [
    # Python's $ also matches before a final newline; JavaScript's (Strapi's) does not.
    ("slug", "my-page\n", 'slug must match the following: "/^[A-Za-z0-9-_.~]*$/"'),
    ("mail", "a@example.com\n", "mail must be a valid email"),
    ("slug", "\nmy-page", 'slug must match the following: "/^[A-Za-z0-9-_.~]*$/"'),
    ("mail", "a@example.com\r", "mail must be a valid email"),
])
def test_a_trailing_newline_is_refused(attr, value, message):
    with pytest.raises(ValidationError) as info:
        validate(PAGE, {attr: value}, schemas=SCHEMAS, partial=True)
    assert info.value.message == message


@pytest.mark.parametrize("attr, value", [("slug", "my-page_2.0~x"), ("slug", ""), ("mail", "a.b+c@example.co.uk")])
def test_whole_values_still_pass(attr, value):
    assert validate(PAGE, {attr: value}, schemas=SCHEMAS, partial=True) == {attr: value}
