"""The ``minikoa`` command (also ``python -m minikoa``): create, generate, list, serve and explore projects.

::

    minikoa new PATH                      a project that runs at once
    minikoa develop [PATH]                serve, reloading on every change (--bind)
    minikoa start [PATH]                  serve with gunicorn (--bind, --workers, --threads, --log-level)
    minikoa routes [PATH]                 the route table; also content-types, policies, middlewares,
                                          services, controllers (listings change nothing)
    minikoa generate KIND NAME            api, controller, service, policy, middleware, content-type
    minikoa openapi [PATH]                the OpenAPI document
    minikoa console [PATH]                a Python shell with `app`

One module per command group; this one only builds the parser and turns
failures into messages and exit codes: 2 for bad usage, 1 for a project
that does not load (the file, the line, the name at fault, no traceback
unless ``--debug``).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from .. import __version__
from ..project.loader import LoadError
from . import console, develop, generate, listings, new, server
from .errors import CliError, locate

__all__ = ["main", "parser"]


def parser() -> argparse.ArgumentParser:
    """The command line of ``minikoa``."""
    top = argparse.ArgumentParser(
        prog="minikoa", epilog="`minikoa COMMAND --help` tells more of each command.",
        description="Strapi's back-end model in Python: create, generate, list, serve and explore minikoa projects.")
    top.add_argument("--version", action="version", version=f"minikoa {__version__}")
    top.add_argument("--debug", action="store_true", help="show the traceback of an error (anywhere on the line)")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    new.add_commands(sub)
    develop.add_commands(sub)
    server.add_commands(sub)
    listings.add_commands(sub)
    generate.add_commands(sub)
    console.add_commands(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command ``argv`` (default: ``sys.argv[1:]``); its exit code (argparse exits 2 itself on bad usage)."""
    words = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in words  # after the command too: `minikoa routes --debug`
    args = parser().parse_args([w for w in words if w != "--debug"])
    args.debug = debug
    try:
        return int(args.run(args))
    except CliError as exc:
        _report(str(exc), exc, args.debug)
        return exc.code
    except LoadError as exc:
        _report(locate(str(exc)), exc, args.debug)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `minikoa routes | head`: the reader has gone, which is not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _report(message: str, exc: BaseException, debug: bool) -> None:
    if debug:
        traceback.print_exception(exc)
    print(f"minikoa: error: {message}", file=sys.stderr)
