"""Loading a project folder in Strapi's layout into an App.

::

    config/*.py | *.json                       configuration (see minikoa.config)
    src/index.py                               register(app), bootstrap(app), destroy(app)
    src/policies/<name>.py                     global::<name>       defines policy(ctx, config, app)
    src/middlewares/<name>.py                  global::<name>       defines middleware(config, app)
    src/api/<api>/policies/<name>.py           api::<api>.<name>
    src/api/<api>/middlewares/<name>.py        api::<api>.<name>
    src/api/<api>/services/<name>.py           api::<api>.<name>    defines service (a class)
    src/api/<api>/controllers/<name>.py        api::<api>.<name>    defines controller (a class)
    src/api/<api>/routes/<file>.py             defines routes (a list of route dicts)
    src/api/<api>/content-types/<name>/schema.json (+ lifecycles.py)   api::<api>.<name>
    src/components/<category>/<name>.json      the component <category>.<name>

The order is Strapi's: every file is read and registered, then
``register(app)`` runs (it may add more), then the routes are mounted and
the app is built (registries frozen, chains composed, every name resolved),
then ``bootstrap(app)`` runs. ``destroy(app)`` runs when the process exits
(a gunicorn worker included) or on ``app.destroy()``.

Every mistake fails here, at load time, naming the file and the name at
fault: a syntax error (with its line), a module that defines nothing usable,
an unknown handler, policy or middleware, a duplicate route.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..app import App

__all__ = ["LoadError", "load_module", "load_project"]


class LoadError(RuntimeError):
    """A project file that cannot be loaded; the message names the file (and line)."""


def _module_name(path: Path) -> str:
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:12]
    stem = "".join(c if c.isalnum() else "_" for c in path.stem)
    return f"minikoa_project_{digest}_{stem}"


def load_module(path: Path) -> ModuleType:
    """Execute the Python file at ``path`` as a fresh module (file names may contain ``-``).

    A syntax error becomes a LoadError with the file and line; any other
    error while executing it, a LoadError with the file and the exception.
    """
    path = Path(path)
    name = _module_name(path.resolve())
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc}") from None
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise LoadError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    spec = importlib.util.spec_from_loader(name, loader=None, origin=str(path))
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__file__ = str(path)
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)  # noqa: S102 - the project's own code
    except LoadError:
        raise
    except Exception as exc:
        sys.modules.pop(name, None)
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
        line = f":{frames[-1].lineno}" if frames else ""
        raise LoadError(f"{path}{line}: {type(exc).__name__}: {exc}") from exc
    return module


def _export(module: ModuleType, path: Path, name: str, what: str) -> Any:
    if not hasattr(module, name):
        raise LoadError(f"{path}: defines nothing usable: expected `{name}` ({what})")
    return getattr(module, name)


def _py_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix == ".py" and p.is_file() and not p.name.startswith(("_", ".")))


class _ProjectLoader:
    def __init__(self, app: App, root: Path, build: bool = True) -> None:
        self.app = app
        self.root = root
        #: False: stop once every file is read and every name checked (see ``App.load``).
        self.build = build
        self.src = root / "src"
        #: (api name or None, file, route dicts) in load order
        self.route_files: list[tuple[str, Path, Any]] = []

    def load(self) -> None:
        from .registry import Controller, Service, from_mapping

        app = self.app
        index = self.src / "index.py"
        hooks = load_module(index) if index.is_file() else None

        for file in _py_files(self.src / "policies"):
            policy = _export(load_module(file), file, "policy", "a function policy(ctx, config, app)")
            app.policies.register(f"global::{file.stem}", policy, source=str(file))
        for file in _py_files(self.src / "middlewares"):
            factory = _export(load_module(file), file, "middleware", "a factory middleware(config, app)")
            app.middlewares.register(f"global::{file.stem}", factory, source=str(file))

        components = self.src / "components"
        if components.is_dir():
            for category in sorted(p for p in components.iterdir() if p.is_dir()):
                for file in sorted(category.glob("*.json")):
                    self._schema(app.content_types.register_component, f"{category.name}.{file.stem}", file)

        api_root = self.src / "api"
        apis = sorted(p for p in api_root.iterdir() if p.is_dir()) if api_root.is_dir() else []
        for api_dir in apis:
            api = api_dir.name
            types = api_dir / "content-types"
            for folder in sorted(p for p in types.iterdir() if p.is_dir()) if types.is_dir() else []:
                schema = folder / "schema.json"
                if not schema.is_file():
                    raise LoadError(f"{folder}: a content-type folder needs a schema.json")
                ctype = self._schema(app.content_types.register, f"api::{api}.{folder.name}", schema)
                lifecycle_file = folder / "lifecycles.py"
                if lifecycle_file.is_file():
                    ctype.lifecycles = load_module(lifecycle_file)
            for file in _py_files(api_dir / "policies"):
                policy = _export(load_module(file), file, "policy", "a function policy(ctx, config, app)")
                app.policies.register(f"api::{api}.{file.stem}", policy, source=str(file))
            for file in _py_files(api_dir / "middlewares"):
                factory = _export(load_module(file), file, "middleware", "a factory middleware(config, app)")
                app.middlewares.register(f"api::{api}.{file.stem}", factory, source=str(file))
            for kind, base, registry in (("service", Service, app.services),
                                         ("controller", Controller, app.controllers)):
                for file in _py_files(api_dir / f"{kind}s"):
                    uid = f"api::{api}.{file.stem}"
                    value = _export(load_module(file), file, kind, f"a subclass of minikoa.{base.__name__}")
                    if isinstance(value, dict):
                        value = from_mapping(kind, base, uid, value)
                    try:
                        registry.register(uid, value, source=str(file))
                    except LookupError as exc:
                        raise LoadError(str(exc)) from None
            for file in _py_files(api_dir / "routes"):
                routes = _export(load_module(file), file, "routes", "a list of route dicts")
                if isinstance(routes, dict) and "routes" in routes:  # Strapi's {routes: [...]} form
                    routes = routes["routes"]
                if not isinstance(routes, (list, tuple)) and not hasattr(routes, "resolve"):
                    raise LoadError(f"{file}: `routes` must be a list of route dicts or core_router(...), "
                                    f"not {type(routes).__name__}")
                self.route_files.append((api, file, routes))

        if hooks is not None and hasattr(hooks, "register"):
            self._hook(hooks.register, index, "register")

        listed = app.config.get("middlewares")
        source = str(self.root / "config" / "middlewares.py") if listed else "the default middlewares"
        for spec in listed or _default_order():
            app.use(spec, source=source)

        app.add_core_components()
        app.mount_admin()
        for api, file, routes in self.route_files:
            try:
                app.mount(routes, api=api, source=str(file))
            except (LookupError, ValueError, TypeError) as exc:
                raise LoadError(str(exc)) from None

        try:
            if not self.build:
                app.check()  # every name, and nothing run: no database, no factory, no bootstrap
                return
            app.build()
        except LoadError:
            raise
        except Exception as exc:
            raise LoadError(str(exc)) from exc

        if hooks is not None and hasattr(hooks, "destroy"):
            app.on_destroy(lambda: hooks.destroy(app))
        if hooks is not None and hasattr(hooks, "bootstrap"):
            self._hook(hooks.bootstrap, index, "bootstrap")

    @staticmethod
    def _schema(register: Callable[..., Any], uid: str, path: Path) -> Any:
        from ..content.schema import SchemaError

        try:
            return register(uid, path)
        except SchemaError as exc:
            raise LoadError(str(exc)) from None

    def _hook(self, fn: Callable[[Any], Any], file: Path, name: str) -> None:
        try:
            fn(self.app)
        except LoadError:
            raise
        except Exception as exc:
            raise LoadError(f"{file}: {name}(app) failed: {type(exc).__name__}: {exc}") from exc


def _default_order() -> list[str]:
    from ..middlewares import DEFAULT_ORDER

    return DEFAULT_ORDER


def load_project(app: App, root: Path, build: bool = True) -> None:
    """Load the project at ``root`` into ``app`` (made by ``App.load``); ``build=False`` stops before
    anything runs (see ``App.load``)."""
    _ProjectLoader(app, root, build).load()
