"""The files of a new project (``minikoa new``), apart from its api (``generate.content_type_files``).

Each is what Strapi's ``create-strapi-app`` writes, in Python: config files
reading ``.env`` through ``env``, ``src/index.py`` with the three lifecycle
hooks, a README, a ``.gitignore``, and a test of the project's api.
"""

from __future__ import annotations

import base64
import secrets

__all__ = ["dotenv", "project_files"]


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(16)).decode()


def dotenv() -> str:
    """A ``.env`` with fresh secrets, Strapi's variables (APP_KEYS, API_TOKEN_SALT, JWT_SECRET) and the admin
    token of ``/admin``."""
    return (f"HOST=127.0.0.1\nPORT=1337\n"
            f"APP_KEYS={','.join(_key() for _ in range(4))}\n"
            f"API_TOKEN_SALT={_key()}\n"
            f"ADMIN_TOKEN={secrets.token_urlsafe(32)}\n"
            f"JWT_SECRET={_key()}\n")


_ENV_EXAMPLE = "HOST=127.0.0.1\nPORT=1337\nAPP_KEYS=\"toBeModified1,toBeModified2\"\nAPI_TOKEN_SALT=tobemodified\n" \
               "ADMIN_TOKEN=tobemodified\nJWT_SECRET=tobemodified\n"

_GITIGNORE = """# Secrets: .env.example lists the variables without their values.
.env
# The SQLite database and anything else a development server keeps.
.tmp/
# Uploaded files (the upload plugin's local provider).
public/uploads/*
!public/uploads/.gitkeep
__pycache__/
*.pyc
.pytest_cache/
.venv/
"""

_SERVER = '''def config(env):
    return {
        "host": env("HOST", "127.0.0.1"),
        "port": env.int("PORT", 1337),
        # The session cookie is signed with the first key and checked with all of them.
        "app": {"keys": env.array("APP_KEYS")},
        "webhooks": {"populateRelations": env.bool("WEBHOOKS_POPULATE_RELATIONS", False)},
    }
'''

_DATABASE = '''def config(env):
    return {
        "connection": {
            "client": env("DATABASE_CLIENT", "sqlite"),
            "connection": {"filename": env("DATABASE_FILENAME", ".tmp/data.db")},
        },
    }
'''

_API = '''config = {
    "rest": {"defaultLimit": 25, "maxLimit": 100, "withCount": True},
}
'''

_MIDDLEWARES = '''# Strapi's default stack, outermost first.
config = [
    "minikoa::errors",
    "minikoa::security",
    "minikoa::cors",
    "minikoa::powered-by",
    "minikoa::logger",
    "minikoa::query",
    "minikoa::body",
    "minikoa::session",
    "minikoa::favicon",
    "minikoa::public",
]
'''

_PLUGINS = '''def config(env):
    return {
        "users-permissions": {"config": {"jwtSecret": env("JWT_SECRET"), "apiTokenSalt": env("API_TOKEN_SALT")}},
        "upload": {"config": {"sizeLimit": 50 * 1024 * 1024}},
    }
'''

_ADMIN = '''def config(env):
    # /admin/webhooks and /admin/api-tokens answer only to `Authorization: Bearer <ADMIN_TOKEN>`.
    return {"token": env("ADMIN_TOKEN")}
'''

_INDEX = '''"""Lifecycle hooks: register before the app is built, bootstrap after it, destroy at exit."""

import logging

log = logging.getLogger("{name}")

#: What anyone may do without logging in; a logged-in user gets the authenticated role's actions.
PUBLIC = ["api::{api}.{api}.find", "api::{api}.{api}.findOne"]
AUTHENTICATED = PUBLIC + ["api::{api}.{api}.create", "api::{api}.{api}.update", "api::{api}.{api}.delete"]


def register(app):
    pass


def bootstrap(app):
    app.permissions.grant("public", PUBLIC)
    app.permissions.grant("authenticated", AUTHENTICATED)


def destroy(app):
    pass
'''

