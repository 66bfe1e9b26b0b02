"""The opt-in built-ins (compression, ip, response-time, responses) in a project's config/middlewares.py."""

import gzip
import re

import brotli
import pytest

from minikoa import App, LoadError

STACK = ("config = ['strapi::errors', 'strapi::ip', 'strapi::responseTime', 'strapi::compression', "
         "'strapi::responses', 'strapi::query', 'strapi::body']\n")
ROUTES = ("routes = [{'method': 'GET', 'path': '/big', 'handler': 'api::a.a.big', 'config': {'auth': False}}]\n")
CTRL = ("from minikoa import Controller\n"
        "class A(Controller):\n"
        "    def big(self, ctx):\n"
        "        return {'items': ['x' * 40] * 100}\n"
        "controller = A\n")


def test_listed_by_strapi_names_in_a_project(project):
    app = App.load(project({"config/middlewares.py": STACK, "src/api/a/routes/a.py": ROUTES,
                            "src/api/a/controllers/a.py": CTRL}))
    res = app.test_client().get("/api/big", headers={"Accept-Encoding": "gzip"})
    assert res.status_code == 200 and res.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(res.get_data()).startswith(b'{"items":["xxx')
    assert re.fullmatch(r"\d+ms", res.headers["X-Response-Time"])


def test_not_in_the_default_list():
    from minikoa.middlewares import DEFAULT_ORDER

    assert DEFAULT_ORDER == [f"minikoa::{name}" for name in (
        "errors", "security", "cors", "powered-by", "logger", "query", "body", "session", "favicon", "public")]


@pytest.mark.parametrize("entry, expected", [
    ("{'name': 'strapi::compression', 'config': {'treshold': 10}}",
     r"config/middlewares\.py: minikoa::compression: unknown option\(s\) treshold; did you mean 'threshold'\?"),
    ("{'name': 'strapi::ip', 'config': {'blackList': ['1.2.3.4']}}",
     r"config/middlewares\.py: minikoa::ip: unknown option\(s\) blackList; did you mean 'blacklist'\?"),
    ("{'name': 'strapi::ip', 'config': {'blacklist': ['1.2.3.400']}}",
     r"config/middlewares\.py: minikoa::ip: option 'blacklist' has '1\.2\.3\.400'"),
    ("{'name': 'strapi::responses', 'config': {'handlers': {'40x': print}}}",
     r"config/middlewares\.py: minikoa::responses: option 'handlers' has key '40x'"),
    ("{'name': 'strapi::responseTime', 'config': {'header': 'X-Time'}}",
     r"config/middlewares\.py: minikoa::response-time: unknown option\(s\) header"),
    ("'strapi::compresion'", r"unknown middleware 'strapi::compresion'; did you mean 'minikoa::compression'\?"),
])
def test_bad_options_fail_at_load_naming_file_key_and_closest(project, entry, expected):
    with pytest.raises(LoadError) as err:
        App.load(project({"config/middlewares.py": f"config = ['strapi::errors', {entry}]\n"}))
    assert re.search(expected, str(err.value)), str(err.value)


def test_the_readme_example_loads_and_works(project):
    from tests.conftest import ROOT

    text = (ROOT / "README.md").read_text()
    block = text[text.index("Four more built-ins"):].split("```python\n", 1)[1].split("```", 1)[0]
    app = App.load(project({"config/middlewares.py": block, "src/api/a/routes/a.py": ROUTES,
                            "src/api/a/controllers/a.py": CTRL}))
    client = app.test_client()
    res = client.get("/api/big", headers={"Accept-Encoding": "br"}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert res.status_code == 200 and "X-Response-Time" in res.headers
    assert res.headers["Content-Encoding"] == "br"  # 4.5 kB of JSON, over the 2 kB threshold
    assert brotli.decompress(res.get_data()).startswith(b'{"items":')
    assert client.get("/nowhere", environ_base={"REMOTE_ADDR": "203.0.113.7"}).json == {"gone": True}
    assert client.get("/api/big", environ_base={"REMOTE_ADDR": "10.0.9.9"}).status_code == 403
    assert client.get("/api/big", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 403
