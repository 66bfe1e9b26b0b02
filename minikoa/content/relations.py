"""Writing relations and media: documentIds in, link-table rows out.

A relation value in ``data`` is what Strapi 5 accepts: ``None`` (clear),
a documentId or an id, a list of them (replace the set), or
``{"connect": [...], "disconnect": [...], "set": [...]}``, where an item may
be ``{"documentId": ..., "position": {"before"|"after": docId} |
{"start"|"end": True}}``. Targets are checked to exist; a missing one is
Strapi's 400 ``Document with id "...", locale "null" not found``.

Each write computes the new ordered list of target documents in Python and
rewrites the link rows only when it changed. A relation's owner side writes
its own rows; the inverse (``mappedBy``) side writes the owners' rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..db import Database
from ..errors import ValidationError
from .schema import Attribute, ContentType, Schemas

__all__ = ["RelationWriter"]

#: The ``allowedTypes`` kind of a file, by the first part of its MIME type.
_MEDIA_KINDS = {"image": "images", "video": "videos", "audio": "audios"}
#: Relations where a target may be linked from one source document only.
_EXCLUSIVE_TARGET = frozenset({"oneToOne", "oneToMany"})


def _ref(item: Any) -> tuple[Any, dict[str, Any] | None]:
    """``(documentId or id, position)`` of one relation item."""
    if isinstance(item, dict):
        position = item.get("position")
        if "documentId" in item:
            return item["documentId"], position
        if "id" in item:
            return item["id"], position
        raise ValidationError("A relation item needs a documentId", {"value": str(item)[:200]})
    return item, None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


class RelationWriter:
    """Link-table writes for one content-type's relations and media."""

    def __init__(self, db: Database, schemas: Schemas) -> None:
        self.db = db
        self.schemas = schemas
        self.d = db.dialect
        self.q = self.d.quote
        self.p = self.d.param

    # -- resolving targets ------------------------------------------------

    def resolve(self, target: ContentType, refs: Sequence[Any], *, media: bool = False) -> list[str]:
        """documentIds for ``refs`` (documentIds or ids), in order; 400 for one that does not exist."""
        if not refs:
            return []
        table = self.q(target.table)
        ids = sorted({r for r in refs if isinstance(r, int) and not isinstance(r, bool)})
        docs = sorted({r for r in refs if isinstance(r, str)})
        by_id: dict[int, str] = {}
        known: set[str] = set()
        for chunk in _chunks(ids, self.db.dialect.max_params):
            by_id.update(self.db.query(
                f"SELECT id, document_id FROM {table} WHERE id IN ({self.d.params(len(chunk))})", chunk))
        for chunk in _chunks(docs, self.db.dialect.max_params):
            known.update(r[0] for r in self.db.query(
                f"SELECT DISTINCT document_id FROM {table} WHERE document_id IN ({self.d.params(len(chunk))})", chunk))
        out = []
        missing = 0
        for ref in refs:
            found = by_id.get(ref) if isinstance(ref, int) and not isinstance(ref, bool) else (
                ref if ref in known else None)
            if found is None:
                if not media:
                    raise ValidationError(f'Document with id "{ref}", locale "null" not found')
                missing += 1
                continue
            out.append(found)
        if missing:  # Strapi's words, counting every file that is not there
            message = f"{missing} relation(s) of type {target.uid} associated with this entity do not exist"
            raise ValidationError(message, {"errors": [{"path": [], "message": message, "name": "ValidationError"}]})
        return out

    def check_media_types(self, attr: Attribute, target: ContentType, documents: Sequence[str]) -> None:
        """400 when a file in ``documents`` is of a kind media ``attr``'s ``allowedTypes`` leaves out
        (``images``, ``videos``, ``audios``; ``files`` is anything else). Strapi does not check."""
        kinds = attr.options.get("allowedTypes")
        if not kinds or not documents:
            return
        table = self.q(target.table)
        for chunk in _chunks(list(documents), self.db.dialect.max_params):
            for name, mime in self.db.query(f"SELECT name, mime FROM {table} WHERE document_id IN "
                                            f"({self.d.params(len(chunk))})", chunk):
                kind = _MEDIA_KINDS.get(str(mime or "").split("/", 1)[0], "files")
                if kind not in kinds:
                    message = f"{attr.name} takes {', '.join(kinds)}; {name} is {mime or 'of no known type'}"
                    raise ValidationError(message, {"errors": [{"path": [attr.name], "message": message,
                                                                "name": "ValidationError"}]})

    # -- applying a value ---------------------------------------------------

    def plan(self, attr: Attribute, current: list[str], value: Any, target: ContentType) -> list[str]:
        """The new ordered list of target documentIds after applying ``value`` to ``current``."""
        media = attr.is_media
        if isinstance(value, dict) and set(value) & {"connect", "disconnect", "set"}:
            result = list(current)
            if "set" in value:
                refs = [_ref(i)[0] for i in _as_list(value["set"])]
                result = _dedupe(self.resolve(target, refs, media=media))
            if "disconnect" in value:
                gone = set(self.resolve_existing(target, [_ref(i)[0] for i in _as_list(value["disconnect"])]))
                result = [d for d in result if d not in gone]
            for item in _as_list(value.get("connect")):
                ref, position = _ref(item)
                doc = self.resolve(target, [ref], media=media)[0]
                if doc in result:
                    if position is None:
                        continue
                    result.remove(doc)
                result.insert(_position(result, position), doc)
                if not attr.many:
                    result = [doc]
        else:
            refs = [_ref(i)[0] for i in _as_list(value)]
            result = _dedupe(self.resolve(target, refs, media=media))
        if not attr.many and len(result) > 1:
            raise ValidationError(f"{attr.name} takes one relation, not {len(result)}",
                                  {"errors": [{"path": [attr.name], "message": f"{attr.name} takes one relation",
                                               "name": "ValidationError"}]})
        return result

    def resolve_existing(self, target: ContentType, refs: Sequence[Any]) -> list[str]:
        """Like ``resolve`` but skipping refs that do not exist (disconnecting them is a no-op)."""
        out = []
        for ref in refs:
            try:
                out.extend(self.resolve(target, [ref]))
            except ValidationError:
                continue
        return out

    def write_owner(self, ctype: ContentType, attr: Attribute, row_id: int, document_id: str,
                    draft: bool, value: Any) -> None:
        """Apply ``value`` to the owner-side links of row ``row_id``."""
        assert attr.link is not None
        link = self.q(attr.link.table)
        target = self.schemas.target(attr)
        current = [r[0] for r in self.db.query(
            f"SELECT target_document_id FROM {link} WHERE source_id = {self.p} ORDER BY ord, id", [row_id])]
        new = self.plan(attr, current, value, target)
        if attr.is_media:
            self.check_media_types(attr, target, [d for d in new if d not in current])
        if new != current:
            self.db.execute(f"DELETE FROM {link} WHERE source_id = {self.p}", [row_id])
            self._insert(attr.link.table, row_id, new)
        if new and attr.relation in _EXCLUSIVE_TARGET:
            # The target's other side holds one source: unlink it from other documents.
            self.db.execute(
                f"DELETE FROM {link} WHERE target_document_id IN ({self.d.params(len(new))}) AND source_id IN "
                f"(SELECT id FROM {self.q(ctype.table)} WHERE document_id != {self.p} AND "
                f"(published_at IS NULL) = {self.p})", [*new, document_id, draft])

    def write_inverse(self, ctype: ContentType, attr: Attribute, document_id: str, value: Any) -> None:
        """Apply ``value`` from the ``mappedBy`` side: link the owners' rows to this document.

        Owner documents with draft and published rows get the change on both.
        """
        assert attr.link is not None and attr.target is not None
        owner_type = self.schemas.target(attr)
        owner_attr = owner_type.attributes[attr.mapped_by]  # type: ignore[index]
        link = self.q(attr.link.table)
        owners = self.q(owner_type.table)
        current = [r[0] for r in self.db.query(
            f"SELECT o.document_id FROM {link} l JOIN {owners} o ON o.id = l.source_id "
            f"WHERE l.target_document_id = {self.p} GROUP BY o.document_id ORDER BY MIN(l.id)", [document_id])]
        new = self.plan(attr, current, value, owner_type)
        removed = [d for d in current if d not in new]
        added = [d for d in new if d not in current]
        if removed:
            self.db.execute(
                f"DELETE FROM {link} WHERE target_document_id = {self.p} AND source_id IN "
                f"(SELECT id FROM {owners} WHERE document_id IN ({self.d.params(len(removed))}))",
                [document_id, *removed])
        if added:
            rows = [r[0] for r in self.db.query(
                f"SELECT id FROM {owners} WHERE document_id IN ({self.d.params(len(added))})", added)]
            for row in rows:
                if not owner_attr.many:
                    self.db.execute(f"DELETE FROM {link} WHERE source_id = {self.p}", [row])
                after = self.db.scalar(f"SELECT COALESCE(MAX(ord), 0) FROM {link} WHERE source_id = {self.p}", [row])
                self.db.execute(self.d.insert_or_ignore(attr.link.table, ("source_id", "target_document_id", "ord")),
                                [row, document_id, after + 1])
        if new and not attr.many:
            # This side holds one owner: unlink this owner from anything else it pointed at
            # only if the owner side is also exclusive (oneToOne).
            if owner_attr.relation == "oneToOne":
                self.db.execute(
                    f"DELETE FROM {link} WHERE target_document_id != {self.p} AND source_id IN "
                    f"(SELECT id FROM {owners} WHERE document_id IN ({self.d.params(len(new))}))", [document_id, *new])

    def copy_links(self, ctype: ContentType, from_row: int, to_row: int) -> None:
        """Give row ``to_row`` the same owned links as ``from_row`` (publishing, discarding)."""
        for attr in ctype:
            if attr.link is not None and attr.owner:
                link = self.q(attr.link.table)
                self.db.execute(f"INSERT INTO {link} (source_id, target_document_id, ord) "
                                f"SELECT {self.p}, target_document_id, ord FROM {link} WHERE source_id = {self.p}",
                                [to_row, from_row])

    def forget_target(self, ctype: ContentType, document_id: str) -> None:
        """Remove every link pointing at ``document_id`` (the document is being deleted)."""
        for model in self.schemas.types.values():
            for attr in model:
                if attr.link is not None and attr.owner and attr.link.target == ctype.uid:
                    self.db.execute(f"DELETE FROM {self.q(attr.link.table)} WHERE target_document_id = {self.p}",
                                    [document_id])

    def _insert(self, table: str, row_id: int, targets: list[str]) -> None:
        sql = self.d.insert(table, ("source_id", "target_document_id", "ord"))
        for order, doc in enumerate(targets, start=1):
            self.db.execute(sql, [row_id, doc, order])


def _position(current: list[str], position: dict[str, Any] | None) -> int:
    if not position:
        return len(current)
    if position.get("start"):
        return 0
    if position.get("end"):
        return len(current)
    for key, offset in (("before", 0), ("after", 1)):
        anchor = position.get(key)
        if anchor is not None:
            if anchor not in current:
                raise ValidationError(f"Cannot place a relation {key} {anchor!r}: it is not connected")
            return current.index(anchor) + offset
    raise ValidationError("A relation position is one of before, after, start or end")


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))



def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]
