"""``minikoa routes | content-types | policies | middlewares | services | controllers``: a project, listed.

Each listing loads the project with ``App.load(path, build=False)``: every
file is read and every name checked, but nothing runs, so a listing changes
nothing on disk (no database file, no secret in ``.tmp``, no folder) and
starts no thread: it is safe on a production checkout.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from typing import Any

from ..app import App, Route
from ..middlewares import BUILTINS

__all__ = ["add_commands"]


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Rows in columns as wide as their widest cell, two spaces apart (the last column not padded)."""
    rows = [list(headers)] + [list(r) for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(headers))]
    return "\n".join("  ".join(cell.ljust(widths[i]) if i < len(headers) - 1 else cell
                               for i, cell in enumerate(row)).rstrip() for row in rows)


def _auth(app: App, route: Route) -> str:
    """Who may call ``route``: ``none`` (no check), ``role`` (a role or token granted its action),
    ``scope:<actions>`` (its ``config.auth.scope``), ``credentials`` (an empty scope: a token checked)."""
    if app.auth is None:
        return "none"
    needed = app.auth.actions_of(route)
    if needed is None:
        return "none"
    if not needed:
        return "credentials"
    if route.action is not None and needed == (route.action,):
        return "role"
    return "scope:" + ",".join(needed)


def routes(app: App) -> str:
    rows = [(r.method, r.path, r.name, _auth(app, r), ", ".join(r.policy_names) or "-",
             ", ".join(r.middleware_names) or "-") for r in app.routes]
    table = _table(("METHOD", "PATH", "HANDLER", "AUTH", "POLICIES", "MIDDLEWARES"), rows)
    return f"{table}\n\nglobal middlewares: {', '.join(app.global_middlewares)}"


def content_types(app: App) -> str:
    rows = []
    for uid in app.content_types:
        ctype = app.content_types[uid]
        rows.append((uid, ctype.kind, getattr(ctype, "table", "") or "-", str(len(ctype.attributes)),
                     ctype.source))
    for uid, component in sorted(app.content_types.components.items()):
        rows.append((uid, "component", component.table, str(len(component.attributes)), component.source))
    return _table(("UID", "KIND", "TABLE", "ATTRIBUTES", "SOURCE"), rows)


def _registry(registry: Any, builtins: Iterable[str] = ()) -> str:
    rows = [(uid, registry.source(uid) or "-") for uid in sorted(registry)]
    rows += [(f"minikoa::{name}", "built-in") for name in builtins]
    return _table(("UID", "SOURCE"), rows)


LISTINGS = {
    "routes": ("the routes: method, path, handler, auth, policies, middlewares", routes),
    "content-types": ("the content-types and components", content_types),
    "policies": ("the policies by UID", lambda app: _registry(app.policies)),
    "middlewares": ("the middlewares by UID, the built-ins included", lambda app: _registry(app.middlewares, BUILTINS)),
    "services": ("the services by UID", lambda app: _registry(app.services)),
    "controllers": ("the controllers by UID", lambda app: _registry(app.controllers)),
}


def _run(args: argparse.Namespace) -> int:
    app = App.load(args.project, build=False)
    print(LISTINGS[args.command][1](app))
    return 0


def add_commands(sub: Any) -> None:
    """Add one subcommand per listing to ``sub`` (argparse's subparsers)."""
    for name, (what, _) in LISTINGS.items():
        parser = sub.add_parser(name, help=f"list {what} (changes nothing)",
                                description=f"List {what} of the project at PATH (default: the current "
                                            "folder). Nothing runs and nothing is written.")
        parser.add_argument("project", nargs="?", default=".", metavar="PATH")
        parser.set_defaults(run=_run)
