"""Apps with the upload plugin (and users-permissions, whose grants open its routes) in tmp_path."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from minikoa import App, core_router

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
ACTIONS = [f"plugin::upload.content-api.{a}" for a in ("upload", "find", "findOne", "findPage", "destroy")] + [
    f"api::post.post.{a}" for a in ("find", "findOne", "create", "update", "delete")]
POST = {
    "kind": "collectionType", "collectionName": "posts",
    "info": {"singularName": "post", "pluralName": "posts", "displayName": "Post"},
    "options": {"draftAndPublish": False},
    "attributes": {
        "title": {"type": "string"},
        "cover": {"type": "media", "multiple": False, "allowedTypes": ["images", "files"]},
        "gallery": {"type": "media", "multiple": True, "allowedTypes": ["images"]},
        "attachment": {"type": "media", "multiple": False, "allowedTypes": ["files"]},
    },
}


def image(width: int, height: int, kind: str = "PNG", color: str = "red") -> bytes:
    """A ``width`` x ``height`` image file in ``kind``, made with Pillow."""
    out = io.BytesIO()
    picture = Image.new("RGB", (width, height), color)
    for x in range(0, width, 7):  # some detail, so that formats differ from the original in size
        picture.putpixel((x, (x * 3) % height), (0, x % 256, 255 - x % 256))
    picture.save(out, format=kind)
    return out.getvalue()


@pytest.fixture
def make(tmp_path) -> Iterator[Callable[..., App]]:
    """``make(config=None, grant=ACTIONS, setup=None, webhooks=None)``: a built app rooted at tmp_path
    with the upload plugin, the ``api::post.post`` type, ``grant`` given to the public role and
    ``webhooks`` as its ``server.webhooks``; ``setup(app)`` runs before the build."""
    apps: list[App] = []

    def build(config: dict[str, Any] | None = None, grant: list[str] | None = None,
              setup: Callable[[App], Any] | None = None, webhooks: dict[str, Any] | None = None) -> App:
        app = App(root=tmp_path, config={"database": {"connection": {"connection": {
            "filename": str(tmp_path / "upload.db")}}}, "server": {"webhooks": webhooks or {}}})
        app.install("users-permissions", {"jwtSecret": SECRET})
        app.install("upload", config or {})
        app.content_types.register("api::post.post", POST)
        app.mount(core_router("api::post.post"))
        if setup is not None:
            setup(app)
        app.build()
        actions = ACTIONS if grant is None else grant
        if actions:
            app.permissions.grant("public", actions)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.destroy()


@pytest.fixture
def app(make) -> App:
    return make()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def uploads(tmp_path) -> Path:
    return tmp_path / "public" / "uploads"


def send(client, *files: tuple[str, bytes], **fields: Any) -> Any:
    """POST /api/upload with ``files`` (name, bytes) under ``files`` and ``fields`` beside them."""
    data: dict[str, Any] = {key: value for key, value in fields.items()}
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/api/upload", data=data, content_type="multipart/form-data")


def stored(uploads: Path) -> set[str]:
    """The names of the files in the uploads folder (none when it is not there)."""
    return {p.name for p in uploads.iterdir()} if uploads.exists() else set()
