"""Names of stored files as Strapi makes them: the hash, the sizes in kilobytes, a readable size.

A file's ``hash`` is its name without the extension, slugged as Strapi's
``nameToSlug(name, {separator: "_", lowercase: false})`` slugs it, then ``_``
and ten random hex characters (``sunset-main.png`` -> ``sunset_main_b2f240de4a``).
The extension is taken from the original file name and removed from the name
only when the name ends with it, so a ``fileInfo.name`` of ``ocean-wide.jpg``
on a PNG keeps ``jpg`` in its hash (``ocean_wide_jpg_...``), as in Strapi.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import unicodedata

__all__ = ["slug", "make_hash", "extension", "kilobytes", "readable_size"]

# Letters the Unicode decomposition leaves alone (@sindresorhus/transliterate maps them so).
_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l",
                          "Ł": "L", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "&": " and "})
# slugify's decamelize: a space where the case changes inside a word (fooBar -> foo Bar, XMLFile -> XML File).
_CAMEL = [(re.compile(r"([A-Z]{2,})(\d+)"), r"\1 \2"), (re.compile(r"([a-z\d]+)([A-Z]{2,})"), r"\1 \2"),
          (re.compile(r"([a-z\d])([A-Z])"), r"\1 \2"), (re.compile(r"([A-Z]+)([A-Z][a-rt-z\d]+)"), r"\1 \2")]
_NOT_WORD = re.compile(r"[^a-zA-Z\d]+")
#: The longest slug kept: a file system takes 255 bytes a name, and formats add a prefix and the hash a suffix.
_MAX_SLUG = 180


def slug(name: str) -> str:
    """``name`` in ASCII letters, digits and ``_``, case kept; ``file`` when nothing is left."""
    text = unicodedata.normalize("NFKD", name.translate(_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for pattern, repl in _CAMEL:
        text = pattern.sub(repl, text)
    text = _NOT_WORD.sub("_", text).strip("_")[:_MAX_SLUG].rstrip("_")
    # Strapi would make "_<hex>" of a name with no Latin letter; a word reads better in a URL.
    return text or "file"


def extension(filename: str) -> str:
    """The original file's extension with its dot, as Node's ``path.extname`` (``""`` for none)."""
    base = os.path.basename(filename)
    dot = base.rfind(".")
    return base[dot:] if dot > 0 else ""


def make_hash(name: str, ext: str) -> str:
    """A new hash for a file called ``name`` whose original extension is ``ext``."""
    stem = name[:-len(ext)] if ext and name.endswith(ext) and name != ext else name
    return f"{slug(os.path.basename(stem))}_{secrets.token_hex(5)}"


def kilobytes(size: int) -> float:
    """Bytes as Strapi's ``size``: kilobytes of 1000 bytes, rounded to two decimals (half up)."""
    return math.floor(size / 1000 * 100 + 0.5) / 100  # JavaScript's Math.round, on the same floats


def readable_size(size: int) -> str:
    """``1048576`` -> ``1 MB``, as Strapi's ``bytesToHumanReadable`` writes a limit."""
    units = ("Bytes", "KB", "MB", "GB", "TB")
    if size <= 0:
        return "0 Bytes"
    power = min(int(math.log(size, 1000)), len(units) - 1)
    return f"{math.floor(size / 1000 ** power + 0.5)} {units[power]}"
