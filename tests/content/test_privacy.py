"""Private attributes: one rule for what a query may name, what a read returns and what an event carries."""

from __future__ import annotations

import pytest

from minikoa import App, ValidationError
from minikoa.content.privacy import nameable, shown, strip
from minikoa.content.query import Query

AUTHOR, POST = "api::author.author", "api::post.post"
SCHEMAS = {
    AUTHOR: {"kind": "collectionType", "collectionName": "authors",
             "info": {"singularName": "author", "pluralName": "authors"},
             "attributes": {"name": {"type": "string"}, "email": {"type": "email", "private": True},
                            "password": {"type": "password"},
                            "posts": {"type": "relation", "relation": "oneToMany", "target": POST,
                                      "mappedBy": "author"}}},
    POST: {"kind": "collectionType", "collectionName": "posts", "info": {"singularName": "post", "pluralName": "posts"},
           "attributes": {"title": {"type": "string"}, "note": {"type": "text", "private": True},
                          "author": {"type": "relation", "relation": "manyToOne", "target": AUTHOR,
                                     "inversedBy": "posts"}}},
}


def make_app(tmp_path, populate_relations=False):
    app = App(config={"database": {"connection": {"connection": {"filename": str(tmp_path / "p.db")}}},
                      "server": {"webhooks": {"populateRelations": populate_relations}}})
    for uid, schema in SCHEMAS.items():
        app.content_types.register(uid, schema)
    app.build()
    return app


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    yield app
    app.destroy()


def test_the_rules(app):
    author = app.content_types[AUTHOR].attributes
    assert shown(author["name"], public=True) and shown(author["email"], public=False)
    assert not shown(author["email"], public=True)
    assert not shown(author["password"], public=False) and not shown(author["password"], public=True)
    assert nameable(author["email"], public=False) and not nameable(author["email"], public=True)


def test_reads_queries_and_strip_agree(app):
    ada = app.documents(AUTHOR).create(data={"name": "Ada", "email": "ada@x.io", "password": "pw-12345"})
    app.documents(POST).create(data={"title": "T", "note": "n", "author": ada["documentId"]})
    assert "password" not in ada and ada["email"] == "ada@x.io"  # trusted code: everything but passwords
    public = Query.parse(app.content_types, POST, {"populate": "author"}, public=True)
    post = app.documents(POST).find_many(query=public)[0]
    assert "note" not in post and post["author"] == {k: v for k, v in post["author"].items()
                                                     if k not in ("email", "password")}
    assert "email" not in post["author"]
    with pytest.raises(ValidationError, match="Invalid key email"):
        Query.parse(app.content_types, POST, {"filters": {"author": {"email": "x"}}}, public=True)
    internal = app.documents(POST).find_many(populate="author")[0]
    assert internal["note"] == "n" and internal["author"]["email"] == "ada@x.io"
    assert strip(app.content_types, app.content_types[POST], internal) == post


@pytest.mark.parametrize("populate_relations", [False, True])
def test_event_payloads_carry_no_private_field_at_any_depth(tmp_path, populate_relations):
    app = make_app(tmp_path, populate_relations)
    seen = []
    app.events.on("entry.create", lambda name, payload: seen.append(payload["entry"]))
    ada = app.documents(AUTHOR).create(data={"name": "Ada", "email": "ada@x.io"})
    app.documents(POST).create(data={"title": "T", "note": "secret", "author": ada["documentId"]},
                               populate=["author"])
    post = seen[-1]
    assert post["title"] == "T" and "note" not in post
    assert post["author"]["name"] == "Ada" and "email" not in post["author"]
    app.destroy()
