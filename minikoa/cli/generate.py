"""``minikoa generate api|controller|service|policy|middleware|content-type NAME``: Strapi's generators, in Python.

What each writes (``--api API`` says which api; without it, an api of the
same name, or for policies and middlewares the project-wide ``src/``):

* ``api NAME``: ``src/api/NAME/{routes,controllers,services}/NAME.py``, a
  custom route ``GET /NAME`` to a controller action that asks the service,
  as ``strapi generate api`` writes them;
* ``controller NAME``, ``service NAME``: one class in its api;
* ``policy NAME``, ``middleware NAME``: ``src/policies/NAME.py`` (``global::NAME``) or
  ``src/api/API/policies/NAME.py`` (``api::API.NAME``);
* ``content-type NAME [ATTRIBUTE ...]``: ``schema.json`` with the attributes
  given as ``name:type[:required][:unique][:private]`` (types checked against
  the field-type registry, with "did you mean"), and, as Strapi's generator
  does by default, the api's core router, controller and service, so
  ``/api/<plural>`` exists at once.

Existing files are never overwritten: the run is refused before anything is
written.
"""

from __future__ import annotations

import argparse
import difflib
import json
from pathlib import Path
from typing import Any

from ..content.fields.registry import FIELD_TYPES
from .errors import UsageError
from .files import check_name, write

__all__ = ["add_commands", "content_type_files", "parse_attribute", "plural_of"]

KINDS = ("api", "controller", "service", "policy", "middleware", "content-type")
#: Flags an attribute may carry after its type.
FLAGS = ("required", "unique", "private")
#: Types that need more than a name and a type (a target, values, components): written by hand in schema.json.
_NEEDS_MORE = {"relation": "a target and a relation kind", "component": "a component uid",
               "dynamiczone": "a list of components", "enumeration": "a list of values",
               "media": "allowedTypes and multiple", "uid": "a targetField"}


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _snake(name: str) -> str:
    return name.replace("-", "_")


def plural_of(name: str) -> str:
    """English plural of a kebab-case name, good enough for a generator (``category`` -> ``categories``);
    ``--plural`` overrides it."""
    if name.endswith("y") and len(name) > 1 and name[-2] not in "aeiou":
        return name[:-1] + "ies"
    if name.endswith(("s", "x", "z", "ch", "sh")):
        return name + "es"
    return name + "s"


