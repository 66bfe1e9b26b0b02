"""Loading a project folder: layout, UIDs, hooks, and mistakes named at load time."""

from __future__ import annotations

import re

import pytest

from minikoa import App, LoadError

CONTROLLER = """
from minikoa import Controller

class ThingController(Controller):
    def find(self, ctx):
        return {"data": self.app.service("api::thing.thing").all(), "route": ctx.state.route.name}

    def find_one(self, ctx):
        return {"data": ctx.params["id"]}

controller = ThingController
"""

SERVICE = """
from minikoa import Service

class ThingService(Service):
    def all(self):
        return [self.app.service("api::thing.helper").name()]

service = ThingService
"""

HELPER = """
service = {"name": lambda: "thing-1"}
"""

ROUTES = """
routes = [
    {"method": "GET", "path": "/things", "handler": "thing.find",
     "config": {"policies": ["is-allowed", {"name": "global::flag", "config": {"header": "X-Flag"}}],
                "middlewares": ["tag"]}},
    {"method": "GET", "path": "/things/:id", "handler": "api::thing.thing.findOne"},
    {"method": "GET", "path": "/health", "handler": "thing.find", "config": {"prefix": ""}},
]
"""


def full_project(**overrides):
    files = {
        "src/api/thing/controllers/thing.py": CONTROLLER,
        "src/api/thing/services/thing.py": SERVICE,
        "src/api/thing/services/helper.py": HELPER,
        "src/api/thing/routes/thing.py": ROUTES,
        "src/api/thing/policies/is-allowed.py": (
            "def policy(ctx, config, app):\n"
            "    ctx.state.seen_route = ctx.state.route.path\n"
            "    return ctx.get('X-Deny') is None\n"),
        "src/api/thing/middlewares/tag.py": (
            "def middleware(config, app):\n"
            "    def tag(ctx):\n"
            "        yield\n"
            "        ctx.set('X-Tag', 'route')\n"
            "    return tag\n"),
        "src/policies/flag.py": (
            "def policy(ctx, config, app):\n"
            "    return ctx.get(config['header']) != 'off'\n"),
        "src/middlewares/stamp.py": (
            "def middleware(config, app):\n"
            "    def stamp(ctx):\n"
            "        ctx.set('X-Stamp', config.get('value', 'default'))\n"
            "        yield\n"
            "    return stamp\n"),
        "config/middlewares.py": (
            "config = ['strapi::errors', 'minikoa::query', 'minikoa::body',\n"
            "          {'name': 'global::stamp', 'config': {'value': 'configured'}}]\n"),
        "src/index.py": (
            "calls = []\n"
            "def register(app):\n"
            "    calls.append('register')\n"
            "    app.get('/registered')(lambda ctx: {'calls': list(calls)})\n"
            "def bootstrap(app):\n"
            "    calls.append('bootstrap')\n"
            "    app.config.set('bootstrapped', True)\n"
            "def destroy(app):\n"
            "    calls.append('destroy')\n"
            "    (app.root / 'destroyed.txt').write_text('yes')\n"),
    }
    files.update(overrides)
    return files


def test_a_full_project(project):
    root = project(full_project())
    app = App.load(root)
    client = app.test_client()

    res = client.get("/api/things")
    assert res.json == {"data": ["thing-1"], "route": "api::thing.thing.find"}
    assert res.headers["X-Tag"] == "route" and res.headers["X-Stamp"] == "configured"
    assert client.get("/api/things", headers={"X-Deny": "1"}).status_code == 403
    assert client.get("/api/things", headers={"X-Flag": "off"}).json["error"]["name"] == "PolicyError"
    assert client.get("/api/things/7").json == {"data": "7"}
    assert client.get("/health").status_code == 200
    assert client.get("/api/health").status_code == 404
    assert client.get("/registered").json == {"calls": ["register", "bootstrap"]}
    assert app.config.get("bootstrapped") is True

    assert sorted(app.policies) == ["api::thing.is-allowed", "global::flag"]
    assert sorted(app.middlewares) == ["api::thing.tag", "global::stamp"]
    assert sorted(app.services) == ["api::thing.helper", "api::thing.thing"]
    assert list(app.controllers) == ["api::thing.thing"]
    assert app.global_middlewares == ["strapi::errors", "minikoa::query", "minikoa::body", "global::stamp"]
    listed = {r.path: r.as_dict() for r in app.routes}
    assert listed["/api/things"]["policies"] == ["is-allowed", "global::flag"]
    assert listed["/api/things"]["middlewares"] == ["tag"]
    assert listed["/api/things/:id"]["handler"] == "api::thing.thing.findOne"

    app.destroy()
    app.destroy()  # once only
    assert (root / "destroyed.txt").read_text() == "yes"


def test_rest_prefix_from_config(project):
    root = project(full_project(**{"config/api.py": "config = {'rest': {'prefix': '/v2'}}\n"}))
    client = App.load(root).test_client()
    assert client.get("/v2/things/1").status_code == 200
    assert client.get("/api/things/1").status_code == 404


