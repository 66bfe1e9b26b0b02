"""Where uploaded files live: the provider seam and the local provider.

A provider stores the bytes of a file under a key (``<hash><ext>``, or
``<format>_<hash><ext>`` for a format) and says at which URL they are
served; the upload service keeps everything else (the database row, the
formats, the links). Strapi's providers have the same shape (``upload``,
``delete``); a cloud provider implements ``Provider`` and is named in
``config/plugins.py``:

    "upload": {"config": {"provider": MyS3Provider(bucket="media")}}

so that several app servers share one store. The name a provider gives
(``provider.name``) is written into each file's row (``provider``), with
whatever it returns as ``provider_metadata``.

``LocalProvider`` writes under ``public/uploads`` of the project and answers
``/uploads/<key>``, which the plugin serves (``GET``/``HEAD /uploads/*``).
It writes to a temporary name in the same folder and renames it into place,
so a reader never sees half a file and a failed write leaves nothing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

__all__ = ["Provider", "Stored", "LocalProvider", "valid_key"]


@dataclass(frozen=True)
class Stored:
    """Where a provider put a file: its public URL and anything it needs to find it again."""

    url: str
    metadata: dict[str, Any] | None = None


@runtime_checkable
class Provider(Protocol):
    """What the upload service asks of a store."""

    #: The name written into each file's ``provider`` column (``"local"``, ``"aws-s3"``...).
    name: str

    def upload(self, key: str, source: IO[bytes], mime: str) -> Stored:
        """Store the bytes ``source`` holds (read from its current position) under ``key``."""
        ...

    def delete(self, key: str, metadata: dict[str, Any] | None) -> None:
        """Remove what ``upload`` stored under ``key``; a key that is already gone is no error."""
        ...


def valid_key(key: str) -> bool:
    """Whether ``key`` is one flat file name (the service makes them; this guards the seam)."""
    return bool(key) and "/" not in key and "\\" not in key and "\0" not in key and key not in (".", "..") \
        and not key.startswith(".")


class LocalProvider:
    """Files in a folder (``public/uploads`` of the project), served at ``/uploads/<key>``."""

    name = "local"

    def __init__(self, folder: str | os.PathLike[str], url_prefix: str = "/uploads") -> None:
        self.folder = Path(folder)
        self.url_prefix = url_prefix.rstrip("/")

    def upload(self, key: str, source: IO[bytes], mime: str) -> Stored:
        if not valid_key(key):
            raise ValueError(f"not a file key: {key!r}")
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".part-", dir=self.folder)
        try:
            with os.fdopen(handle, "wb") as out:
                shutil.copyfileobj(source, out, 256 * 1024)
            os.chmod(temporary, 0o644)
            os.replace(temporary, self.folder / key)
        except BaseException:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
            raise
        return Stored(f"{self.url_prefix}/{key}")

    def delete(self, key: str, metadata: dict[str, Any] | None) -> None:
        if not valid_key(key):
            raise ValueError(f"not a file key: {key!r}")
        try:
            os.unlink(self.folder / key)
        except FileNotFoundError:
            pass