def parse_attribute(spec: str) -> tuple[str, dict[str, Any]]:
    """``"title:string:required"`` -> ``("title", {"type": "string", "required": True})``; UsageError naming
    the mistake and the closest valid type or flag."""
    parts = spec.split(":")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise UsageError(f"attribute {spec!r}: write it as name:type[:required][:unique][:private]")
    name, kind, flags = parts[0], parts[1], parts[2:]
    if not name.replace("_", "a").isalnum() or not name[0].isalpha():
        raise UsageError(f"attribute {spec!r}: {name!r} is not a valid attribute name (letters, digits, _)")
    if kind not in FIELD_TYPES:
        close = difflib.get_close_matches(kind, list(FIELD_TYPES), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f" (types: {', '.join(FIELD_TYPES)})"
        raise UsageError(f"attribute {spec!r}: unknown attribute type {kind!r}{hint}")
    if kind in _NEEDS_MORE:
        raise UsageError(f"attribute {spec!r}: a {kind} needs {_NEEDS_MORE[kind]}; add it to schema.json by hand")
    options: dict[str, Any] = {"type": kind}
    for flag in flags:
        if flag not in FLAGS:
            close = difflib.get_close_matches(flag, FLAGS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (flags: {', '.join(FLAGS)})"
            raise UsageError(f"attribute {spec!r}: unknown flag {flag!r}{hint}")
        options[flag] = True
    return name, options


def content_type_files(api: str, name: str, attributes: dict[str, dict[str, Any]], *, plural: str | None = None,
                       single: bool = False, draft_and_publish: bool = False) -> dict[str, str]:
    """The files of content-type ``api::<api>.<name>``: its schema.json and its core router, controller
    and service."""
    plural = plural or plural_of(name)
    uid = f"api::{api}.{name}"
    schema = {
        "kind": "singleType" if single else "collectionType",
        "collectionName": _snake(plural),
        "info": {"singularName": name, "pluralName": plural, "displayName": _class_name(name)},
        "options": {"draftAndPublish": draft_and_publish},
        "pluginOptions": {},
        "attributes": attributes,
    }
    base = f"src/api/{api}"
    cls = _class_name(name)
    return {
        f"{base}/content-types/{name}/schema.json": json.dumps(schema, indent=2) + "\n",
        f"{base}/routes/{name}.py": f'"""{uid}: Strapi\'s core routes (find, findOne, create, update, delete)."""\n\n'
                                    f"from minikoa import core_router\n\nroutes = core_router({uid!r})\n",
        f"{base}/controllers/{name}.py": f'"""{uid}: the core controller; override an action and call super()."""\n\n'
                                         f"from minikoa import core_controller\n\n\n"
                                         f"class {cls}Controller(core_controller({uid!r})):\n    pass\n\n\n"
                                         f"controller = {cls}Controller\n",
        f"{base}/services/{name}.py": f'"""{uid}: the core service; override a method and call super()."""\n\n'
                                      f"from minikoa import core_service\n\n\n"
                                      f"class {cls}Service(core_service({uid!r})):\n    pass\n\n\n"
                                      f"service = {cls}Service\n",
    }


def _controller(api: str, name: str) -> str:
    return (f'"""api::{api}.{name}: a controller; each method taking ctx is an action a route names '
            f'("{name}.index")."""\n\n'
            f"from minikoa import Controller\n\n\n"
            f"class {_class_name(name)}Controller(Controller):\n"
            f"    def index(self, ctx):\n"
            f"        return {{\"data\": \"ok\"}}\n\n\n"
            f"controller = {_class_name(name)}Controller\n")


def _service(api: str, name: str) -> str:
    return (f'"""api::{api}.{name}: a service (app.service("api::{api}.{name}"))."""\n\n'
            f"from minikoa import Service\n\n\n"
            f"class {_class_name(name)}Service(Service):\n"
            f"    def example(self):\n"
            f"        return \"ok\"\n\n\n"
            f"service = {_class_name(name)}Service\n")


def _api(name: str) -> dict[str, str]:
    cls, base = _class_name(name), f"src/api/{name}"
    return {
        f"{base}/routes/{name}.py": f'"""Routes of the {name} api, under the /api prefix."""\n\n'
                                    f"routes = [\n"
                                    f"    {{\"method\": \"GET\", \"path\": \"/{name}\", "
                                    f"\"handler\": \"{name}.exampleAction\", \"config\": {{\"policies\": [], "
                                    f"\"middlewares\": []}}}},\n]\n",
        f"{base}/controllers/{name}.py": f'"""api::{name}.{name}: the actions of the {name} api\'s routes."""\n\n'
                                         f"from minikoa import Controller\n\n\n"
                                         f"class {cls}Controller(Controller):\n"
                                         f"    def example_action(self, ctx):\n"
                                         f"        return {{\"data\": self.app.service(\"api::{name}.{name}\")"
                                         f".example()}}\n\n\n"
                                         f"controller = {cls}Controller\n",
        f"{base}/services/{name}.py": _service(name, name),
    }


def _policy(uid: str) -> str:
    return (f'"""{uid}: a policy. Return True (or None) to let the request through; anything else, or\n'
            f'raising PolicyError(message, details), refuses it with 403."""\n\n'
            f"from minikoa import PolicyError  # noqa: F401 - for refusals with a message\n\n\n"
            f"def policy(ctx, config, app):\n"
            f"    return True\n")


def _middleware(uid: str) -> str:
    return (f'"""{uid}: a middleware factory; the middleware runs before its yield on the way in and after it\n'
            f'on the way out."""\n\n\n'
            f"def middleware(config, app):\n"
            f"    def run(ctx):\n"
            f"        yield\n\n"
            f"    return run\n")


def files_for(kind: str, name: str, api: str | None, attributes: list[str], plural: str | None = None,
              single: bool = False, draft_and_publish: bool = False) -> dict[str, str]:
    """What ``minikoa generate <kind> <name>`` writes, relative to the project folder."""
    check_name(name, kind)
    if api is not None:
        check_name(api, "api")
    if attributes and kind != "content-type":
        raise UsageError(f"only a content-type takes attributes, not a {kind}")
    if kind == "api":
        return _api(name)
    if kind == "content-type":
        parsed = dict(parse_attribute(spec) for spec in attributes)
        if len(parsed) != len(attributes):
            raise UsageError("an attribute is given twice")
        return content_type_files(api or name, name, parsed, plural=plural, single=single,
                                  draft_and_publish=draft_and_publish)
    if kind in ("controller", "service"):
        owner = api or name
        text = _controller(owner, name) if kind == "controller" else _service(owner, name)
        return {f"src/api/{owner}/{kind}s/{name}.py": text}
    folder, uid = (f"src/api/{api}", f"api::{api}.{name}") if api else ("src", f"global::{name}")
    if kind == "policy":
        return {f"{folder}/policies/{name}.py": _policy(uid)}
    return {f"{folder}/middlewares/{name}.py": _middleware(uid)}


def _run(args: argparse.Namespace) -> int:
    root = Path(args.project)
    if not (root / "src").is_dir() and not (root / "config").is_dir():
        raise UsageError(f"{root.resolve()} is not a project folder (no config/ or src/): run it in one, "
                         "or give --project PATH")
    written = write(root, files_for(args.kind, args.name, args.api, args.attributes, args.plural, args.single,
                                    args.draft_and_publish))
    for path in written:
        print(f"created {path}")
    if args.kind == "content-type":
        uid = f"api::{args.api or args.name}.{args.name}"
        plural = args.plural or plural_of(args.name)
        actions = ", ".join(f'"{uid}.{a}"' for a in (("find",) if args.single else ("find", "findOne")))
        print(f"\n/api/{plural} is closed until a role is granted its actions, e.g. in src/index.py's bootstrap:\n"
              f"  app.permissions.grant(\"public\", [{actions}])")
    return 0


def add_commands(sub: Any) -> None:
    parser = sub.add_parser(
        "generate", help="write a new api, controller, service, policy, middleware or content-type",
        description="Write the files of a new api, controller, service, policy, middleware or\n"
                    "content-type, as Strapi's generators do, in Python. Existing files are never\noverwritten.",
        epilog="examples:\n  minikoa generate content-type book title:string:required pages:integer\n"
               "  minikoa generate policy is-owner --api book",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=KINDS, metavar="KIND", help=f"one of: {', '.join(KINDS)}")
    parser.add_argument("name", metavar="NAME", help="kebab-case name (book, blog-post)")
    parser.add_argument("attributes", nargs="*", metavar="ATTRIBUTE",
                        help="content-type only: name:type[:required][:unique][:private]")
    parser.add_argument("--api", help="the api it belongs to (default: an api named NAME; policies and "
                                      "middlewares: the whole project)")
    parser.add_argument("--project", default=".", metavar="PATH", help="the project folder (default: .)")
    parser.add_argument("--plural", help="content-type only: the plural name (default: NAME + s, es or ies)")
    parser.add_argument("--single", action="store_true", help="content-type only: a single type")
    parser.add_argument("--draft-and-publish", action="store_true",
                        help="content-type only: with drafts and published versions")
    parser.set_defaults(run=_run)
