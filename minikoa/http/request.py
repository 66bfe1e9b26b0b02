"""``ctx.request``: Werkzeug's Request, held to the limits ``ctx.request_body`` applies.

A handler may read the body through Werkzeug (``get_json()``, ``get_data()``,
``form``, ``files``) instead of ``ctx.request_body``; either way the same body
limits (``app.body_limits``, koa-body's) hold, the same framing and encoding
errors answer 400, 413 or 415, and the same JSON is refused. The limit is the
one for the type the request declares: JSON, form, text, or the multipart total;
a type minikoa does not parse gets the largest of the in-memory ones (JSON, form,
text), as its body is read into memory whole.

Bodies other than multipart are read once through ``read_raw`` and shared with
``ctx.request_body``, whichever asks first; multipart bodies are streamed into
Werkzeug's parser, so uploaded files spool to disk instead of memory.
"""

from __future__ import annotations

import io
import sys
from tempfile import SpooledTemporaryFile
from typing import IO, Any, cast

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wrappers import Request as WerkzeugRequest

from ..errors import PayloadTooLargeError
from . import jsoncodec
from .body import DEFAULT_LIMITS, BodyLimits, json_error, media_type, read_raw
from .bodystream import BodyStream, too_large

__all__ = ["Request", "FileTooLarge"]

#: formidable's ``maxFieldsSize`` (20 MB), the most text a multipart body's fields may hold;
#: Werkzeug applies it to each field.
FORM_FIELDS_LIMIT = 20 * 1024 * 1024
#: formidable's ``maxFields``: the most parts in one multipart body.
FORM_PARTS_LIMIT = 1000
#: Upload bytes kept in memory before a file part spools to disk (Werkzeug's default).
_SPOOL = 500 * 1024


class _JSON:
    """What Werkzeug's ``get_json`` parses with: the body parser's strict JSON (``jsoncodec.loads_strict``)."""

    loads = staticmethod(jsoncodec.loads_strict)
    dumps = staticmethod(jsoncodec.dumps)


class FileTooLarge(PayloadTooLargeError):
    """413: one uploaded file passed the per-file limit (``filename`` and ``limit`` say which and how much)."""

    error_name = "PayloadTooLargeError"

    def __init__(self, filename: str | None, limit: int) -> None:
        super().__init__(f"File {filename!r} is larger than the limit")
        self.filename = filename
        self.limit = limit


class _CappedFile(SpooledTemporaryFile[bytes]):
    """An uploaded file's storage that refuses to grow past the per-file limit (413)."""

    def __init__(self, cap: int, filename: str | None) -> None:
        super().__init__(max_size=_SPOOL, mode="rb+")
        self._cap = cap
        self._filename = filename
        self._size = 0

    def write(self, data: bytes, /) -> int:  # type: ignore[override]  # bytes only: mode is rb+
        self._size += len(data)
        if self._size > self._cap:
            raise FileTooLarge(self._filename, self._cap)
        return super().write(data)


class Request(WerkzeugRequest):
    """The Werkzeug request ``ctx.request`` is, with ``limits`` applied to its body."""

    json_module = _JSON  # type: ignore[assignment]  # Werkzeug uses only loads and dumps
    max_form_memory_size = FORM_FIELDS_LIMIT
    max_form_parts = FORM_PARTS_LIMIT

    def __init__(self, environ: dict[str, Any], limits: BodyLimits = DEFAULT_LIMITS,
                 populate_request: bool = True, shallow: bool = False) -> None:
        super().__init__(environ, populate_request, shallow)
        self.limits = limits
        #: The limit for this request's body; set it before the body is read to change it.
        self.max_content_length = limits.for_type(media_type(environ))

    @cached_property
    def stream(self) -> IO[bytes]:
        """The body, bounded and framed (see ``minikoa.http.bodystream``); readable once, like Werkzeug's."""
        if self.shallow:
            raise RuntimeError("This request was created with 'shallow=True': reading the body is disabled.")
        limit = self.max_content_length
        if limit is None:  # the handler lifted the limit itself
            limit = sys.maxsize
        if media_type(self.environ) == "multipart/form-data":
            return cast(IO[bytes], BodyStream(self.environ, limit))
        return io.BytesIO(read_raw(self.environ, limit))

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None, content_length: int | None = None) -> IO[bytes]:
        return _CappedFile(self.limits.multipart_file, filename)

    def _load_form_data(self) -> None:
        # Werkzeug's own limits (a field too large, too many parts) raise its 413; Strapi's words instead.
        try:
            super()._load_form_data()
        except RequestEntityTooLarge:
            raise too_large() from None

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if e is None:  # not a JSON request: Werkzeug's 415
            return super().on_json_loading_failed(e)
        raise json_error(e)
