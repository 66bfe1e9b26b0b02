"""A client written for Strapi 5 works against minikoa unchanged: the official ``@strapi/client``.

The client is pinned in ``tests/integration/strapi_client/package.json`` (and its lock file); ``make test``
installs it into ``.cache/strapi-client/`` when node and npm are present. This test writes a
project with the Strapi contract's article and category content-types and a ``homepage`` single
type, serves it with gunicorn, and runs ``tests/integration/strapi_client/compat.mjs`` with node against it:
find (filters, a relation filter, sort, fields, populate, both pagination styles), findOne, create,
update, delete, the client's errors for a 404 and a 400, and a single type's update/find/delete.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT, contract_schema

CLIENT_SPEC = ROOT / "tests" / "integration" / "strapi_client"
CLIENT_DIR = ROOT / ".cache" / "strapi-client"
SCRIPT = CLIENT_SPEC / "compat.mjs"
PINNED = json.loads((CLIENT_SPEC / "package.json").read_text())["dependencies"]["@strapi/client"]

ARTICLE = contract_schema("article")
CATEGORY = contract_schema("category")
HOMEPAGE = {
    "kind": "singleType",
    "collectionName": "homepages",
    "info": {"singularName": "homepage", "pluralName": "homepages", "displayName": "Homepage"},
    "options": {"draftAndPublish": False},
    "pluginOptions": {},
    "attributes": {"headline": {"type": "string"}},
}

# compat.mjs expects exactly this seed: title, views, category name (or None), private secret.
INDEX = '''\
ARTICLES = [
    ("Article 1", 10, "Tech", None),
    ("Article 2", 30, "Life", None),
    ("Article 3", 20, "Tech", None),
    ("Article 4", 50, None, None),
    ("Article 5", 40, "Tech", "s5"),
    ("Article 6", 0, "Life", "s6"),
]


def bootstrap(app):
    articles = app.documents("api::article.article")
    if articles.count():
        return
    categories = {name: app.documents("api::category.category").create(data={"name": name})["documentId"]
                  for name in ("Tech", "Life")}
    for title, views, category, secret in ARTICLES:
        data = {"title": title, "body": f"Body of {title.lower()}.", "views": views, "published": views > 15}
        if category:
            data["category"] = categories[category]
        if secret:
            data["secret"] = secret
        articles.create(data=data)
'''

# Strapi's default middleware list, so the client meets the stack a Strapi project has.
MIDDLEWARES = """\
config = ["strapi::logger", "strapi::errors", "strapi::security", "strapi::cors", "strapi::powered-by",
          "strapi::query", "strapi::body", "strapi::session", "strapi::favicon", "strapi::public"]
"""


def project_files() -> dict[str, str]:
    files = {
        "config/server.py": ('config = {"host": "127.0.0.1", "port": 1337,\n'
                             '          "app": {"keys": ["client-test-key-1", "client-test-key-2"]}}\n'),
        "config/middlewares.py": MIDDLEWARES,
        "src/index.py": INDEX,
    }
    for api, schema in (("article", ARTICLE), ("category", CATEGORY), ("homepage", HOMEPAGE)):
        files[f"src/api/{api}/content-types/{api}/schema.json"] = json.dumps(schema, indent=2) + "\n"
        files[f"src/api/{api}/routes/{api}.py"] = (f"from minikoa import core_router\n\n"
                                                   f"routes = core_router('api::{api}.{api}')\n")
    return files


def installed_version() -> str | None:
    package = CLIENT_DIR / "node_modules" / "@strapi" / "client" / "package.json"
    try:
        return json.loads(package.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def describe(check: dict) -> str:
    lines = [f"- {check['name']}: {check.get('error')}"]
    for ex in check.get("exchanges") or []:
        lines.append(f"    {ex['method']} {ex['url']}")
        if ex.get("requestBody"):
            lines.append(f"      sent: {ex['requestBody']}")
        lines.append(f"      got:  {ex.get('status')} {ex.get('responseBody', '')}")
    return "\n".join(lines)


def test_official_strapi_client_works_unchanged(project, serve, tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the @strapi/client compatibility test needs node 20+ and npm "
                    "(then `make test` installs the client)")
    version = installed_version()
    if version is None:
        pytest.skip(f"@strapi/client is not installed in {CLIENT_DIR.relative_to(ROOT)}: "
                    f"run `make test` (it installs @strapi/client {PINNED} with npm)")
    assert version == PINNED, (f"{CLIENT_DIR.relative_to(ROOT)} holds @strapi/client {version}, "
                               f"tests/integration/strapi_client/package.json pins {PINNED}: "
                               "run `make test` to reinstall")

    root = project(project_files())
    server = serve(f"minikoa.wsgi:create_app({json.dumps(str(root))})",
                   env={"DATABASE_FILENAME": str(tmp_path / "data.db")})
    try:
        run = subprocess.run([node, str(SCRIPT)], capture_output=True, text=True, timeout=60, cwd=ROOT,
                             env={**os.environ, "BASE_URL": server.url, "STRAPI_CLIENT_DIR": str(CLIENT_DIR)})
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"compat.mjs ran over 60 s:\n{exc.stdout}\n{exc.stderr}\nserver log:\n{server.stop()}")

    try:
        report = json.loads(run.stdout)
    except ValueError:
        pytest.fail(f"compat.mjs exited {run.returncode} without a JSON report:\n"
                    f"stdout:\n{run.stdout}\nstderr:\n{run.stderr}\nserver log:\n{server.stop()}")

    assert report["client"] == PINNED
    names = [check["name"] for check in report["checks"]]
    assert len(names) == 15, names  # every step of the scenario ran
    failed = [check for check in report["checks"] if not check["ok"]]
    assert not failed, (f"{len(failed)} of {len(names)} @strapi/client {PINNED} checks failed against minikoa:\n"
                        + "\n".join(describe(check) for check in failed))
    assert run.returncode == 0, run.stderr