def test_default_middleware_list_when_the_project_has_none(project):
    root = project({"src/api/a/routes/a.py": "routes = [{'method': 'GET', 'path': '/a', 'handler': lambda ctx: {}}]",
                    "config/server.py": "config = {'app': {'keys': ['k1']}}\n"})
    (root / "config" / "middlewares.py").unlink()
    app = App.load(root)
    assert app.global_middlewares == [f"minikoa::{name}" for name in (
        "errors", "security", "cors", "powered-by", "logger", "query", "body", "session", "favicon", "public")]


def test_the_default_stack_needs_app_keys_as_strapi_does(project):
    root = project({"src/api/a/routes/a.py": "routes = []"})
    (root / "config" / "middlewares.py").unlink()
    with pytest.raises(LoadError, match="server.app.keys"):
        App.load(root)


def test_resolve_a_middleware_by_path(project):
    root = project({
        "lib/mw.py": ("def middleware(config, app):\n"
                      "    def mw(ctx):\n"
                      "        ctx.set('X-Resolved', config['v'])\n"
                      "        yield\n"
                      "    return mw\n"),
        "config/middlewares.py": "config = ['minikoa::errors', {'resolve': './lib/mw', 'config': {'v': 'ok'}}]\n",
        "src/api/a/routes/a.py": "routes = [{'method': 'GET', 'path': '/a', 'handler': lambda ctx: {}}]\n",
    })
    assert App.load(root).test_client().get("/api/a").headers["X-Resolved"] == "ok"


def load_error(project, files: dict[str, str]) -> str:
    with pytest.raises(LoadError) as err:
        App.load(project(files))
    return str(err.value)


ROUTE_A = "src/api/a/routes/a.py"
CTRL_A = "src/api/a/controllers/a.py"
CTRL = ("from minikoa import Controller\n"
        "class A(Controller):\n    def find(self, ctx):\n        return {}\ncontroller = A\n")


@pytest.mark.parametrize("files, expected", [
    ({ROUTE_A: "routes = [{'method': 'GET', 'path': '/x', 'handler': 'a.find'}]"},
     r"a\.py: route #0: unknown handler 'a\.find': no controller 'api::a\.a'"),
    ({CTRL_A: CTRL, ROUTE_A: "routes = [{'method': 'GET', 'path': '/x', 'handler': 'a.nope'}]"},
     r"a\.py: route #0: unknown handler 'a\.nope': controller 'api::a\.a' has no action 'nope'"),
    ({CTRL_A: CTRL, ROUTE_A: "routes = [{'method': 'GET', 'path': '/x', 'handler': 'a.find',"
                             " 'config': {'policies': ['global::missing']}}]"},
     r"unknown policy 'global::missing'.*a\.py|a\.py.*unknown policy 'global::missing'"),
    ({CTRL_A: CTRL, ROUTE_A: "routes = [{'method': 'GET', 'path': '/x', 'handler': 'a.find',"
                             " 'config': {'middlewares': ['nope']}}]"},
     r"routes/a\.py.*unknown middleware 'nope'"),
    ({CTRL_A: CTRL, ROUTE_A: "routes = [{'method': 'GET', 'path': '/x', 'handler': 'a.find'},"
                             " {'method': 'GET', 'path': '/x/', 'handler': 'a.find'}]"},
     r"a\.py: route #1 \(GET /api/x/\): duplicate route GET /api/x/"),
    ({CTRL_A: "x = 1\n"}, r"controllers/a\.py: defines nothing usable: expected `controller`"),
    ({"src/policies/p.py": "def not_policy(): pass\n"}, r"policies/p\.py: defines nothing usable: expected `policy`"),
    ({"src/middlewares/m.py": "x = 1\n"}, r"middlewares/m\.py: defines nothing usable: expected `middleware`"),
    ({ROUTE_A: "routes = [\n  {'method': 'GET',\n  'path': '/x' 'handler': 1}]\n"}, r"routes/a\.py:3: syntax error"),
    ({CTRL_A: "import os\nraise ValueError('boom')\n"}, r"controllers/a\.py:2: ValueError: boom"),
    ({ROUTE_A: "routes = 'x'"}, r"routes/a\.py: `routes` must be a list"),
    ({ROUTE_A: "routes = [{'method': 'GET'}]"}, r"routes/a\.py: route #0: missing path, handler"),
    ({CTRL_A: "controller = object\n"}, r"controllers/a\.py.* must be a subclass of minikoa\.Controller"),
    ({"config/middlewares.py": "config = ['minikoa::nope']"}, r"unknown middleware 'minikoa::nope'"),
    ({"config/middlewares.py": "config = ['global::nope']"}, r"unknown middleware 'global::nope'"),
    ({"config/middlewares.py": "config = [{'name': 'minikoa::logger', 'config': {'bogus': 1}}]"},
     r"minikoa::logger: unknown option\(s\) bogus"),
    ({"src/index.py": "def register(app):\n    raise RuntimeError('nope')\n"}, r"index\.py: register\(app\) failed"),
    # A typo must not leave a route quietly unprotected.
    ({CTRL_A: CTRL, ROUTE_A: "routes = [{'method': 'GET', 'path': '/x', 'handler': 'a.find',"
                             " 'config': {'polices': ['global::p']}}]"},
     r"routes/a\.py: route #0: unknown route config key 'polices'; did you mean 'policies'\?"),
    ({CTRL_A: CTRL, ROUTE_A: "routes = [{'method': 'GET', 'path': '/x', 'handler': 'a.find', 'confg': {}}]"},
     r"routes/a\.py: route #0: unknown route key 'confg'; did you mean 'config'\?"),
    ({CTRL_A: CTRL, ROUTE_A: "routes = [{'method': 'GETT', 'path': '/x', 'handler': 'a.find'}]"},
     r"routes/a\.py: route #0: unknown HTTP method 'GETT'; did you mean 'GET'\?"),
    ({CTRL_A: CTRL, ROUTE_A: "routes = [{'method': 'GET', 'path': 'books/x', 'handler': 'a.find'}]"},
     r"routes/a\.py: route #0: a route path starts with '/': 'books/x'"),
    ({CTRL_A: CTRL, ROUTE_A: "routes = [{'method': 'GET', 'path': '/x', 'handler': 'a.find',"
                             " 'config': {'policies': ['is-owne']}}]",
      "src/policies/is-owner.py": "def policy(ctx, config, app):\n    return True\n"},
     r"unknown policy 'is-owne'; did you mean 'is-owner'\?"),
    ({CTRL_A: CTRL, ROUTE_A: "routes = [{'method': 'GET', 'path': '/x', 'handler': 'a.find',"
                             " 'config': {'middlewares': ['timr']}}]",
      "src/middlewares/timer.py": "def middleware(config, app):\n    return None\n"},
     r"unknown middleware 'timr'; did you mean 'timer'\?"),
    ({"config/middlewares.py": "config = ['minikoa::corss']"}, r"did you mean 'minikoa::cors'\?"),
    ({"config/database.py": "config = {'connection': {'client': 'mysql'}}"},
     r"config/database\.py: unknown database client 'mysql' \(known: better-sqlite3, postgres, sqlite\)"),
])
def test_mistakes_fail_at_load_naming_the_file(project, files, expected):
    message = load_error(project, files)
    assert re.search(expected, message), message


