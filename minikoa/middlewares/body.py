"""``minikoa::body``: limits and kinds of request bodies.

``ctx.request_body`` and ``ctx.files`` parse the body on first use (a route
that never reads it never pays for it). This middleware sets, once, what
they accept, with koa-body's option names as Strapi passes them:
``jsonLimit`` (1mb), ``formLimit`` (56kb), ``textLimit`` (56kb),
``multipart`` (true) and ``formidable.maxFileSize`` (200mb). Sizes are bytes
or strings like ``"2mb"``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from .options import check_options, parse_size

if TYPE_CHECKING:
    from ..app import App

_KNOWN = ("jsonLimit", "formLimit", "textLimit", "multipart", "formidable")


def middleware(config: dict[str, Any], app: App) -> None:
    options = check_options("body", config, _KNOWN)
    limits = app.body_limits
    changes: dict[str, Any] = {}
    for key, field in (("jsonLimit", "json"), ("formLimit", "form"), ("textLimit", "text")):
        if key in options:
            changes[field] = parse_size("body", key, options[key])
    if "multipart" in options:
        if not isinstance(options["multipart"], bool):
            raise ValueError("minikoa::body: multipart must be true or false")
        changes["multipart"] = options["multipart"]
    formidable = options.get("formidable") or {}
    if not isinstance(formidable, dict) or set(formidable) - {"maxFileSize"}:
        raise ValueError("minikoa::body: formidable takes one option, maxFileSize")
    if "maxFileSize" in formidable:
        size = parse_size("body", "formidable.maxFileSize", formidable["maxFileSize"])
        changes["multipart_file"] = size
        changes["multipart_total"] = max(size, limits.multipart_total)
    app.body_limits = dataclasses.replace(limits, **changes)
    return None
