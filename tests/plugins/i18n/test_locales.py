"""Locales: ``app.locales``, ``GET /api/i18n/locales``, the default locale and the plugin's config."""

from __future__ import annotations

import pytest

from minikoa import App
from minikoa.errors import NotFoundError, ValidationError
from minikoa.project.loader import LoadError
from tests.conftest import write_project

LIST = "plugin::i18n.locales.listLocales"


def _app(tmp_path, config=None, grant=True) -> App:
    app = App(root=tmp_path, config={"database": {"connection": {"connection": {
        "filename": str(tmp_path / "i18n.db")}}}})
    app.install("users-permissions", {"jwtSecret": "a-test-secret-that-is-long-enough-for-hs256"})
    app.install("i18n", config or {})
    app.build()
    if grant:
        app.permissions.grant("public", [LIST])
    return app


def test_the_default_locale_is_made_at_the_first_start(tmp_path):
    app = _app(tmp_path)
    [en] = app.locales.list()
    assert (en["code"], en["name"], en["isDefault"]) == ("en", "English (en)", True)


def test_get_locales_answers_a_bare_array_with_strapis_keys_in_order(tmp_path):
    app = _app(tmp_path)
    app.locales.create("fr", "French (fr)")
    app.locales.create("de", "German (de)")
    response = app.test_client().get("/api/i18n/locales")
    assert response.status_code == 200
    body = response.get_json()
    assert [list(entry) for entry in body] == [["id", "documentId", "name", "code", "createdAt", "updatedAt",
                                                "publishedAt", "isDefault"]] * 3
    assert [(e["id"], e["code"], e["name"], e["isDefault"]) for e in body] == [
        (1, "en", "English (en)", True), (2, "fr", "French (fr)", False), (3, "de", "German (de)", False)]


def test_get_locales_is_a_permission(tmp_path):
    app = _app(tmp_path, grant=False)
    assert app.test_client().get("/api/i18n/locales").status_code == 403


def test_a_configured_default_locale(tmp_path):
    app = _app(tmp_path, {"defaultLocale": "fr-FR"})
    assert [(e["code"], e["name"], e["isDefault"]) for e in app.locales.list()] == [
        ("fr-FR", "French (fr-FR)", True)]


def test_codes_are_checked_and_a_typo_names_the_closest(tmp_path):
    app = _app(tmp_path)
    with pytest.raises(ValidationError, match="did you mean 'fr-FR'"):
        app.locales.create("fr-fr")
    with pytest.raises(ValidationError, match="did you mean 'fr'"):
        app.locales.create("frr")
    with pytest.raises(ValidationError, match="unknown locale code 'xx'"):
        app.locales.create("xx")
    with pytest.raises(ValidationError, match="unknown locale code 'en-XQ'"):
        app.locales.create("en-XQ")
    for code in ("pt-BR", "zh-Hans", "es-419", "sr-Latn-RS"):
        assert app.locales.create(code)["code"] == code
    assert len(app.locales.list()) == 5


def test_a_locale_exists_once(tmp_path):
    app = _app(tmp_path)
    with pytest.raises(ValidationError, match="already exists"):
        app.locales.create("en")


def test_delete(tmp_path):
    app = _app(tmp_path)
    app.locales.create("fr")
    assert app.locales.delete("fr")["code"] == "fr"
    assert app.locales.codes() == ["en"]
    with pytest.raises(NotFoundError):
        app.locales.delete("fr")
    with pytest.raises(ValidationError, match="default locale"):
        app.locales.delete("en")


def test_the_plugin_is_on_by_default_in_a_project(tmp_path):
    root = write_project(tmp_path / "p", {"config/plugins.py": "config = {'users-permissions': {'config': {"
                                          "'jwtSecret': 'a-test-secret-that-is-long-enough-for-hs256'}}}\n"})
    app = App.load(root)
    app.build()
    assert app.locales is not None and app.locales.codes() == ["en"]
    assert any(r.path == "/api/i18n/locales" for r in app.routes)


@pytest.mark.parametrize("config, message", [
    ("{'i18n': {'config': {'defaultLocal': 'fr'}}}", "unknown key 'defaultLocal'; did you mean 'defaultLocale'?"),
    ("{'i18n': {'config': {'defaultLocale': 'fr-fr'}}}", "did you mean 'fr-FR'?"),
    ("{'i18m': {}}", "did you mean 'i18n'?"),
])
def test_config_mistakes_name_the_file_and_the_closest_key(tmp_path, config, message):
    root = write_project(tmp_path / "p", {"config/plugins.py": f"config = {config}\n"})
    with pytest.raises(LoadError, match="plugins.py") as caught:
        App.load(root)
    assert message in str(caught.value)


def test_an_app_in_code_has_no_locales_unless_it_asks(tmp_path):
    assert App().locales is None
