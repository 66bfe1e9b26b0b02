"""The OpenAPI 3.1 document: valid, served at /openapi.json, and true to what the API answers (real
answers of the blog are checked against the document's schemas)."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource

from minikoa import App
from minikoa.project.loader import LoadError
from tests.conftest import ROOT, write_project

BLOG = ROOT / "examples" / "blog"
SECRET = "blog-test-secret-long-enough-for-hs256-signatures"


@pytest.fixture
def blog(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "blog.db"))
    monkeypatch.setenv("JWT_SECRET", SECRET)
    monkeypatch.setenv("API_TOKEN_SALT", "a-salt-for-the-tests")
    app = App.load(BLOG)
    yield app
    app.destroy()


def conforms(doc: dict[str, Any], path: str, method: str, status: int, body: Any) -> None:
    """Assert ``body`` is what the document says ``method path`` answers with ``status``."""
    responses = doc["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method} {path} does not document {status}"
    content = responses[str(status)].get("content")
    if content is None:
        assert body in (None, b"", ""), body
        return
    schema = content["application/json"]["schema"]
    registry = Registry().with_resource("urn:doc", Resource.from_contents(
        {**doc, "$schema": "https://json-schema.org/draft/2020-12/schema"}))
    # "#/components/..." refs resolve inside the document: the schema is checked with them pointing there.
    validator = Draft202012Validator(_rebase(schema), registry=registry)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, f"{method} {path} {status}: {errors[0].message} at {list(errors[0].path)}"


def _rebase(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: ("urn:doc" + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _rebase(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


def test_the_blog_document_is_valid_openapi_3_1(blog):
    doc = blog.openapi()
    validate(doc)
    assert doc["openapi"] == "3.1.0" and doc["info"]["title"] == "blog"
    assert "/openapi.json" not in doc["paths"]
    assert {"/api/articles", "/api/articles/{id}", "/api/categories", "/api/auth/local",
            "/api/upload"} <= set(doc["paths"])


def test_served_at_openapi_json_unchecked_by_auth(blog):
    client = blog.test_client()
    answer = client.get("/openapi.json", headers={"Authorization": "Bearer garbage"})
    assert answer.status_code == 200 and answer.get_json() == blog.openapi()


def test_core_operations_describe_strapis_parameters_bodies_and_security(blog):
    doc = blog.openapi()
    listing = doc["paths"]["/api/articles"]["get"]
    names = [p["name"] for p in listing["parameters"]]
    assert names == ["filters", "sort", "fields", "populate", "pagination"]
    assert all(p["style"] == "deepObject" for p in listing["parameters"])
    assert listing["security"] == [{}, {"bearerAuth": []}] and listing["x-actions"] == ["api::article.article.find"]
    assert {"200", "400", "401", "403", "500"} <= set(listing["responses"])
    create = doc["paths"]["/api/articles"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["data"]["allOf"] == [{"$ref": "#/components/schemas/api.article.article.input"}]
    assert "title" in body["properties"]["data"]["required"]
    assert "201" in create["responses"]
    item = doc["paths"]["/api/articles/{id}"]
    assert item["get"]["parameters"][0] == {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    assert set(item) == {"get", "put", "delete"} and "204" in item["delete"]["responses"]
    entry = doc["components"]["schemas"]["api.article.article"]
    assert entry["required"] == ["id", "documentId"] and "title" in entry["properties"]
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_private_fields_are_not_in_any_entry_schema(blog):
    schemas = blog.openapi()["components"]["schemas"]
    user = schemas["plugin.users-permissions.user"]["properties"]
    assert not {"password", "resetPasswordToken", "confirmationToken"} & set(user)
    assert "folderPath" not in schemas["plugin.upload.file"]["properties"]


def test_real_answers_conform_to_the_document(blog):
    doc = blog.openapi()
    client = blog.test_client()
    listed = client.get("/api/articles?populate=*")
    conforms(doc, "/api/articles", "get", 200, listed.get_json())
    with pytest.raises(AssertionError, match="is not of type 'array'"):  # the check can fail
        conforms(doc, "/api/articles", "get", 200, {**listed.get_json(), "data": {"id": 1}})
    doc_id = listed.get_json()["data"][0]["documentId"]
    conforms(doc, "/api/articles/{id}", "get", 200, client.get(f"/api/articles/{doc_id}?populate=*").get_json())
    conforms(doc, "/api/articles/{id}", "get", 404, client.get("/api/articles/nope").get_json())
    conforms(doc, "/api/articles", "get", 400, client.get("/api/articles?filters[nope]=1").get_json())
    conforms(doc, "/api/articles", "post", 403, client.post("/api/articles", json={"data": {}}).get_json())
    registered = client.post("/api/auth/local/register", json={"username": "openapi", "email": "oa@example.test",
                                                               "password": "Blog-pass-1"})
    assert registered.status_code == 200, registered.get_json()
    jwt = registered.get_json()["jwt"]
    headers = {"Authorization": f"Bearer {jwt}"}
    category = client.get("/api/categories").get_json()["data"][0]["documentId"]
    created = client.post("/api/articles", headers=headers, json={"data": {"title": "Documented",
                                                                           "category": category}})
    assert created.status_code == 201, created.get_json()
    conforms(doc, "/api/articles", "post", 201, created.get_json())
    conforms(doc, "/api/articles", "post", 401, client.post("/api/articles", headers={
        "Authorization": "Bearer garbage"}, json={"data": {}}).get_json())
    gone = client.delete(f"/api/articles/{created.get_json()['data']['documentId']}", headers=headers)
    conforms(doc, "/api/articles/{id}", "delete", gone.status_code, gone.get_data())


def test_config_moves_or_turns_off_the_route_and_mistakes_name_the_file(tmp_path, project):
    root = project({"config/openapi.py": "config = {'path': '/docs/openapi.json', 'info': {'version': '2.0'}}\n"})
    app = App.load(root)
    assert app.test_client().get("/docs/openapi.json").get_json()["info"]["version"] == "2.0"
    assert app.test_client().get("/openapi.json").status_code == 404
    app.destroy()
    off = write_project(tmp_path / "off", {"config/openapi.py": "config = {'path': False}\n"})
    app = App.load(off)
    assert app.test_client().get("/openapi.json").status_code == 404
    app.destroy()
    bad = write_project(tmp_path / "bad", {"config/openapi.py": "config = {'pth': '/x'}\n"})
    with pytest.raises(LoadError, match=r"config/openapi.py: unknown key 'pth'; did you mean 'path'\?"):
        App.load(bad)


def test_custom_routes_show_what_their_config_says(tmp_path):
    app = App()

    @app.get("/hello/:name(\\w+)", config={"summary": "Say hello", "tags": ["greetings"], "deprecated": True})
    def hello(ctx):
        return {"hello": ctx.params["name"]}

    doc = app.openapi()
    validate(doc)
    operation = doc["paths"]["/hello/{name}"]["get"]
    assert operation["summary"] == "Say hello" and operation["tags"] == ["greetings"] and operation["deprecated"]
    assert operation["parameters"] == [{"name": "name", "in": "path", "required": True,
                                        "schema": {"type": "string", "pattern": "^(?:\\w+)$"}}]
    assert "security" not in operation
