"""The MIME type of an uploaded file, from its first bytes before its name.

A client names a file as it likes; the bytes say what it is. The signature
table covers the types a media library meets (images, PDF, archives, audio
and video containers); a file none of them matches gets the type its
extension maps to, then ``application/octet-stream``. A ZIP container keeps
the extension's type when that type is ZIP-based (``.docx``, ``.xlsx``,
``.epub``...), as those files are ZIPs by design.
"""

from __future__ import annotations

import mimetypes
from typing import IO

__all__ = ["sniff", "HEAD_SIZE"]

#: How many leading bytes the signatures need.
HEAD_SIZE = 64

_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"BM", "image/bmp"),
    (0, b"\x00\x00\x01\x00", "image/x-icon"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (0, b"OggS", "audio/ogg"),
    (0, b"fLaC", "audio/x-flac"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"\x1aE\xdf\xa3", "video/webm"),
)
# RIFF containers and ISO media name their kind a few bytes in.
_RIFF = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
_BRANDS = {b"avif": "image/avif", b"avis": "image/avif", b"heic": "image/heic", b"heix": "image/heic",
           b"mif1": "image/heif", b"qt  ": "video/quicktime", b"M4A ": "audio/mp4"}


def _from_bytes(head: bytes) -> str | None:
    for offset, magic, mime in _SIGNATURES:
        if head.startswith(magic, offset):
            return mime
    if head[:4] == b"RIFF" and head[8:12] in _RIFF:
        return _RIFF[head[8:12]]
    if head[4:8] == b"ftyp":
        return _BRANDS.get(head[8:12], "video/mp4")
    return None


def sniff(stream: IO[bytes], filename: str) -> str:
    """The MIME type of the file in ``stream`` (read from its start; the position is put back)."""
    position = stream.tell()
    stream.seek(0)
    head = stream.read(HEAD_SIZE)
    stream.seek(position)
    by_name = mimetypes.guess_type(filename, strict=False)[0]
    found = _from_bytes(head)
    if found is None:
        return by_name or "application/octet-stream"
    if found == "application/zip" and by_name and (by_name.endswith(("+zip", ".document", ".sheet",
                                                                   ".presentation")) or by_name in _ZIP_BASED):
        return by_name
    return found


_ZIP_BASED = frozenset({"application/epub+zip", "application/java-archive", "application/vnd.android.package-archive",
                        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
                        "application/vnd.oasis.opendocument.presentation"})
