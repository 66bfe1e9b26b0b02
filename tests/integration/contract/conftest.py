"""gunicorn serving the contract projects (the blog-like one, its draft-and-publish variant, the rich
schema), seeded as Strapi was."""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, Server, new_schema

from .recording import DocumentIds, Request, Response, send

PROJECT = FIXTURES / "contract-project"
#: Copied over PROJECT for the recordings of auth/: the note type and the authenticated role's grant.
AUTH_OVERLAY = FIXTURES / "contract-auth-project"
ARTICLE_SCHEMA = Path("src/api/article/content-types/article/schema.json")
#: The rich schema (every attribute type, components, a dynamic zone, D&P, a single type) and its seed.
RICH = FIXTURES / "strapi-rich"


def start(project: Path, database: Path, request: pytest.FixtureRequest | None = None) -> Server:
    """gunicorn serving ``project`` on the SQLite file ``database``, or, where ``request`` is a fixture
    parametrized ``"postgres"``, on a PostgreSQL schema of its own: configured by Strapi's environment
    variables only, as a project moves to PostgreSQL without changing a file."""
    env = {"DATABASE_FILENAME": str(database)}
    if request is not None and request.param == "postgres":
        connection = new_schema(request.getfixturevalue("postgres_server"))
        env = {"DATABASE_CLIENT": "postgres", "DATABASE_URL": connection["connection"]["connectionString"],
               "DATABASE_SCHEMA": connection["connection"]["schema"]}
    return Server(f'minikoa.wsgi:create_app("{project}")', workers=1, env=env)


def check_stored(server: Server, table: str, rows: int) -> None:
    """The seed is in the database the server was given: on PostgreSQL, ``rows`` rows or more (drafts and
    published versions) in its schema's ``table``
    (so a replay that passes has really run on PostgreSQL); on SQLite, nothing to check."""
    schema = server.env.get("DATABASE_SCHEMA")
    if schema is None:
        return
    import psycopg

    with psycopg.connect(server.env["DATABASE_URL"]) as conn:
        found = conn.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()
    assert found is not None and found[0] >= rows


def post(port: int, path: str, payload: dict) -> Response:
    return send(port, Request("POST", path, [("Content-Type", "application/json")], json.dumps(payload).encode()))


def seed(port: int) -> tuple[list[str], list[str]]:
    """What ``project/scripts/seed.py`` of the recording creates, in its order: our documentIds
    of categories 1..3 and articles 1..20."""
    categories = []
    for name in ["Tech", "Science", "Sports"]:
        response = post(port, "/api/categories", {"data": {"name": name}})
        assert response.status == 201, response
        categories.append(response.json()["data"]["documentId"])
    articles = []
    for i in range(1, 21):
        article = {
            "title": f"Article {i}",
            "body": None if i % 5 == 0 else f"Body of article {i}. Hello world.",
            "views": i - 1,
            "published": i % 2 == 0,
            "secret": f"s{i}",
            "category": categories[i % 3],
        }
        response = post(port, "/api/articles", {"data": article})
        assert response.status == 201, response
        articles.append(response.json()["data"]["documentId"])
    return categories, articles


class Served:
    """A running server, the recording's documentIds mapped to its own, and what seeding created."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.port = server.port
        self.ids = DocumentIds()
        self.seed: tuple[list[str], list[str]] = ([], [])   # our documentIds: categories, articles


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def seeded(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Served]:
    """The contract project on a fresh database (SQLite, then PostgreSQL), seeded as the recording's
    (3 categories, 20 articles)."""
    server = start(PROJECT, tmp_path_factory.mktemp("contract") / "data.db", request)
    try:
        served = Served(server)
        served.seed = seed(server.port)
        check_stored(server, "articles", 20)
        yield served
    finally:
        server.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def draft_and_publish(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Served]:
    """The same project with ``draftAndPublish: true`` on article, on a fresh, empty database (SQLite, then
    PostgreSQL)."""
    root = tmp_path_factory.mktemp("contract-dp")
    project = root / "project"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns(".tmp", "__pycache__"))
    schema = json.loads((project / ARTICLE_SCHEMA).read_text())
    schema["options"]["draftAndPublish"] = True
    (project / ARTICLE_SCHEMA).write_text(json.dumps(schema, indent=2) + "\n")
    server = start(project, root / "dp.db", request)
    try:
        yield Served(server)
    finally:
        server.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def auth_project(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Served]:
    """The project as recorded for auth/ (PROJECT with AUTH_OVERLAY), seeded as the recording's, with
    users-permissions' defaults (10 requests a minute on /auth, a development JWT secret), on SQLite, then
    PostgreSQL (where the rate limits' counters live too)."""
    root = tmp_path_factory.mktemp("contract-auth")
    project = root / "project"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns(".tmp", "__pycache__"))
    shutil.copytree(AUTH_OVERLAY, project, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
    server = start(project, root / "auth.db", request)
    try:
        served = Served(server)
        served.seed = seed(server.port)
        check_stored(server, "articles", 20)
        yield served
    finally:
        server.stop()


def rich_seed(url: str) -> dict:
    """Run the recording's own seed (``strapi-rich/seed.py``, unchanged) against ``url``: name -> our
    documentId per type (``tags``, ``makers``, ``products``)."""
    spec = importlib.util.spec_from_file_location("strapi_rich_seed", RICH / "seed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    state = module.seed(url)
    assert module.check_seeded(state) is None, state
    return state


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def rich(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Served]:
    """The rich project on a fresh database (SQLite, then PostgreSQL), seeded by the recording's seed; the
    recorded seed's documentIds (``seed-state.json``) mapped to ours by name."""
    root = tmp_path_factory.mktemp("contract-rich")
    project = root / "project"
    shutil.copytree(RICH / "project", project, ignore=shutil.ignore_patterns(".tmp", "__pycache__"))
    server = start(project, root / "rich.db", request)
    try:
        served = Served(server)
        ours = rich_seed(server.url)
        check_stored(server, "tags", len(ours["tags"]))
        recorded = json.loads((RICH / "seed-state.json").read_text())
        for plural in ("tags", "makers", "products"):
            for name, document_id in recorded[plural].items():
                served.ids.map(document_id, ours[plural][name])
        yield served
    finally:
        server.stop()
