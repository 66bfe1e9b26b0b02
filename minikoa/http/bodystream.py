"""The request body as it comes off the wire: framed, bounded and decoded.

Every read of a request body goes through a ``BodyStream`` (``ctx.request_body``
and the Werkzeug ``ctx.request`` alike), which turns whatever can go wrong while
the body arrives into a client error in Strapi's shape, never a 500:

* a declared ``Content-Length`` over the limit: 413 before a byte is read;
* a body longer than the limit (chunked, or once decoded): 413 after at most
  ``limit + 1`` bytes;
* fewer bytes than the ``Content-Length`` declared (the client half-closed):
  400 ``Incomplete request body``;
* an exception from the server's input stream: 400. gunicorn raises its own
  classes there for a bad chunk size, a chunk without its terminator, or a
  connection closed in the middle of a chunk; they are caught by behaviour
  (any exception but MemoryError and HTTP errors), so the HTTP layer does not
  depend on one server;
* ``Content-Encoding``: ``gzip`` and ``deflate`` are decoded, as koa-body does
  (through ``inflation``), ``identity`` passes and any other value is 415. The
  limit holds for the bytes on the wire and again for the decoded bytes, so a
  decompression bomb stops with 413 once ``limit + 1`` bytes came out.

A request with neither a length nor a stream the server ends (``wsgi.input_terminated``)
has no body that can be read safely: it reads as empty rather than block.
"""

from __future__ import annotations

import sys
import zlib
from typing import Any

from werkzeug.exceptions import HTTPException

from ..errors import HttpError, PayloadTooLargeError, UnsupportedMediaTypeError

__all__ = ["BodyStream", "too_large", "DECODED_ENCODINGS"]

#: ``Content-Encoding`` values whose bodies are decoded (koa-body's); ``identity`` means none.
DECODED_ENCODINGS = frozenset({"gzip", "deflate"})

#: Bytes asked of the server per read.
_STEP = 64 * 1024

# zlib's window bits for "a gzip or a zlib header, whichever comes": what Node's zlib.Unzip
# (koa-body's decoder for both gzip and deflate) accepts.
_AUTO_HEADER = 32 + zlib.MAX_WBITS


def too_large() -> PayloadTooLargeError:
    """413 as Strapi's body parser words it (raw-body's message, no details)."""
    error = PayloadTooLargeError("request entity too large")
    error.details = None
    return error


def _bad_request(message: str) -> HttpError:
    """400 for a body that could not be read whole, named as Koa names a plain 400."""
    error = HttpError(400, message)
    error.details = None
    return error


def _declared_length(environ: dict[str, Any]) -> int | None:
    """The ``Content-Length``: None if absent or chunked; 0 if it is not a number, as Werkzeug reads it.

    A number too long to be a size (past 18 digits) is as large as can be, so it is over any limit.
    """
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return None
    value = environ.get("CONTENT_LENGTH")
    if value is None:
        return None
    value = value.strip(" \t")
    if not (value.isascii() and value.isdigit()):
        return 0
    return int(value) if len(value) <= 18 else sys.maxsize


def _encoding(environ: dict[str, Any]) -> str:
    """The body's ``Content-Encoding``, lower-cased; 415 for one that cannot be decoded."""
    value = environ.get("HTTP_CONTENT_ENCODING", "").strip().lower() or "identity"
    if value != "identity" and value not in DECODED_ENCODINGS:
        shown = value if len(value) <= 50 else value[:47] + "..."
        raise UnsupportedMediaTypeError(f"Unsupported Content-Encoding: {shown}")
    return value


class BodyStream:
    """``wsgi.input`` read as a body of at most ``limit`` bytes (see the module doc).

    Made when a handler first asks for the body: the encoding and the declared
    length are checked then, before anything is read. A plain readable stream
    (``read``, ``readinto``, ``readall``) rather than an ``io.RawIOBase``, whose
    set-up alone would cost a request more than all the rest of this.
    """

    __slots__ = ("_input", "_limit", "encoding", "_declared", "_owed", "_received", "_given", "_inflater")

    def __init__(self, environ: dict[str, Any], limit: int) -> None:
        self._input = environ["wsgi.input"]
        self._limit = limit
        self.encoding = _encoding(environ)
        self._declared = _declared_length(environ)
        if self._declared is not None:
            if self._declared > limit:
                raise too_large()
            # bytes still owed by the Content-Length; None: the server ends the stream
            self._owed: int | None = self._declared
        elif environ.get("wsgi.input_terminated"):
            self._owed = None
        else:
            self._owed = 0  # nothing can be read without risking a read that never returns
        self._received = 0  # bytes read off the wire
        self._given = 0  # bytes handed out (decoded ones, when decoding)
        self._inflater: Any = zlib.decompressobj(_AUTO_HEADER) if self.encoding != "identity" else None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes of the body (all of it when ``size`` is negative); b"" at its end."""
        if size is None or size < 0:
            return self.readall()
        if size == 0:
            return b""
        data = self._wire(size) if self._inflater is None else self._inflate(size)
        self._given += len(data)
        if self._given > self._limit:
            raise too_large()
        return data

    def readall(self) -> bytes:
        owed = self._owed
        if self._inflater is None and owed is not None:
            # The common case: a Content-Length and nothing to decode, read in as few calls as the
            # server needs (``_wire`` refuses a stream that ends short).
            data = self._wire(owed) if owed else b""
            if self._owed:
                pieces = [data]
                while self._owed:
                    pieces.append(self._wire(self._owed))
                data = b"".join(pieces)
            self._given += len(data)
            return data
        parts: list[bytes] = []
        while True:
            chunk = self.read(_STEP)
            if not chunk:
                return b"".join(parts)
            parts.append(chunk)

    def _wire(self, size: int) -> bytes:
        """Up to ``size`` bytes as the client sent them, framing checked."""
        owed = self._owed
        if owed == 0:
            return b""
        # With no length, one byte past the limit is all it takes to know the body is too large.
        size = min(size, self._limit + 1 - self._received if owed is None else owed)
        try:
            chunk = self._input.read(size)
        except (MemoryError, HttpError, HTTPException):
            raise
        except Exception:
            raise _bad_request("Malformed request body: it could not be read (bad chunked encoding, "
                               "or the connection broke)") from None
        if owed is not None:
            if not chunk:
                raise _bad_request(f"Incomplete request body: {self._received} of the {self._declared} "
                                   "bytes its Content-Length declares arrived")
            chunk = chunk[:owed]  # a stream that returns more than asked must not shift the framing
            self._owed = owed - len(chunk)
        self._received += len(chunk)
        if self._received > self._limit:
            raise too_large()
        return chunk

    def _inflate(self, size: int) -> bytes:
        """Up to ``size`` decoded bytes; zlib never produces more than asked (``max_length``)."""
        while True:
            inflater = self._inflater
            if inflater.eof:
                # One member ended; gzip allows another to follow (Node decodes them all).
                pending = inflater.unused_data or self._wire(_STEP)
                if not pending:
                    return b""
                inflater = self._inflater = zlib.decompressobj(_AUTO_HEADER)
            else:
                pending = inflater.unconsumed_tail or self._wire(_STEP)
                if not pending:
                    if self._received == 0:
                        return b""  # an encoding named for an empty body: nothing to decode
                    raise _bad_request(f"Malformed request body: the {self.encoding} data ends too soon")
            try:
                data = inflater.decompress(pending, size)
            except zlib.error:
                raise _bad_request(f"Malformed request body: not valid {self.encoding} data") from None
            if data:
                return data
