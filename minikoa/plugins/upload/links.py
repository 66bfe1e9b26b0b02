"""Linking new files to an entry at upload (``ref``, ``refId``, ``field``).

Strapi 5 still takes ``ref`` (a content-type UID), ``refId`` (the entry's
numeric row id) and ``field`` (a media attribute) on ``POST /api/upload``.
Here ``refId`` may also be the entry's documentId (its draft row under draft &
publish, as the admin edits it), and every mistake is a 400 naming it, found
before anything is stored: Strapi answers 500 and keeps the file.
The link is written by the relation writer, which checks the field's
``allowedTypes`` as it does for any write of a media field.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...content.schema import FILE_UID
from ...errors import ValidationError
from .service import Ref

if TYPE_CHECKING:
    from ...app import App

__all__ = ["find_ref"]


def _fail(key: str, message: str) -> ValidationError:
    return ValidationError(message, {"errors": [{"path": [key], "message": message, "name": "ValidationError"}]})


def find_ref(app: App, form: Mapping[str, Any]) -> Ref | None:
    """The entry and field the form names, or None when it names none; 400 for anything amiss."""
    given = {key: str(form[key]) for key in ("ref", "refId", "field") if form.get(key) not in (None, "")}
    if not given:
        return None
    missing = [key for key in ("ref", "refId", "field") if key not in given]
    if missing:
        raise _fail(missing[0], f"ref, refId and field go together: {missing[0]} is missing")
    uid, ref_id, field = given["ref"], given["refId"], given["field"]
    schemas = app.content_types
    if uid not in schemas.types or uid == FILE_UID:
        close = difflib.get_close_matches(uid, [u for u in schemas.types if u != FILE_UID], n=1)
        raise _fail("ref", f"ref: no content-type {uid!r}" + (f"; did you mean {close[0]!r}?" if close else ""))
    ctype = schemas[uid]
    attribute = ctype.attributes.get(field)
    if attribute is None or not attribute.is_media:
        media = [a.name for a in ctype if a.is_media]
        close = difflib.get_close_matches(field, media, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f" (media fields: {', '.join(media) or 'none'})"
        raise _fail("field", f"field: {uid} has no media field {field!r}{hint}")
    if attribute.link is None:
        raise _fail("field", f"field: {field!r} is inside a component; link the file by writing the entry")
    table = app.db.db.dialect.quote(ctype.table)
    p = app.db.db.dialect.param
    if ref_id.isascii() and ref_id.isdigit() and len(ref_id) <= 18:
        rows = app.db.db.query(f"SELECT id, document_id, published_at FROM {table} WHERE id = {p}", [int(ref_id)])
    else:
        order = "published_at IS NOT NULL, id" if ctype.draft_and_publish else "id"
        rows = app.db.db.query(f"SELECT id, document_id, published_at FROM {table} WHERE document_id = {p} "
                               f"ORDER BY {order} LIMIT 1", [ref_id])
    if not rows:
        raise _fail("refId", f"refId: {uid} has no entry {ref_id!r}")
    row_id, document_id, published_at = rows[0]
    return Ref(ctype, attribute, int(row_id), str(document_id), draft=published_at is None)
