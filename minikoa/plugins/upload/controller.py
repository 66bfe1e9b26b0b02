"""``plugin::upload.content-api``: Strapi's upload routes and their answers.

Files are answered bare (an array, or one object), with ``isUrlSigned``
after Strapi's keys, as Strapi's upload controller answers them; the same
file populated inside an entry has no ``isUrlSigned``.

Where Strapi breaks, this controller does not: a ``fileInfo`` that is not
JSON, a ``ref`` to an unknown type, a ``refId`` of no entry, a ``field`` that
is not a media attribute are 400s before anything is stored (Strapi answers
500 and leaves the file on disk); several files keep the order they were sent
in, so ``fileInfo[i]`` always describes the i-th file; the list honours
``pagination`` (Strapi ignores it) and is bounded by ``maxLimit`` when none
is asked, as every list here is; a single media field linked by ``ref``
takes one file.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from ...content.query import Query
from ...content.schema import FILE_UID
from ...errors import NotFoundError, PayloadTooLargeError, ValidationError
from ...http.context import Context
from ...http.request import FileTooLarge
from ...project.registry import Controller
from ...rest.sanitize import check_query, strip_private
from .links import find_ref
from .naming import readable_size
from .service import SERVICE, Incoming, UploadService

__all__ = ["UploadController", "CONTROLLER"]

CONTROLLER = "plugin::upload.content-api"
_INFO_KEYS = ("name", "alternativeText", "caption", "folder")
_EMPTY = "Files are empty"


class UploadController(Controller):
    """Strapi's upload content API (see the module docstring)."""

    @property
    def uploads(self) -> UploadService:
        service: UploadService = self.app.service(SERVICE)
        return service

    def _out(self, entry: Any) -> Any:
        clean = strip_private(self.app.content_types, self.app.content_types[FILE_UID], entry)
        if isinstance(clean, list):
            return [{**item, "isUrlSigned": False} for item in clean]
        return {**clean, "isUrlSigned": False}

    # -- POST /upload ------------------------------------------------------------

    def upload(self, ctx: Context) -> Any:
        request = ctx.request
        limit = self.uploads.settings.size_limit
        request.limits = dataclasses.replace(request.limits, multipart_file=min(request.limits.multipart_file,
                                                                                 limit))
        try:
            files = request.files.getlist("files") if request.mimetype == "multipart/form-data" else []
            form = request.form
        except FileTooLarge as exc:
            name = exc.filename or "file"
            if exc.limit == limit:
                raise PayloadTooLargeError(f"{name} exceeds size limit of {readable_size(limit)}.", {}) from None
            raise
        file_id = ctx.query.get("id")
        infos = _file_infos(form.getlist("fileInfo"))
        if file_id is not None:
            return self._update(ctx, file_id, files, infos)
        files = [f for f in files if f.filename is not None]
        if not files:
            raise ValidationError(_EMPTY, {})
        if len(infos) > len(files):
            raise ValidationError(f"fileInfo describes {len(infos)} files but {len(files)} were sent",
                                  {"errors": [{"path": ["fileInfo"], "message": "more fileInfo than files",
                                               "name": "ValidationError"}]})
        incoming = []
        for index, storage in enumerate(files):
            info = infos[index] if index < len(infos) else {}
            incoming.append(Incoming(storage.stream, storage.filename or "file", name=info.get("name"),
                                     alternative_text=info.get("alternativeText"), caption=info.get("caption")))
        ref = find_ref(self.app, form)
        if ref is not None:
            if not ref.attribute.many and len(incoming) > 1:
                raise ValidationError(f"{ref.attribute.name} takes one file, not {len(incoming)}", {})
        rows = self.uploads.upload(incoming, ref)
        ctx.status = 201
        return self._out(rows)

    def _update(self, ctx: Context, file_id: str, files: list[Any], infos: list[dict[str, Any]]) -> Any:
        file = self._file(file_id)
        if files or len(infos) > 1:
            raise ValidationError("Replacing a file's content is not supported: upload a new file", {})
        row = self.uploads.update_info(file, infos[0] if infos else {})
        return self._out(row)

    # -- reads and delete ----------------------------------------------------------

    def _query(self, ctx: Context, keys: tuple[str, ...], **extra: Any) -> Query:
        raw = {key: ctx.query[key] for key in keys if ctx.query.get(key) is not None}
        if "populate" in raw:
            raw["populate"], _ = _without_related(raw["populate"])
            if raw["populate"] is None:
                del raw["populate"]
        return check_query(self.app.content_types, FILE_UID, {**raw, **extra}, self.app.rest_limits)

    def _with_related(self, ctx: Context, files: Any) -> Any:
        """``files`` with ``related`` when the query's populate names it (Strapi's morph relation)."""
        populate = ctx.query.get("populate")
        if populate is None or not _without_related(populate)[1]:
            return files
        listed = files if isinstance(files, list) else [files]
        related = self.uploads.related(listed)
        for file in listed:
            file["related"] = related.get(str(file["documentId"]), [])
        return files

    def _file(self, file_id: Any, ctx: Context | None = None) -> dict[str, Any]:
        """The file with numeric id ``file_id`` (as Strapi, a documentId finds nothing), else 404."""
        text = str(file_id)
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            raise NotFoundError("file.notFound", {})
        query = self._query(ctx, ("fields", "populate"), filters={"id": int(text)}) if ctx is not None else None
        found = self.app.documents(FILE_UID).find_first(query=query) if query is not None else \
            self.app.documents(FILE_UID).find_first(filters={"id": int(text)})
        if found is None:
            raise NotFoundError("file.notFound", {})
        return found

    def find(self, ctx: Context) -> Any:
        query = self._query(ctx, ("filters", "sort", "fields", "populate", "pagination"))
        limit = self.app.config.get("api.rest.maxLimit", 100)
        entries, _ = self.app.documents(FILE_UID).find_page(query=query, default_limit=limit, max_limit=limit,
                                                            with_count=False, public=True)
        return self._with_related(ctx, self._out(entries))

    def findPage(self, ctx: Context) -> Any:  # noqa: N802 - Strapi's action name
        query = self._query(ctx, ("filters", "sort", "fields", "populate", "pagination"))
        config = self.app.config
        entries, meta = self.app.documents(FILE_UID).find_page(
            query=query, default_limit=config.get("api.rest.defaultLimit", 25),
            max_limit=config.get("api.rest.maxLimit", 100), with_count=True, public=True)
        return {"data": self._with_related(ctx, self._out(entries)), "meta": meta}

    def findOne(self, ctx: Context) -> Any:  # noqa: N802 - Strapi's action name
        return self._with_related(ctx, self._out(self._file(ctx.params.get("id"), ctx)))

    def destroy(self, ctx: Context) -> Any:
        file = self._file(ctx.params.get("id"))
        self.uploads.remove(file)
        return self._out(file)


