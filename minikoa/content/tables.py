"""The tables content-types need, as ``minikoa.db`` table specs, and syncing them.

* one table per content-type: an ``id`` that is never reused, then
  ``document_id``, one column per stored attribute, ``created_at``,
  ``updated_at`` and ``published_at``, and an index on
  ``(document_id, published_at)``;
* relations and media get link tables (``source_id`` deleted with its row,
  ``target_document_id``, ``ord``) with their indexes;
* ``unique`` attributes get a unique index (two partial ones with
  draftAndPublish, where a document's draft and published rows legitimately
  share values); these are kept to exactly what the schemas ask for;
* one table of named counters (component ids).

``minikoa.db.sync`` creates and evolves them (see ``minikoa.db.schema``); a
change that would lose data is refused with a SchemaError naming the
schema file, the column and the value.
"""

from __future__ import annotations

from ..db import Column, ColumnType, Database, ForeignKey, Index, SchemaChangeError, Table
from ..db import sync as sync_tables
from ..db.schema import describe_value
from .schema import Attribute, ContentType, SchemaError, Schemas

__all__ = ["sync", "tables", "SEQUENCES", "SYSTEM_COLUMNS", "column_type"]

#: The table of named counters (component ids).
SEQUENCES = "minikoa_sequences"
SYSTEM_COLUMNS = ("document_id", "created_at", "updated_at", "published_at")


def column_type(attr: Attribute) -> ColumnType:
    """How an attribute's column stores it: its field type's (media in components: JSON file ids)."""
    return attr.field.column_type or ColumnType.JSON


def _content_table(ctype: ContentType) -> Table:
    columns = [Column("document_id", ColumnType.TEXT, nullable=False)]
    columns += [Column(attr.column, column_type(attr)) for attr in ctype if attr.column]
    columns += [Column(name, ColumnType.DATETIME) for name in SYSTEM_COLUMNS[1:]]
    indexes = [Index(f"minikoa_doc_{ctype.table}", ("document_id", "published_at"))]
    if ctype.localized:
        columns.append(Column("locale", ColumnType.TEXT))
        indexes.append(Index(f"minikoa_locale_{ctype.table}", ("locale", "document_id")))
    prefix = f"minikoa_uq_{ctype.table}_"
    for attr in ctype:
        if attr.column and (attr.get("unique") or attr.type == "uid") and attr.is_scalar:
            # A localized type's values are unique per locale: its indexes (named apart, so that
            # turning i18n on or off replaces them) include the locale.
            base, on = (prefix + attr.column + "_l", (attr.column, "locale")) if ctype.localized else \
                (prefix + attr.column, (attr.column,))
            if ctype.draft_and_publish:
                indexes.append(Index(base + "_draft", on, unique=True, where="published_at IS NULL"))
                indexes.append(Index(base + "_published", on, unique=True, where="published_at IS NOT NULL"))
            else:
                indexes.append(Index(base, on, unique=True))
    return Table(ctype.table, tuple(columns), tuple(indexes), managed_prefix=prefix)


def _link_table(ctype: ContentType, attr: Attribute) -> Table:
    assert attr.link is not None
    name = attr.link.table
    return Table(
        name,
        (Column("source_id", ColumnType.BIGINT, nullable=False),
         Column("target_document_id", ColumnType.TEXT, nullable=False),
         Column("ord", ColumnType.INTEGER)),
        (Index(name + "_pair", ("source_id", "target_document_id"), unique=True),
         Index(name + "_target", ("target_document_id",))),
        (ForeignKey("source_id", ctype.table),))


def tables(schemas: Schemas) -> list[Table]:
    """Every table the schemas need, content tables first, then link tables."""
    if not schemas.linked:
        schemas.link()
    found = [Table(SEQUENCES, (Column("name", ColumnType.TEXT, nullable=False),
                               Column("value", ColumnType.BIGINT, nullable=False)),
                   (Index(SEQUENCES + "_name", ("name",), unique=True),), autoincrement=False)]
    found += [_content_table(ctype) for ctype in schemas.types.values()]
    found += [_link_table(ctype, attr) for ctype in schemas.types.values() for attr in ctype
              if attr.link is not None and attr.owner]
    return found


def sync(db: Database, schemas: Schemas) -> None:
    """Create or evolve every table, link table and index the schemas need."""
    try:
        sync_tables(db, tables(schemas))
    except SchemaChangeError as exc:
        raise SchemaError(_explain(schemas, exc)) from None


def _explain(schemas: Schemas, exc: SchemaChangeError) -> str:
    owner = next((t for t in schemas.types.values() if t.table == exc.table), None)
    source = owner.source if owner is not None else exc.table
    if exc.row_id is not None:
        return (f"{source}: cannot change column {exc.column!r} of {exc.table!r} to {exc.reason}: "
                f"row id {exc.row_id} holds {describe_value(exc.value)}, which does not convert. "
                "Fix or clear that data, or keep the old type.")
    return f"{source}: cannot make {exc.table}.{exc.column} unique: {exc.reason}"
