"""Names to things: short names, the strapi:: alias, resolve paths, factories that add no layer."""

import pytest

from minikoa import App
from minikoa.project import resolve


def test_lookup_prefers_the_routes_api_then_global():
    registry = {"api::blog.owner": "api", "global::owner": "global", "global::only": "g"}
    assert resolve.lookup(registry, "owner", "blog") == "api"
    assert resolve.lookup(registry, "owner", "shop") == "global"
    assert resolve.lookup(registry, "owner", None) == "global"
    assert resolve.lookup(registry, "global::only", "blog") == "g"
    assert resolve.lookup(registry, "missing", "blog") is None


def test_strapi_alias_and_builtin_names():
    app = App()
    made = resolve.middleware(app, "strapi::powered-by", {"poweredBy": "x"}, None, "test")
    assert made is not None
    assert resolve.middleware(app, "minikoa::query", None, None, "test") is None  # configuration only
    with pytest.raises(LookupError, match="unknown middleware 'strapi::nope'"):
        resolve.middleware(app, "strapi::nope", None, None, "test")
    with pytest.raises(LookupError, match="has no name"):
        resolve.middleware(app, {"config": {}}, None, None, "test")


def test_resolve_a_folder_with_index(tmp_path):
    folder = tmp_path / "mw"
    folder.mkdir()
    (folder / "index.py").write_text("def middleware(config, app):\n    def mw(ctx):\n        yield\n    return mw\n")
    app = App(root=tmp_path)
    assert callable(resolve.middleware(app, {"resolve": "./mw"}, None, None, "test"))
    (tmp_path / "empty.py").write_text("x = 1\n")
    with pytest.raises(LookupError, match="defines no factory"):
        resolve.middleware(app, {"resolve": "empty"}, None, None, "test")


def test_a_factory_must_return_a_generator_function():
    app = App()
    app.middleware("bad", lambda config, app_: (lambda ctx: None))
    with pytest.raises(Exception, match="must be a generator function"):
        resolve.middleware(app, "global::bad", None, None, "test")
