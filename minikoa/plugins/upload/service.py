"""``plugin::upload.upload``: storing uploaded files, their formats and their rows, and removing them.

An upload is all or nothing. The bytes go to the provider first (the
original, then each format); the rows and any ``ref`` link are written in one
transaction with the ``media.create`` events, which the webhook outbox takes
with the commit. When anything fails (a bad ``ref``, a database error, a
provider error halfway through the formats) every object already stored for
the request is deleted again before the error goes on: no orphan file on
disk, no row without its file. A delete does the reverse: the row and its
links go in one transaction, and the stored objects after it commits.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from ...content.documents import now_iso
from ...content.privacy import strip
from ...content.schema import FILE_UID
from ...errors import ValidationError
from ...project.registry import Service
from .images import THUMBNAIL, Picture, Resized, optimize, probe, resize
from .naming import extension, kilobytes, make_hash
from .settings import UploadSettings
from .sniff import sniff

if TYPE_CHECKING:
    from ...content.schema import Attribute, ContentType

__all__ = ["UploadService", "Incoming", "Ref", "SERVICE"]

SERVICE = "plugin::upload.upload"
log = logging.getLogger("minikoa.upload")


@dataclass(frozen=True)
class Incoming:
    """One file of a request: its bytes (a seekable stream), the name it was sent with, its fileInfo."""

    stream: IO[bytes]
    filename: str
    name: str | None = None
    alternative_text: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Ref:
    """Link the new files to ``field`` of the entry row ``row_id`` of ``ctype`` (``ref``/``refId``/``field``)."""

    ctype: ContentType
    attribute: Attribute
    row_id: int
    document_id: str
    draft: bool


class UploadService(Service):
    """Strapi's upload service (see the module docstring); ``settings`` is bound when installed."""

    settings: UploadSettings

    # -- storing ------------------------------------------------------------

    def upload(self, files: Sequence[Incoming], ref: Ref | None = None) -> list[dict[str, Any]]:
        """Store ``files`` in the order given and answer their rows, in that order."""
        stored: list[tuple[str, dict[str, Any] | None]] = []
        try:
            prepared = [self._store(item, stored) for item in files]
            documents = self.app.documents(FILE_UID)
            with self.app.db.atomic():
                rows = [documents.create(data=data) for data in prepared]
                if ref is not None:
                    self.app.db.relations.write_owner(
                        ref.ctype, ref.attribute, ref.row_id, ref.document_id, ref.draft,
                        {"connect": [row["documentId"] for row in rows]})
                for row in rows:
                    self._emit("media.create", row)
        except BaseException:
            self._forget(stored)
            raise
        return rows

    def _store(self, item: Incoming, stored: list[tuple[str, dict[str, Any] | None]]) -> dict[str, Any]:
        """Put one file and its formats into the provider; answer the row's data."""
        settings, provider = self.settings, self.settings.provider
        stream = item.stream
        name = item.name or os.path.basename(item.filename) or "file"
        ext = extension(item.filename)
        mime = sniff(stream, item.filename)
        if not settings.type_allowed(mime):
            raise ValidationError(f"File type {mime} is not allowed", {"name": name, "mime": mime})
        file_hash = make_hash(name, ext)
        picture = probe(stream) if mime.startswith("image/") else None
        temporary: list[Resized] = []
        try:
            source, size, width, height = stream, _size(stream), None, None
            if picture is not None:
                width, height = picture.width, picture.height
            if picture is not None and picture.resizable and (settings.size_optimization or settings.auto_orientation):
                better = optimize(stream, picture, orient=settings.auto_orientation)
                temporary.append(better)
                turned = settings.auto_orientation and (better.width, better.height) != (width, height)
                if better.size < size or turned:
                    source = open(better.path, "rb")  # noqa: SIM115 - closed below
                    size, width, height = better.size, better.width, better.height
            try:
                key = f"{file_hash}{ext}"
                source.seek(0)
                put = provider.upload(key, source, mime)
                stored.append((key, put.metadata))
            finally:
                if source is not stream:
                    source.close()
            formats = self._formats(stream, picture, name, file_hash, ext, mime, stored, temporary) \
                if picture is not None and picture.resizable else None
        finally:
            for made in temporary:
                _unlink(made.path)
        return {"name": name, "alternativeText": item.alternative_text, "caption": item.caption,
                "focalPoint": None, "width": width, "height": height, "formats": formats or None, "hash": file_hash,
                "ext": ext, "mime": mime, "size": kilobytes(size), "url": put.url, "previewUrl": None,
                "provider": provider.name, "provider_metadata": put.metadata}

    def _formats(self, stream: IO[bytes], picture: Picture, name: str, file_hash: str, ext: str, mime: str,
                 stored: list[tuple[str, dict[str, Any] | None]], temporary: list[Resized]) -> dict[str, Any]:
        settings = self.settings
        boxes: list[tuple[str, tuple[int, int]]] = [("thumbnail", THUMBNAIL)]
        if settings.responsive_dimensions:
            boxes += [(key, (width, width)) for key, width in settings.breakpoints.items()]
        formats: dict[str, Any] = {}
        folder = tempfile.gettempdir()
        for key, box in boxes:
            made = resize(stream, picture, box, orient=settings.auto_orientation,
                          optimized=settings.size_optimization, folder=folder)
            if made is None:
                continue
            temporary.append(made)
            object_key = f"{key}_{file_hash}{ext}"
            with open(made.path, "rb") as source:
                put = settings.provider.upload(object_key, source, mime)
            stored.append((object_key, put.metadata))
            formats[key] = {"name": f"{key}_{name}", "hash": f"{key}_{file_hash}", "ext": ext, "mime": mime,
                            "path": None, "width": made.width, "height": made.height, "size": kilobytes(made.size),
                            "sizeInBytes": made.size, "url": put.url,
                            **({"provider_metadata": put.metadata} if put.metadata else {})}
        return formats

    # -- what links to files ---------------------------------------------------

    def related(self, files: Sequence[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        """The entries whose media fields hold each file, by the file's documentId: one element per link
        (an entry linking a file from two fields is there twice), each the entry's public fields with
        ``__type``, its content-type, as Strapi's ``populate=related`` answers them."""
        found: dict[str, list[dict[str, Any]]] = {str(f["documentId"]): [] for f in files}
        if not found:
            return found
        db = self.app.db.db
        q, p = db.dialect.quote, db.dialect.param
        schemas = self.app.content_types
        wanted = list(found)
        for ctype in schemas.types.values():
            links = [a for a in ctype if a.is_media and a.link is not None]
            if not links:
                continue
            pairs: list[tuple[int, str]] = []
            for attr in links:
                assert attr.link is not None
                pairs += [(int(row), str(doc)) for row, doc in db.query(
                    f"SELECT source_id, target_document_id FROM {q(attr.link.table)} WHERE target_document_id IN "
                    f"({', '.join([p] * len(wanted))}) ORDER BY id", wanted)]
            if not pairs:
                continue
            rows = sorted({row for row, _ in pairs})
            documents = self.app.documents(ctype.uid)
            statuses = ("draft", "published") if ctype.draft_and_publish else (None,)
            by_row = {int(e["id"]): e for status in statuses
                      for e in documents.find_many(filters={"id": {"$in": rows}}, status=status)}
            for row, doc in pairs:
                entry = by_row.get(row)
                if entry is not None:
                    found[doc].append({**strip(schemas, ctype, entry), "__type": ctype.uid})
        return found

    # -- changing and removing -------------------------------------------------

    def update_info(self, file: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
        """Change a file's ``name``, ``alternativeText`` and ``caption`` (``POST /api/upload?id=``)."""
        with self.app.db.atomic():
            row = self.app.documents(FILE_UID).update(file["documentId"], data=dict(info))
            assert row is not None
            self._emit("media.update", row)
        return row

    def remove(self, file: Mapping[str, Any]) -> None:
        """Delete a file's row and its links, then its stored objects (the original and every format)."""
        with self.app.db.atomic():
            self.app.documents(FILE_UID).delete(file["documentId"])
            self._emit("media.delete", file)
        self._forget(_keys(file))

    def _forget(self, stored: Sequence[tuple[str, dict[str, Any] | None]]) -> None:
        for key, metadata in stored:
            try:
                self.settings.provider.delete(key, metadata)
            except Exception:  # the store said no: the rest must still go; the log says what stayed
                log.exception("upload: could not delete %s from the %s provider", key, self.settings.provider.name)

    def _emit(self, name: str, file: Mapping[str, Any]) -> None:
        events = self.app.events
        if events.listening(name):
            content_types = self.app.content_types
            media = strip(content_types, content_types[FILE_UID], dict(file))
            events.emit(name, lambda: {"event": name, "createdAt": now_iso(), "media": media})


def _keys(file: Mapping[str, Any]) -> list[tuple[str, dict[str, Any] | None]]:
    """The stored objects of a file row: the original, then its formats."""
    ext = file.get("ext") or ""
    keys: list[tuple[str, dict[str, Any] | None]] = [(f"{file['hash']}{ext}", file.get("provider_metadata"))]
    for value in (file.get("formats") or {}).values():
        if isinstance(value, Mapping) and value.get("hash"):
            keys.append((f"{value['hash']}{value.get('ext') or ext}", value.get("provider_metadata")))
    return keys


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