_POLICY = '''"""api::{api}.max-page-size: refuse a list request asking for more than `max` entries a page."""

from minikoa import PolicyError


def policy(ctx, config, app):
    pagination = ctx.query.get("pagination") or {{}}
    size = pagination.get("pageSize") if isinstance(pagination, dict) else None
    if size is not None and str(size).isdigit() and int(size) > config.get("max", 50):
        raise PolicyError("pageSize is too large", {{"max": config.get("max", 50)}})
    return True
'''

_ROUTES = '''"""api::{api}.{api}: Strapi's core routes; list requests go through the max-page-size policy."""

from minikoa import core_router

routes = core_router("api::{api}.{api}", config={{
    "find": {{"policies": [{{"name": "max-page-size", "config": {{"max": 50}}}}]}},
}})
'''

_CONFTEST = '''"""The app, on a database of its own per test, and its test client."""

import pytest

from minikoa import App

PROJECT = __import__("pathlib").Path(__file__).resolve().parent.parent


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "test.db"))
    app = App.load(PROJECT)
    yield app
    app.destroy()


@pytest.fixture
def client(app):
    return app.test_client()
'''

_TEST = '''"""The {api} api over HTTP, through the test client."""


def test_anyone_lists_{snake}(app, client):
    app.documents("api::{api}.{api}").create(data={{"title": "Hello"}})
    answer = client.get("/api/{plural}")
    assert answer.status_code == 200
    assert [entry["title"] for entry in answer.json["data"]] == ["Hello"]


def test_writing_takes_a_user(client):
    assert client.post("/api/{plural}", json={{"data": {{"title": "Hi"}}}}).status_code == 403


def test_the_policy_refuses_huge_pages(client):
    answer = client.get("/api/{plural}?pagination[pageSize]=1000")
    assert answer.status_code == 403 and answer.json["error"]["message"] == "pageSize is too large"
'''

_README = '''# {name}

A [minikoa](https://github.com/) project: Strapi's back-end layout, in Python.

```sh
minikoa develop            # serves on http://127.0.0.1:1337, reloading when config/ or src/ change
curl http://127.0.0.1:1337/api/{plural}
minikoa routes             # every route, who may call it, its policies and middlewares
python -m pytest tests     # the project's tests
minikoa start --workers 4  # production: gunicorn (set MINIKOA_ENV=production and the secrets of .env)
```

- `config/`: server, database, api, middlewares, plugins, admin; values come from `.env`
  (made with fresh secrets by `minikoa new`, never committed).
- `src/index.py`: `register`, `bootstrap` (grants who may read and write), `destroy`.
- `src/api/{api}/`: the content-type (`content-types/{api}/schema.json`), its routes, controller,
  service, and the `max-page-size` policy.
- `minikoa generate content-type book title:string:required pages:integer` adds another.
'''


def project_files(name: str, api: str, plural: str) -> dict[str, str]:
    """Every file of a new project called ``name`` whose api is ``api`` (``plural``: its REST path)."""
    fill = {"name": name, "api": api, "plural": plural, "snake": plural.replace("-", "_")}
    return {
        ".env": dotenv(),
        ".env.example": _ENV_EXAMPLE,
        ".gitignore": _GITIGNORE,
        "README.md": _README.format(**fill),
        "config/server.py": _SERVER,
        "config/database.py": _DATABASE,
        "config/api.py": _API,
        "config/middlewares.py": _MIDDLEWARES,
        "config/plugins.py": _PLUGINS,
        "config/admin.py": _ADMIN,
        "src/index.py": _INDEX.format(**fill),
        f"src/api/{api}/policies/max-page-size.py": _POLICY.format(**fill),
        f"src/api/{api}/routes/{api}.py": _ROUTES.format(**fill),
        "public/robots.txt": "# To prevent search engines from seeing the site altogether, uncomment the next two "
                             "lines:\n# User-Agent: *\n# Disallow: /\n",
        "public/uploads/.gitkeep": "",
        "tests/__init__.py": "",
        "tests/conftest.py": _CONFTEST,
        f"tests/test_{fill['snake']}.py": _TEST.format(**fill),
    }
