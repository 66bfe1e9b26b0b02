"""Writing localized content: locales of a document, shared (non-localized) values, deleting per locale."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from minikoa.errors import ValidationError

from .conftest import PAGE, POST


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "red").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def files(client) -> list[int]:
    """Three uploaded images' ids."""
    ids = []
    for n in range(3):
        response = client.post("/api/upload", data={"files": (io.BytesIO(_png()), f"f{n}.png")},
                               content_type="multipart/form-data")
        assert response.status_code == 201
        ids.append(response.get_json()[0]["id"])
    return ids


@pytest.fixture
def post(client, files) -> str:
    data = {"title": "Hello", "body": "English", "slug": "hello", "views": 5, "cover": files[0],
            "gallery": [files[1]]}
    response = client.post("/api/posts", json={"data": data})
    assert response.status_code == 201 and response.get_json()["data"]["locale"] == "en"
    return response.get_json()["data"]["documentId"]


def _data(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()["data"]


def test_post_with_a_locale_creates_a_document_in_it(client):
    created = _data(client.post("/api/posts?locale=de", json={"data": {"title": "Hallo"}}), 201)
    assert created["locale"] == "de"
    assert client.get("/api/posts").get_json()["data"] == []


def test_put_with_a_new_locale_creates_it_with_the_shared_values(client, post, files):
    fr = _data(client.put(f"/api/posts/{post}?locale=fr&populate=*", json={"data": {"title": "Bonjour"}}))
    assert (fr["documentId"], fr["locale"], fr["title"], fr["views"], fr["slug"]) == (post, "fr", "Bonjour", 5, None)
    assert fr["cover"]["id"] == files[0]  # non-localized media: copied
    assert fr["gallery"] == [] and fr["body"] is None  # localized: not copied
    again = _data(client.put(f"/api/posts/{post}?locale=fr", json={"data": {"body": "Corps"}}))
    assert (again["id"], again["title"], again["body"]) == (fr["id"], "Bonjour", "Corps")


def test_required_attributes_apply_to_a_new_locale(client, post):
    response = client.put(f"/api/posts/{post}?locale=de", json={"data": {"body": "nur Text"}})
    assert response.status_code == 400
    assert response.get_json()["error"]["details"]["errors"][0]["path"] == ["title"]
    assert client.get(f"/api/posts/{post}?locale=de").status_code == 404


def test_shared_values_stay_in_step_from_any_locale(client, post, files):
    client.put(f"/api/posts/{post}?locale=fr", json={"data": {"title": "Bonjour"}})
    _data(client.put(f"/api/posts/{post}?locale=fr", json={"data": {"views": 99, "cover": files[2],
                                                                     "gallery": [files[2]]}}))
    en = _data(client.get(f"/api/posts/{post}?populate=*"))
    assert en["views"] == 99 and en["cover"]["id"] == files[2]
    assert [g["id"] for g in en["gallery"]] == [files[1]]  # localized: its own
    client.put(f"/api/posts/{post}", json={"data": {"views": 7}})
    assert _data(client.get(f"/api/posts/{post}?locale=fr"))["views"] == 7


def test_a_uid_is_unique_per_locale(client, post):
    client.put(f"/api/posts/{post}?locale=fr", json={"data": {"title": "Bonjour"}})
    assert _data(client.put(f"/api/posts/{post}?locale=fr", json={"data": {"slug": "hello"}}))["slug"] == "hello"
    other = client.post("/api/posts", json={"data": {"title": "Other", "slug": "hello"}})
    assert other.status_code == 400 and other.get_json()["error"]["message"] == "This attribute must be unique"


@pytest.mark.parametrize("method, url", [("put", "/api/posts/{post}?locale=xx"), ("post", "/api/posts?locale=xx"),
                                         ("put", "/api/posts/{post}?locale=*")])
def test_an_unknown_locale_on_a_write_is_a_400_and_writes_nothing(client, post, method, url):
    response = getattr(client, method)(url.format(post=post), json={"data": {"title": "Nope"}})
    assert response.status_code == 400 and response.get_json()["error"]["details"]["key"] == "locale"
    assert client.get("/api/posts?locale=*").get_json()["meta"]["pagination"]["total"] == 1


def test_locale_in_data_is_a_400_naming_the_parameter(client):
    response = client.post("/api/posts", json={"data": {"title": "Body locale", "locale": "de"}})
    assert response.status_code == 400
    assert "locale parameter" in response.get_json()["error"]["message"]


def test_delete_one_locale_the_default_or_all(client, post):
    client.put(f"/api/posts/{post}?locale=fr", json={"data": {"title": "Bonjour"}})
    client.put(f"/api/posts/{post}?locale=de", json={"data": {"title": "Hallo"}})
    assert client.delete(f"/api/posts/{post}?locale=fr").status_code == 204
    assert client.get(f"/api/posts/{post}?locale=fr").status_code == 404
    assert client.get(f"/api/posts/{post}").status_code == 200
    assert client.delete(f"/api/posts/{post}").status_code == 204
    assert client.get(f"/api/posts/{post}").status_code == 404
    assert client.get(f"/api/posts/{post}?locale=de").status_code == 200
    client.put(f"/api/posts/{post}?locale=fr", json={"data": {"title": "Bonjour"}})
    assert client.delete(f"/api/posts/{post}?locale=*").status_code == 204
    assert client.get("/api/posts?locale=*").get_json()["data"] == []


def test_single_type_per_locale(client, files):
    fr = _data(client.put("/api/setting?locale=fr", json={"data": {"siteName": "Mon site", "logo": files[1]}}))
    assert client.get("/api/setting").status_code == 404
    en = _data(client.put("/api/setting?populate=logo", json={"data": {"siteName": "My site"}}))
    assert en["documentId"] == fr["documentId"] and en["logo"]["id"] == files[1]


def test_draft_and_publish_per_locale(client, files):
    draft = _data(client.post("/api/pages?status=draft", json={"data": {"title": "Home", "hero": files[0]}}), 201)
    page = draft["documentId"]
    fr = _data(client.put(f"/api/pages/{page}?locale=fr&status=draft", json={"data": {"title": "Accueil"}}))
    assert fr["publishedAt"] is None
    assert client.get("/api/pages?locale=fr").get_json()["data"] == []
    listed = _data(client.get("/api/pages?status=draft&locale=fr&populate=*"))[0]
    assert listed["hero"] is None and [e["locale"] for e in listed["localizations"]] == ["en"]
    published = _data(client.put(f"/api/pages/{page}?locale=fr", json={"data": {"title": "Publié"}}))
    assert published["publishedAt"] is not None and published["id"] != fr["id"]
    assert _data(client.get(f"/api/pages/{page}?locale=fr&populate=localizations"))["localizations"] == []
    rows = _data(client.get("/api/pages?locale=*&status=draft&fields[0]=title&fields[1]=locale"))
    assert [(r["title"], r["locale"]) for r in rows] == [("Home", "en"), ("Publié", "fr")]
    assert client.get("/api/pages?locale=en").get_json()["data"] == []  # en was never published


def test_the_document_service_writes_per_locale(media_app):
    posts = media_app.documents(POST)
    en = posts.create(data={"title": "Hello", "views": 1})
    fr = posts.update(en["documentId"], data={"title": "Bonjour"}, locale="fr")
    assert (fr["locale"], fr["views"]) == ("fr", 1)
    posts.update(en["documentId"], data={"views": 3}, locale="fr")
    assert posts.find_one(en["documentId"])["views"] == 3
    assert posts.delete(en["documentId"], locale="fr")["entries"][0]["locale"] == "fr"
    assert posts.count(locale="*") == 1
    with pytest.raises(ValidationError, match="'zz'"):
        posts.create(data={"title": "x"}, locale="zz")
    with pytest.raises(ValidationError, match="locale parameter"):
        posts.create(data={"title": "x", "locale": "fr"})
    pages = media_app.documents(PAGE)
    page = pages.create(data={"title": "Home"}, locale="fr")
    assert pages.publish(page["documentId"], locale="fr")["entries"][0]["locale"] == "fr"
    assert pages.count(status="published", locale="fr") == 1


def test_events_and_lifecycles_carry_the_locale(media_app):
    heard = []
    media_app.events.on("entry.create", lambda name, payload: heard.append(payload))
    seen = []
    media_app.db.lifecycles.subscribe({"before_create": lambda event: seen.append(event.params.get("locale"))},
                                      models=[POST])
    media_app.documents(POST).create(data={"title": "Hallo"}, locale="de")
    assert heard[0]["entry"]["locale"] == "de" and seen == ["de"]


def test_deleting_a_locale_deletes_its_content(media_app):
    posts = media_app.documents(POST)
    en = posts.create(data={"title": "Hello"})
    posts.update(en["documentId"], data={"title": "Bonjour"}, locale="fr")
    media_app.locales.delete("fr")
    assert posts.count(locale="*") == 1 and posts.find_one(en["documentId"])["title"] == "Hello"
