"""Images: dimensions, Strapi's formats and size optimization, all with Pillow.

Strapi makes, for an image it can resize (JPEG, PNG, WebP, TIFF, AVIF where
Pillow reads it; a still GIF), a ``thumbnail`` that fits inside 245x156, then
one format per breakpoint (``large`` 1000, ``medium`` 750, ``small`` 500 by
default) that fits inside a square of that side. A format is made only when
the original is larger than its box in one dimension. With ``sizeOptimization`` an
original is re-encoded (quality 80, progressive JPEG, optimized PNG) and the
result kept only when it is smaller; ``autoOrientation`` turns an image the
way its EXIF orientation says before anything else.

Images above ``MAX_PIXELS`` are kept as they are, with their dimensions but
no formats: decoding one would take more memory than a worker should give to
one request (Pillow reads the dimensions from the header without decoding).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["Picture", "Resized", "probe", "THUMBNAIL", "MAX_PIXELS", "resize", "optimize"]

#: The thumbnail's box, as Strapi's.
THUMBNAIL = (245, 156)
#: The most pixels an image may have to get formats or be optimized (Pillow warns at 89 million).
MAX_PIXELS = 40_000_000
# Pillow's name of each format Strapi resizes, and the MIME type it writes.
_RESIZABLE = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "TIFF": "image/tiff",
              "GIF": "image/gif", "AVIF": "image/avif"}
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 80, "progressive": True, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80},
    "AVIF": {"quality": 80},
    "TIFF": {"compression": "tiff_deflate"},
    "GIF": {"optimize": True},
}


@dataclass(frozen=True)
class Picture:
    """What Pillow found in an uploaded file: its size, its format, whether Strapi would resize it."""

    width: int
    height: int
    format: str
    resizable: bool


@dataclass(frozen=True)
class Resized:
    """A format written to a temporary file (the caller stores, then removes it)."""

    path: str
    width: int
    height: int
    size: int


def probe(stream: IO[bytes]) -> Picture | None:
    """The picture in ``stream`` (read from its start; put back there), or None when it is not one."""
    stream.seek(0)
    try:
        with Image.open(stream) as image:
            width, height = image.size
            kind = image.format or ""
            animated = bool(getattr(image, "is_animated", False))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        stream.seek(0)
    resizable = kind in _RESIZABLE and not animated and width * height <= MAX_PIXELS
    return Picture(width, height, kind, resizable)


@contextmanager
def _opened(stream: IO[bytes], orient: bool) -> Iterator[Image.Image]:
    stream.seek(0)
    with Image.open(stream) as image:
        image.load()
        yield ImageOps.exif_transpose(image) if orient else image
    stream.seek(0)


def _save(image: Image.Image, kind: str, folder: str | None, optimized: bool) -> Resized:
    handle, path = tempfile.mkstemp(prefix="minikoa-format-", dir=folder)
    os.close(handle)
    options = _SAVE_OPTIONS.get(kind, {}) if optimized else {}
    if kind == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    try:
        image.save(path, format=kind, **options)
    except Exception:
        os.unlink(path)
        raise
    return Resized(path, image.width, image.height, os.path.getsize(path))


def resize(stream: IO[bytes], picture: Picture, box: tuple[int, int], *, orient: bool, optimized: bool,
           folder: str | None = None) -> Resized | None:
    """The image fitted inside ``box`` (never enlarged), or None when it already fits."""
    width, height = picture.width, picture.height
    if width <= box[0] and height <= box[1]:
        return None
    with _opened(stream, orient) as image:
        scale = min(box[0] / image.width, box[1] / image.height)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        return _save(image.resize(size, Image.Resampling.LANCZOS), picture.format, folder, optimized)


def optimize(stream: IO[bytes], picture: Picture, *, orient: bool, folder: str | None = None) -> Resized:
    """The image re-encoded (and turned upright when ``orient``), for the caller to keep if smaller."""
    with _opened(stream, orient) as image:
        return _save(image, picture.format, folder, True)