def test_missing_folder():
    with pytest.raises(LoadError, match="no such project folder"):
        App.load("/nonexistent/project")




CT_SCHEMA = """{
  "kind": "collectionType", "collectionName": "notes",
  "info": {"singularName": "note", "pluralName": "notes", "displayName": "Note"},
  "options": {"draftAndPublish": false},
  "attributes": {"text": {"type": "string", "required": true},
                 "meta": {"type": "component", "component": "shared.meta"}}
}"""


def test_content_types_components_and_lifecycles_load(project):
    root = project({
        "src/components/shared/meta.json": '{"attributes": {"lang": {"type": "string"}}}',
        "src/api/note/content-types/note/schema.json": CT_SCHEMA,
        "src/api/note/content-types/note/lifecycles.py": (
            "def before_create(event):\n"
            "    event.params['data']['text'] = event.params['data']['text'].strip()\n"),
        "config/database.py": "config = {'connection': {'connection': {'filename': '.tmp/notes.db'}}}\n",
        "src/index.py": "def bootstrap(app):\n    app.config.set('booted', True)\n",
    })
    app = App.load(root)
    assert app.config.get("booted") is True  # index.py's hooks run beside content-type lifecycles
    assert "api::note.note" in app.content_types and "shared.meta" in app.content_types.components
    note = app.documents("api::note.note").create(data={"text": "  hi  ", "meta": {"lang": "en"}})
    assert note["text"] == "hi"
    assert (root / ".tmp" / "notes.db").is_file()
    app.destroy()


def test_database_filename_env_override(project, monkeypatch, tmp_path):
    schema = CT_SCHEMA.replace(',\n                 "meta": {"type": "component", "component": "shared.meta"}', "")
    root = project({"src/api/note/content-types/note/schema.json": schema})
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "elsewhere.db"))
    app = App.load(root)
    app.documents("api::note.note").create(data={"text": "x"})
    assert (tmp_path / "elsewhere.db").is_file() and not (root / ".tmp").exists()
    app.destroy()


@pytest.mark.parametrize("files, expected", [
    ({"src/api/note/content-types/note/schema.json": CT_SCHEMA},
     r"note/schema\.json: attribute 'meta': unknown component 'shared\.meta'"),
    ({"src/api/note/content-types/note/schema.json": "{nope"}, r"note/schema\.json: invalid JSON"),
    ({"src/api/note/content-types/note/.keep": ""}, r"content-types/note: a content-type folder needs a schema\.json"),
])
def test_bad_content_types_fail_at_load(project, files, expected):
    message = load_error(project, files)
    assert re.search(expected, message), message
