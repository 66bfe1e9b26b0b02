"""Request bodies: JSON, urlencoded, text and multipart, within limits.

``ctx.request_body`` parses on first use (what Strapi calls
``ctx.request.body``), with koa-body's default limits: 1 MB of JSON, 56 kB of
form or text, 200 MB per uploaded file. A body over its limit is refused with
413 before more than ``limit + 1`` bytes are read; a declared
``Content-Length`` over the limit is refused without reading at all. Reading
itself (framing errors, short bodies, ``Content-Encoding``) is
``minikoa.http.bodystream``'s business.

JSON is read as JavaScript's ``JSON.parse`` reads it, and must be valid
Unicode: ``NaN``, ``Infinity`` and a lone surrogate (``"\\ud800"``, which no
database or UTF-8 encoder takes) are refused with 400 here, at the door, rather
than fail deep inside a handler. Text and form bodies decoded from another
charset get the same check.

The bytes read are put back into the WSGI environ (decoded, when they came
with a ``Content-Encoding``), so ``ctx.request`` (Werkzeug) can still see the
same body afterwards.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import HttpError, UnsupportedMediaTypeError, ValidationError
from . import jsoncodec
from .bodystream import BodyStream, too_large
from .querystring import QueryStringError, parse_qs

if TYPE_CHECKING:
    from .context import Context

__all__ = ["BodyLimits", "MalformedBodyError", "parse_body", "read_raw", "media_type", "has_body", "json_error"]

_MB = 1024 * 1024
_KB = 1024


@dataclass(frozen=True)
class BodyLimits:
    """Byte limits per kind of body (koa-body's defaults)."""

    json: int = 1 * _MB
    form: int = 56 * _KB
    text: int = 56 * _KB
    multipart_file: int = 200 * _MB
    #: Total size of a multipart body (all files and fields).
    multipart_total: int = 200 * _MB
    #: Whether multipart bodies are parsed at all (koa-body's ``multipart``).
    multipart: bool = True

    def for_type(self, mtype: str) -> int:
        """The limit on a body of media type ``mtype`` (lower-case, no parameters, as ``media_type`` gives).

        A type no parser here reads gets the largest of the limits on bodies read into memory whole.
        """
        if _is_json(mtype):
            return self.json
        if mtype == "application/x-www-form-urlencoded":
            return self.form
        if mtype.startswith("text/"):
            return self.text
        if mtype == "multipart/form-data":
            return self.multipart_total
        return max(self.json, self.form, self.text)


DEFAULT_LIMITS = BodyLimits()

_JSON_TYPES = frozenset({
    "application/json", "application/json-patch+json", "application/vnd.api+json",
    "application/csp-report",
})


class MalformedBodyError(HttpError):
    """400 for a body that does not parse; named ``SyntaxError`` as Strapi names it."""

    status = 400
    error_name = "SyntaxError"

    def __init__(self, message: str) -> None:
        super().__init__(400, message)
        self.details = None


def json_error(exc: ValueError) -> MalformedBodyError:
    """The 400 for a JSON body that ``jsoncodec.loads_strict`` refused with ``exc``."""
    if isinstance(exc, UnicodeDecodeError):
        return MalformedBodyError("Malformed JSON body: not valid UTF-8")
    if isinstance(exc, json.JSONDecodeError):
        return MalformedBodyError(f"Malformed JSON body: {exc.msg} at position {exc.pos}")
    return MalformedBodyError(f"Malformed JSON body: {exc}")


def media_type(environ: dict[str, Any]) -> str:
    """The request's media type, lowercased, without parameters (``""`` if none)."""
    ctype = environ.get("CONTENT_TYPE", "")
    return ctype.split(";", 1)[0].strip().lower() if ctype else ""


def has_body(environ: dict[str, Any]) -> bool:
    """Whether the request carries a body (a non-zero length, or chunked)."""
    length = environ.get("CONTENT_LENGTH")
    if length and length.strip() not in ("", "0"):
        return True
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


def _charset(environ: dict[str, Any]) -> str:
    for part in environ.get("CONTENT_TYPE", "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"') or "utf-8"
    return "utf-8"


def read_raw(environ: dict[str, Any], limit: int) -> bytes:
    """Read the body, at most ``limit`` bytes (413 beyond), and replay it into ``environ``.

    Read once per request, whoever asks first; a body that came with a
    ``Content-Encoding`` is replayed decoded, without that header.
    """
    cached = environ.get("minikoa.raw_body")
    if cached is not None:
        if len(cached) > limit:
            raise too_large()
        return cached
    data = BodyStream(environ, limit).readall()
    environ["minikoa.raw_body"] = data
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ.pop("HTTP_CONTENT_ENCODING", None)
    return data


def _decode(raw: bytes, environ: dict[str, Any], kind: str) -> str:
    """A form or text body as text, in its declared charset (UTF-8 by default); 400 if it is not that."""
    try:
        text = raw.decode(_charset(environ))
    except (UnicodeDecodeError, LookupError):
        text = None
    # Some codecs (utf-7, unicode_escape) can decode to lone surrogates, which are not text.
    if text is None or jsoncodec.SURROGATE.search(text):
        raise MalformedBodyError(f"Malformed {kind} body: bad character encoding")
    return text


def _is_json(mtype: str) -> bool:
    return mtype in _JSON_TYPES or (mtype.startswith("application/") and mtype.endswith("+json"))


def parse_body(ctx: Context, limits: BodyLimits = DEFAULT_LIMITS) -> tuple[Any, dict[str, Any]]:
    """``(body, files)`` for the request in ``ctx``.

    JSON gives any JSON value (``{}`` for an empty body, as koa-body does);
    urlencoded a dict parsed with Strapi's ``qs`` rules; ``text/*`` a str;
    multipart a dict of fields and a dict of Werkzeug ``FileStorage``. A
    request without a body gives ``(None, {})``; a body of any other type
    (or of no declared type) is 415: the handler asked for a body it cannot
    be given.
    """
    environ = ctx.environ
    mtype = media_type(environ)
    if not mtype:
        if has_body(environ):
            raise UnsupportedMediaTypeError("A request body needs a Content-Type")
        return None, {}
    if _is_json(mtype):
        raw = read_raw(environ, limits.json)
        if not raw.strip():
            return {}, {}
        try:
            return jsoncodec.loads_strict(raw), {}
        except ValueError as exc:
            raise json_error(exc) from None
    if mtype == "application/x-www-form-urlencoded":
        text = _decode(read_raw(environ, limits.form), environ, "form")
        try:
            return parse_qs(text), {}
        except QueryStringError as exc:
            raise ValidationError(exc.message, {**exc.details, "source": "body"}) from None
    if mtype.startswith("text/"):
        return _decode(read_raw(environ, limits.text), environ, "text"), {}
    if mtype == "multipart/form-data" and limits.multipart:
        return _parse_multipart(ctx)
    if not has_body(environ):
        return None, {}
    raise UnsupportedMediaTypeError(f"Unsupported request body type {mtype!r}")


def _parse_multipart(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    # ctx.request applies the app's multipart limits (the total, each file, formidable's field
    # limits) while Werkzeug parses, so a file over its limit stops with 413 before it is all on disk.
    request = ctx.request
    form, files = request.form, request.files
    body: dict[str, Any] = {}
    for key in form:
        values = form.getlist(key)
        body[key] = values[0] if len(values) == 1 else values
    out: dict[str, Any] = {}
    for key in files:
        items = files.getlist(key)
        out[key] = items[0] if len(items) == 1 else items
    return body, out
