"""The recorded Strapi's project (posts, pages, the setting; locales en, fr, de) loaded in tmp_path."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from minikoa import App

PROJECT = Path(__file__).resolve().parents[2] / "fixtures" / "strapi-media-project"
POST = "api::post.post"
PAGE = "api::page.page"
SETTING = "api::setting.setting"


@pytest.fixture
def media_app(tmp_path, monkeypatch) -> Iterator[App]:
    """The project, built, with its own database and uploads folder."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    monkeypatch.delenv("DATABASE_FILENAME", raising=False)
    app = App.load(root)
    app.build()
    yield app
    app.destroy()


@pytest.fixture
def client(media_app):
    return media_app.test_client()
