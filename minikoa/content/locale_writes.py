"""Writes that span the locales of a localized document: a new locale, and keeping shared values in step.

In Strapi's i18n a document has one row per locale (per status). Its
non-localized attributes are one value shared by every locale:

* a new locale version gets them from an existing row (``shared_values``
  for the scalar ones, validated with the new version's own data, so that
  required attributes apply; ``copy_shared`` for components and
  non-localized media and relations, which the validated data cannot
  carry);
* an update of them through any locale is written to every other locale's
  row of the same status (``sync``), in the caller's transaction.

Localized attributes (and uids and relations, always localized) are never
copied: a new locale starts without them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .documents import DocumentService
    from .schema import Attribute

__all__ = ["LocaleWrites"]


class LocaleWrites:
    """The cross-locale part of one write of a localized type (see the module docstring)."""

    def __init__(self, service: DocumentService) -> None:
        self.service = service
        self.ctype = service.ctype
        self.db = service.db
        self.p = service.p
        self.q = service.q

    def _shared(self) -> list[Attribute]:
        return [attr for attr in self.ctype if not attr.localized and not attr.field.write_only]

    def source_row(self, document_id: str, draft: bool) -> int | None:
        """A row of the document to copy shared values from: one of the same status (the default
        locale's first), else any; None when the document does not exist."""
        default = self.service.layer.schemas.default_locale
        anything = self.service.d.true  # a condition every row meets, as the dialect writes it
        status = "published_at IS NULL" if draft and self.service.dp else anything
        for condition in (status, anything):
            found = self.db.scalar(
                f"SELECT id FROM {self.service.table} WHERE document_id = {self.p} AND {condition} "
                f"ORDER BY CASE WHEN locale = {self.p} THEN 0 ELSE 1 END, id LIMIT 1", [document_id, default])
            if found is not None:
                return int(found)
        return None

    def shared_values(self, row_id: int) -> dict[str, Any]:
        """The scalar non-localized attributes of row ``row_id``, as a write's data takes them."""
        names = [attr.name for attr in self._shared() if attr.is_scalar]
        if not names:
            return {}
        row = self.service.layer.query(self.ctype.uid).find_one(where={"id": row_id}, select=names)
        return {name: row[name] for name in names if row is not None and row.get(name) is not None}

    def copy_shared(self, source: int, document_id: str, code: str, skip: list[str]) -> None:
        """Give the rows of locale ``code`` the source row's components and non-localized links (the
        attributes in ``skip`` were written already)."""
        table = self.service.table
        rows = [r[0] for r in self.db.query(f"SELECT id FROM {table} WHERE document_id = {self.p} AND "
                                            f"locale = {self.p}", [document_id, code])]
        for attr in self._shared():
            if attr.is_scalar or attr.name in skip:
                continue
            for row in rows:
                if attr.column is not None:
                    column = self.q(attr.column)
                    self.db.execute(f"UPDATE {table} SET {column} = (SELECT {column} FROM {table} WHERE id = "
                                    f"{self.p}) WHERE id = {self.p}", [source, row])
                elif attr.link is not None and attr.owner:
                    link = self.q(attr.link.table)
                    self.db.execute(f"DELETE FROM {link} WHERE source_id = {self.p}", [row])
                    self.db.execute(f"INSERT INTO {link} (source_id, target_document_id, ord) SELECT {self.p}, "
                                    f"target_document_id, ord FROM {link} WHERE source_id = {self.p}", [row, source])

    def sync(self, document_id: str, code: str, values: Mapping[str, Any], draft: bool) -> None:
        """Write the non-localized attributes among ``values`` to the document's rows in the other
        locales (its drafts with draft & publish, every row without)."""
        shared = {attr.name: attr for attr in self._shared() if attr.name in values}
        if not shared:
            return
        table = self.service.table
        status = " AND published_at IS NULL" if draft and self.service.dp else ""
        others = [r[0] for r in self.db.query(f"SELECT id FROM {table} WHERE document_id = {self.p} AND "
                                              f"locale != {self.p}{status}", [document_id, code])]
        if not others:
            return
        columns = {name: values[name] for name, attr in shared.items() if attr.column is not None}
        linked = {name: values[name] for name, attr in shared.items() if attr.is_linked}
        for row in others:
            if columns:
                self.service.update_row(row, dict(columns))
            if linked:
                self.service.write_links(row, document_id, linked, draft=draft)