def _without_related(populate: Any) -> tuple[Any, bool]:
    """``populate`` without ``related`` (a morph relation the plugin fills itself), and whether it was there:
    ``related``, ``related,x``, ``[related, x]`` and ``{related: ...}`` name it."""
    if isinstance(populate, str):
        names = [n.strip() for n in populate.split(",")]
        if "related" not in names:
            return populate, False
        rest = [n for n in names if n != "related"]
        return (",".join(rest) or None), True
    if isinstance(populate, list):
        if "related" not in populate:
            return populate, False
        names_left = [n for n in populate if n != "related"]
        return (names_left or None), True
    if isinstance(populate, Mapping) and "related" in populate:
        others = {k: v for k, v in populate.items() if k != "related"}
        return (others or None), True
    return populate, False


def _file_infos(values: list[str]) -> list[dict[str, Any]]:
    """``fileInfo`` as sent: one JSON object, a JSON array of them, or one object per repeated field."""
    infos: list[Any] = []
    for text in values:
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            raise _bad_info("fileInfo must be JSON: an object, or an array of objects") from None
        if isinstance(value, list) and len(values) == 1:
            infos.extend(value)
        else:
            infos.append(value)
    for index, info in enumerate(infos):
        if not isinstance(info, Mapping):
            raise _bad_info("fileInfo must be an object, or an array of objects", index)
        for key, value in info.items():
            if key not in _INFO_KEYS:
                raise _bad_info(f"fileInfo: unknown key {key!r} (keys: name, alternativeText, caption)", index)
            if key != "folder" and value is not None and not isinstance(value, str):
                raise _bad_info(f"fileInfo.{key} must be a string or null", index)
            if key == "name" and (value is None or not value.strip() or "/" in value or "\\" in value
                                  or "\0" in value or len(value) > 255):
                raise _bad_info("fileInfo.name must be a file name: not empty, no slash, at most 255 characters",
                                index)
    return [dict(info) for info in infos]


def _bad_info(message: str, index: int | None = None) -> ValidationError:
    path: list[Any] = ["fileInfo"] if index is None else ["fileInfo", str(index)]
    return ValidationError(message, {"errors": [{"path": path, "message": message, "name": "ValidationError"}]})
