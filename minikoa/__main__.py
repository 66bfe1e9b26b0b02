"""``python -m minikoa``: look at a project, or serve it with gunicorn.

    python -m minikoa routes examples/blog      the route table
    python -m minikoa serve examples/blog       gunicorn, host and port from config/server.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from .app import App
from .project.loader import LoadError


def _routes(args: argparse.Namespace) -> int:
    app = App.load(args.project)
    rows = [r.as_dict() for r in app.routes]
    widths = [max([len(h)] + [len(str(row[k])) for row in rows]) for h, k in
              (("METHOD", "method"), ("PATH", "path"), ("HANDLER", "handler"))]
    print(f"{'METHOD':<{widths[0]}}  {'PATH':<{widths[1]}}  {'HANDLER':<{widths[2]}}  POLICIES / MIDDLEWARES")
    for row in rows:
        extras = ", ".join(row["policies"] + [f"mw:{m}" for m in row["middlewares"]])
        print(f"{row['method']:<{widths[0]}}  {row['path']:<{widths[1]}}  {row['handler']:<{widths[2]}}  {extras}")
    print(f"\nglobal middlewares: {', '.join(app.global_middlewares)}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    project = str(Path(args.project).resolve())
    app = App.load(project)  # fail here, with the file at fault, rather than in every worker
    host = args.host or app.config.get("server.host", "127.0.0.1")
    port = args.port or app.config.get("server.port", 1337)
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    if gunicorn is None:
        print("gunicorn is not installed", file=sys.stderr)
        return 1
    argv = [gunicorn, "--bind", f"{host}:{port}", "--workers", str(args.workers),
            "--access-logfile", "-", f"minikoa.wsgi:create_app({project!r})"]
    os.execv(gunicorn, argv)
    return 0  # pragma: no cover - execv does not return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minikoa", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    routes = sub.add_parser("routes", help="print the route table of a project")
    routes.add_argument("project", nargs="?", default=".")
    routes.set_defaults(run=_routes)
    serve = sub.add_parser("serve", help="serve a project with gunicorn")
    serve.add_argument("project", nargs="?", default=".")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=2)
    serve.set_defaults(run=_serve)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
