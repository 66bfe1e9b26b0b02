"""Routing: a segment trie from ``(method, path)`` to a handler, compiled to code once.

``router`` holds the trie and its patterns (koa-router's syntax);
``compiler`` turns the frozen trie into one generated matching function.
"""

from .router import RouteError, Router, parse_pattern

__all__ = ["Router", "RouteError", "parse_pattern"]
