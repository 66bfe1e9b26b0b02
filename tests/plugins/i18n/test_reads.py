"""Reading localized content: the ``locale`` parameter through REST and the document service."""

from __future__ import annotations

import pytest

from minikoa.errors import ValidationError

from .conftest import PAGE, POST, SETTING


@pytest.fixture
def doc(media_app) -> str:
    """A post in en (views 5) and fr, and one more post in de only; the first post's documentId."""
    query = media_app.db.query(POST)
    en = query.create(data={"title": "Hello", "slug": "hello", "views": 5, "locale": "en"})
    query.create(data={"title": "Bonjour", "slug": "hello", "views": 5, "locale": "fr",
                       "documentId": en["documentId"]})
    query.create(data={"title": "Hallo", "slug": "hallo", "locale": "de"})
    return en["documentId"]


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [entry["title"] for entry in response.get_json()["data"]]


def test_without_locale_the_default_one(client, doc):
    assert _titles(client.get("/api/posts")) == ["Hello"]
    one = client.get(f"/api/posts/{doc}").get_json()["data"]
    assert (one["title"], one["locale"]) == ("Hello", "en")


def test_one_locale(client, doc):
    assert _titles(client.get("/api/posts?locale=fr")) == ["Bonjour"]
    assert client.get(f"/api/posts/{doc}?locale=fr").get_json()["data"]["title"] == "Bonjour"
    assert client.get(f"/api/posts/{doc}?locale=de").status_code == 404


def test_every_locale_each_row_separately(client, doc):
    body = client.get("/api/posts?locale=*&fields[0]=title&fields[1]=locale").get_json()
    assert [(e["title"], e["locale"]) for e in body["data"]] == [("Hello", "en"), ("Bonjour", "fr"), ("Hallo", "de")]
    assert body["meta"]["pagination"]["total"] == 3


def test_several_locales(client, doc):
    assert _titles(client.get("/api/posts?locale[0]=en&locale[1]=fr")) == ["Hello", "Bonjour"]


def test_a_locale_filter_replaces_the_default_condition(client, doc):
    assert _titles(client.get("/api/posts?filters[locale][$eq]=fr")) == ["Bonjour"]
    assert _titles(client.get("/api/posts?filters[$or][0][locale]=de&filters[$or][1][locale]=fr")) == \
        ["Bonjour", "Hallo"]
    assert _titles(client.get("/api/posts?sort=locale:asc&locale=*")) == ["Hallo", "Hello", "Bonjour"]


def test_one_item_with_every_locale_is_404(client, doc):
    response = client.get(f"/api/posts/{doc}?locale=*")
    assert response.status_code == 404 and response.get_json()["error"]["name"] == "NotFoundError"


@pytest.mark.parametrize("url", ["/api/posts?locale=xx", "/api/posts?locale=all",
                                 "/api/posts?locale[0]=en&locale[1]=zz", "/api/posts/{doc}?locale=xx"])
def test_an_unknown_locale_is_a_400_naming_it(client, doc, url):
    response = client.get(url.format(doc=doc))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["name"] == "ValidationError" and error["details"]["key"] == "locale"
    assert error["details"]["locale"] in error["message"]


def test_populate_localizations(client, doc):
    entry = client.get(f"/api/posts/{doc}?populate=localizations").get_json()["data"]
    [fr] = entry["localizations"]
    assert (fr["title"], fr["locale"], fr["views"]) == ("Bonjour", "fr", 5)
    assert list(entry)[-2:] == ["locale", "localizations"]
    assert "cover" not in fr and "localizations" not in fr
    only = client.get(f"/api/posts/{doc}?fields[0]=title&populate[localizations][fields][0]=locale").get_json()
    assert only["data"]["localizations"] == [{"id": 2, "documentId": doc, "locale": "fr"}]
    listed = client.get("/api/posts?locale=de&populate=*").get_json()["data"][0]
    assert listed["localizations"] == [] and listed["gallery"] == []


def test_populate_localizations_keeps_the_status(media_app, client):
    pages = media_app.db.query(PAGE)
    draft = pages.create(data={"title": "Home", "locale": "en", "publishedAt": None})
    pages.create(data={"title": "Accueil", "locale": "fr", "publishedAt": None, "documentId": draft["documentId"]})
    pages.create(data={"title": "Accueil", "locale": "fr", "documentId": draft["documentId"],
                       "publishedAt": "2026-01-01T00:00:00.000Z"})
    published = client.get(f"/api/pages/{draft['documentId']}?locale=fr&populate=localizations").get_json()["data"]
    assert published["localizations"] == []
    drafted = client.get("/api/pages?status=draft&locale=fr&populate=localizations").get_json()["data"][0]
    assert [e["title"] for e in drafted["localizations"]] == ["Home"]


def test_a_bad_localizations_populate_is_a_400(client, doc):
    assert client.get("/api/posts?populate[localizations][populate]=x").status_code == 400


def test_single_type_reads_per_locale(media_app, client):
    media_app.db.query(SETTING).create(data={"siteName": "Mon site", "locale": "fr"})
    assert client.get("/api/setting").status_code == 404
    assert client.get("/api/setting?locale=fr").get_json()["data"]["siteName"] == "Mon site"
    assert client.get("/api/setting?locale=*").status_code == 404


def test_the_document_service_takes_locale(media_app, doc):
    posts = media_app.documents(POST)
    assert [e["title"] for e in posts.find_many(locale="fr")] == ["Bonjour"]
    assert [e["title"] for e in posts.find_many(locale=["en", "de"])] == ["Hello", "Hallo"]
    assert posts.count(locale="*") == 3 and posts.count() == 1
    assert posts.find_one(doc, locale="fr")["title"] == "Bonjour"
    assert posts.find_one(doc, locale="*") is None
    assert posts.find_first(filters={"locale": "de"})["title"] == "Hallo"
    found = posts.find_one(doc, populate=["localizations"])
    assert [e["locale"] for e in found["localizations"]] == ["fr"]
    with pytest.raises(ValidationError, match="'xx'"):
        posts.find_many(locale="xx")


def test_non_localized_types_ignore_locale(media_app):
    media_app.locales.create("it")
    assert media_app.documents("plugin::i18n.locale").count(locale="fr") == 4
