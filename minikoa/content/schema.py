"""Content-types and components: Strapi's ``schema.json`` read into objects.

A content-type (``api::article.article``) is a table; its attributes are
columns, JSON columns (components, dynamic zones, json, blocks) or link
tables (relations and media). Everything the rest of the model layer needs
to know about a schema is computed here once, when the app is built: each
attribute's field type (``attr.field``, from ``minikoa.content.fields``,
custom fields included), column names, which side of a relation owns its
link table, the target of each relation, the order of attributes in output.

A schema with a mistake (an unknown type or custom field, a relation to an
unknown target, a ``mappedBy`` that the other side does not ``inversedBy``,
two types with one plural name) raises SchemaError naming the file and the
attribute.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar, cast

from ..db import ColumnType
from .fields import CUSTOM_FIELD, FIELD_TYPES, FILE_UID, FieldError, FieldType, FieldTypes, Storage

__all__ = [
    "SchemaError", "Attribute", "ContentType", "Component", "Link", "Schemas", "FILE_UID", "snake",
]

RELATIONS = frozenset({"oneToOne", "oneToMany", "manyToOne", "manyToMany", "oneWay", "manyWay",
                       "morphToOne", "morphToMany"})
#: Relations whose side holds many targets.
_MANY = frozenset({"oneToMany", "manyToMany", "manyWay"})
#: The inverse kind of each bidirectional relation.
_INVERSE = {"oneToOne": "oneToOne", "oneToMany": "manyToOne", "manyToOne": "oneToMany",
            "manyToMany": "manyToMany"}

#: Names the system uses; an attribute may not take them.
RESERVED = frozenset({"id", "documentId", "createdAt", "updatedAt", "publishedAt", "createdBy",
                      "updatedBy", "locale", "localizations", "__component", "__type"})

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
T = TypeVar("T")


class SchemaError(ValueError):
    """A schema that cannot be used; the message names the file and attribute."""


def _i18n_option(plugin_options: Any, where: str) -> bool | None:
    """``pluginOptions.i18n.localized`` as written (None when absent); anything but a boolean is an error."""
    if not isinstance(plugin_options, Mapping):
        raise SchemaError(f"{where}: pluginOptions must be an object")
    i18n = plugin_options.get("i18n")
    if i18n is None:
        return None
    value = i18n.get("localized") if isinstance(i18n, Mapping) else i18n
    if not isinstance(value, bool) and value is not None:
        raise SchemaError(f"{where}: pluginOptions.i18n.localized must be true or false, not {value!r}")
    return value


def snake(name: str) -> str:
    """The column name Strapi uses for an attribute: ``viewCount`` -> ``view_count``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


class Link:
    """The link table of one relation (shared by both sides of a bidirectional one).

    ``source_id`` is the owner's row id (deleted with the row); the target is
    a *document* id, so a draft and a published row each keep their own
    links, and a link survives its target being republished.
    """

    __slots__ = ("table", "owner", "attribute", "target")

    def __init__(self, table: str, owner: ContentType | Component, attribute: str, target: str) -> None:
        self.table = table
        self.owner = owner
        self.attribute = attribute
        self.target = target

    def __repr__(self) -> str:
        return f"<Link {self.table}: {self.owner.uid}.{self.attribute} -> {self.target}>"


class Attribute:
    """One attribute of a content-type or component, with everything derived from its options."""

    __slots__ = ("name", "type", "options", "field", "custom_field", "is_scalar", "is_linked", "is_json", "column",
                 "relation", "target", "mapped_by", "inversed_by", "many", "owner", "link", "component",
                 "repeatable", "components", "parent", "localized")

    def __init__(self, name: str, options: Mapping[str, Any], parent: ContentType | Component) -> None:
        self.name = name
        self.options = dict(options)
        #: the attribute type; for a custom field, the type it builds on (as Strapi does)
        self.type: str = self.options.get("type", "")
        #: what the type means (see ``minikoa.content.fields``): resolved by ``Schemas.link()``,
        #: which knows the app's custom fields; until then the built-in type of that name
        self.field: FieldType
        #: the custom field's uid (``global::color``), for attributes that use one
        self.custom_field: str | None
        # The next three follow from the field type; plain attributes, since queries read them often.
        #: a value in a column of its own: selectable, filterable and sortable
        self.is_scalar: bool
        #: stored in a link table (relations and media), not a column
        self.is_linked: bool
        #: kept as JSON text in its column (json, blocks, components, dynamic zones)
        self.is_json: bool
        self.bind(FIELD_TYPES.get(self.type) or _UNRESOLVED)
        self.parent = parent
        self.column: str | None = None
        self.relation: str | None = None
        self.target: str | None = None
        self.mapped_by: str | None = None
        self.inversed_by: str | None = None
        #: for relations and media: this side holds a list
        self.many = False
        #: for relations: this side owns the link table
        self.owner = False
        self.link: Link | None = None
        self.component: str | None = None
        self.repeatable = False
        self.components: tuple[str, ...] = ()
        #: its value differs per locale (a localized content-type's; ``Schemas.link`` decides, see there)
        self.localized = False

    def bind(self, field: FieldType, custom_field: str | None = None) -> None:
        """Use ``field`` (for a custom field: the type ``custom_field`` builds on, whose name becomes the type)."""
        self.field = field
        self.custom_field = custom_field
        if custom_field is not None:
            self.type = field.name
        self.is_scalar = field.storage is Storage.COLUMN
        self.is_linked = field.storage is Storage.LINKS
        self.is_json = field.column_type is ColumnType.JSON and not self.is_linked

    # -- convenient reads of options --------------------------------------

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

    @property
    def required(self) -> bool:
        return bool(self.options.get("required"))

    @property
    def private(self) -> bool:
        """Never in API output (``private: true``, and every password)."""
        return bool(self.options.get("private")) or self.field.write_only

    @property
    def is_relation(self) -> bool:
        return self.type == "relation"

    @property
    def is_media(self) -> bool:
        return self.type == "media"

    def __repr__(self) -> str:
        return f"<Attribute {self.parent.uid}.{self.name} {self.type}>"


#: An attribute's field type before the schemas are linked, when no built-in type has its name.
_UNRESOLVED = FieldType()


class _Model:
    """What content-types and components share: a uid, attributes, a source file."""

    uid: str
    source: str

    def __init__(self, uid: str, schema: Mapping[str, Any], source: str) -> None:
        self.uid = uid
        self.source = source
        self.schema = dict(schema)
        attributes = schema.get("attributes")
        if not isinstance(attributes, Mapping):
            raise SchemaError(f"{source}: `attributes` must be an object")
        self.attributes: dict[str, Attribute] = {}
        #: every name its public readers may not see or name, attributes and system fields alike
        #: (``private: true``, passwords, ``options.privateAttributes``, ``api.responses.privateAttributes``):
        #: worked out by ``minikoa.content.privacy.compile_private`` when the app is set up
        self.private_names: frozenset[str] = frozenset()
        for name, options in attributes.items():
            if not isinstance(options, Mapping):
                raise SchemaError(f"{source}: attribute {name!r} must be an object")
            self.attributes[name] = Attribute(name, options, cast("ContentType | Component", self))

    def where(self, attribute: str | None = None) -> str:
        return f"{self.source}: attribute {attribute!r}" if attribute else self.source

    def __iter__(self) -> Iterator[Attribute]:
        return iter(self.attributes.values())


class ContentType(_Model):
    """A collection or single type: one table, with Strapi's system fields."""

    def __init__(self, uid: str, schema: Mapping[str, Any], source: str) -> None:
        super().__init__(uid, schema, source)
        self.kind: str = schema.get("kind", "collectionType")
        info = schema.get("info") or {}
        self.singular_name: str = info.get("singularName", "")
        self.plural_name: str = info.get("pluralName", "")
        self.display_name: str = info.get("displayName", self.singular_name)
        self.table: str = schema.get("collectionName") or self.plural_name
        options = schema.get("options") or {}
        self.draft_and_publish: bool = bool(options.get("draftAndPublish", False))
        self.plugin_options: dict[str, Any] = dict(schema.get("pluginOptions") or {})
        #: one row per locale, with a ``locale`` column (``pluginOptions.i18n.localized`` with the i18n
        #: plugin on; ``Schemas.link`` decides)
        self.localized = False
        #: lifecycle hooks from content-types/<name>/lifecycles.py (filled by the loader)
        self.lifecycles: Any = None

    @property
    def is_single(self) -> bool:
        return self.kind == "singleType"

    def __repr__(self) -> str:
        return f"<ContentType {self.uid} ({self.table})>"


class Component(_Model):
    """A component (``shared.seo``): stored as JSON inside the rows that use it."""

    def __init__(self, uid: str, schema: Mapping[str, Any], source: str) -> None:
        super().__init__(uid, schema, source)
        self.table = schema.get("collectionName") or "components_" + uid.replace(".", "_")
        info = schema.get("info") or {}
        self.display_name: str = info.get("displayName", uid)

    def __repr__(self) -> str:
        return f"<Component {self.uid}>"


def _file_type() -> ContentType:
    """The upload plugin's file record that media attributes point at, with Strapi's attributes in
    Strapi's order (the plugin stores files; without it, files are rows written by code)."""
    return ContentType(FILE_UID, {
        "kind": "collectionType",
        "collectionName": "files",
        "info": {"singularName": "file", "pluralName": "files", "displayName": "File"},
        "options": {"draftAndPublish": False},
        "attributes": {
            "name": {"type": "string", "required": True},
            "alternativeText": {"type": "text"},
            "caption": {"type": "text"},
            "focalPoint": {"type": "json"},
            "width": {"type": "integer"},
            "height": {"type": "integer"},
            "formats": {"type": "json"},
            "hash": {"type": "string"},
            "ext": {"type": "string"},
            "mime": {"type": "string"},
            "size": {"type": "decimal"},
            "url": {"type": "text", "required": True},
            "previewUrl": {"type": "text"},
            "provider": {"type": "string"},
            "provider_metadata": {"type": "json"},
            "folderPath": {"type": "string", "private": True, "default": "/"},
        },
    }, source="<minikoa: plugin::upload.file>")


class Schemas:
    """Every content-type and component of an app, registered then linked.

    ``register(uid, schema)`` takes a schema dict as Strapi writes it;
    ``link()`` (run when the app is built) checks the whole set and derives
    columns and link tables. ``app.content_types`` is this object.
    """

    def __init__(self) -> None:
        self.types: dict[str, ContentType] = {}
        self.components: dict[str, Component] = {}
        #: the attribute types and custom fields these schemas may use (register before linking)
        self.fields: FieldTypes = FIELD_TYPES.copy()
        self.linked = False
        #: the default locale while the i18n plugin is on (it sets it), else None: then no type is
        #: localized, whatever its ``pluginOptions`` say, as in Strapi without the plugin
        self.default_locale: str | None = None
        #: whether a code is one of the app's locales (set by the i18n plugin), for reads and writes
        self.known_locale: Callable[[str], bool] | None = None
        self._derived: dict[str, Any] = {}
        self._add_type(_file_type())

    # -- registration ---------------------------------------------------

    def register(self, uid: str, schema: Mapping[str, Any] | str | Path, source: str = "code") -> ContentType:
        """Add a content-type from a schema dict (or a schema.json path)."""
        schema, source = _read(schema, source)
        if not re.match(r"^(api|plugin)::[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$", uid):
            raise SchemaError(f"{source}: invalid content-type UID {uid!r} (expected api::<api>.<name>)")
        if uid in self.types:
            raise SchemaError(f"{source}: content-type {uid!r} is already registered (from {self.types[uid].source})")
        return self._add_type(ContentType(uid, schema, source))

    def register_component(self, uid: str, schema: Mapping[str, Any] | str | Path,
                           source: str = "code") -> Component:
        """Add a component (``category.name``) from a schema dict or JSON file."""
        schema, source = _read(schema, source)
        if not re.match(r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$", uid):
            raise SchemaError(f"{source}: invalid component UID {uid!r} (expected <category>.<name>)")
        if uid in self.components:
            raise SchemaError(f"{source}: component {uid!r} is already registered")
        component = Component(uid, schema, source)
        self.components[uid] = component
        self.linked = False
        return component

    def _add_type(self, ctype: ContentType) -> ContentType:
        self.types[ctype.uid] = ctype
        self.linked = False
        return ctype

    def __getitem__(self, uid: str) -> ContentType:
        try:
            return self.types[uid]
        except KeyError:
            raise KeyError(f"unknown content-type {uid!r}") from None

    def __contains__(self, uid: object) -> bool:
        return uid in self.types

    def __iter__(self) -> Iterator[str]:
        return iter(self.types)

    def __len__(self) -> int:
        return len(self.types)

    def by_plural(self, plural: str) -> ContentType | None:
        return next((t for t in self.types.values() if t.plural_name == plural), None)

    def target(self, attr: Attribute) -> ContentType:
        """The content-type a relation or media attribute points at."""
        if attr.target is None:
            raise SchemaError(f"{attr!r} points at no content-type")
        return self.types[attr.target]

    def component(self, attr: Attribute) -> Component:
        """The component a (non-zone) component attribute holds."""
        if attr.component is None:
            raise SchemaError(f"{attr!r} holds no component")
        return self.components[attr.component]

    def derived(self, key: str, make: Callable[[], T]) -> T:
        """A value other modules work out from these schemas once and keep here (made with
        ``make()`` on first use; forgotten when the schemas are linked again)."""
        found: T | None = self._derived.get(key)
        if found is None:
            found = self._derived[key] = make()
        return found

    # -- checking and deriving ------------------------------------------

    def link(self) -> None:
        """Check every schema against the others and derive columns and link tables."""
        self._derived.clear()
        seen_plural: dict[str, ContentType] = {}
        seen_table: dict[str, ContentType | Component] = {}
        for ctype in self.types.values():
            _check_type_header(ctype)
            for key, name in (("plural", ctype.plural_name), ("singular", ctype.singular_name)):
                other = seen_plural.get(name)
                if other is not None:
                    raise SchemaError(f"{ctype.source}: {key} name {name!r} is already used by {other.uid} "
                                      f"({other.source})")
                seen_plural[name] = ctype
            if ctype.table in seen_table:
                raise SchemaError(f"{ctype.source}: collectionName {ctype.table!r} is already used by "
                                  f"{seen_table[ctype.table].uid}")
            seen_table[ctype.table] = ctype
        models: tuple[ContentType | Component, ...] = (*self.types.values(), *self.components.values())
        for model in models:  # every field type first: a uid's targetField reads another attribute's type
            for attr in model:
                self._resolve(model, attr)
        for model in models:
            columns: dict[str, str] = {}
            for attr in model:
                self._derive(model, attr)
                if attr.column is not None:
                    if attr.column in columns:
                        raise SchemaError(f"{model.where(attr.name)}: column {attr.column!r} clashes with "
                                          f"attribute {columns[attr.column]!r}")
                    columns[attr.column] = attr.name
        for model in models:
            for attr in model:
                if attr.is_relation:
                    self._pair(model, attr)
        for ctype in self.types.values():
            self._localize(ctype)
        self.linked = True

    def _localize(self, ctype: ContentType) -> None:
        """Which of ``ctype`` and its attributes are localized (Strapi's ``pluginOptions.i18n.localized``).

        A type is localized when its option is true and the i18n plugin is on. In a localized type an
        attribute is localized when its own option is true, and a uid or a relation always is
        (Strapi's ``isLocalizedAttribute``: a slug is unique per locale and never copied across).
        """
        option = _i18n_option(ctype.plugin_options, ctype.source)
        ctype.localized = self.default_locale is not None and option is True
        for attr in ctype:
            own = _i18n_option(attr.get("pluginOptions") or {}, ctype.where(attr.name))
            attr.localized = ctype.localized and (own is True or attr.type == "uid" or attr.is_relation)

    def _resolve(self, model: ContentType | Component, attr: Attribute) -> None:
        """Check the attribute's name and find its field type (a custom field's: the type it builds on)."""
        where = model.where(attr.name)
        if not _NAME.match(attr.name) or attr.name in RESERVED:
            raise SchemaError(f"{where}: {attr.name!r} cannot be an attribute name")
        try:
            field = self.fields.resolve(attr.options)
        except FieldError as exc:
            raise SchemaError(f"{where}: {exc}") from None
        attr.bind(field, attr.options[CUSTOM_FIELD] if attr.options.get("type") == CUSTOM_FIELD else None)

    def _derive(self, model: ContentType | Component, attr: Attribute) -> None:
        where = model.where(attr.name)
        try:
            attr.field.check(attr)
        except FieldError as exc:
            raise SchemaError(f"{where}: {exc}") from None
        kind = attr.type
        if attr.field.storage is Storage.COLUMN:
            attr.column = snake(attr.name)
        elif kind == "relation":
            if isinstance(model, Component):
                raise SchemaError(f"{where}: relations inside components are not supported; "
                                  "put the relation on the content-type")
            attr.relation = attr.get("relation")
            if attr.relation not in RELATIONS or attr.relation.startswith("morph"):
                raise SchemaError(f"{where}: relation must be one of oneToOne, oneToMany, manyToOne, "
                                  f"manyToMany, oneWay, manyWay, not {attr.relation!r}")
            attr.target = attr.get("target")
            if attr.target not in self.types:
                raise SchemaError(f"{where}: relation target {attr.target!r} is not a known content-type")
            attr.mapped_by = attr.get("mappedBy")
            attr.inversed_by = attr.get("inversedBy")
            if attr.mapped_by and attr.inversed_by:
                raise SchemaError(f"{where}: a relation has mappedBy or inversedBy, not both")
            if attr.relation in ("oneWay", "manyWay") and (attr.mapped_by or attr.inversed_by):
                raise SchemaError(f"{where}: {attr.relation} relations have no other side")
            attr.many = attr.relation in _MANY
            attr.owner = not attr.mapped_by
            if attr.owner:
                attr.link = Link(f"{model.table}_{attr.column or snake(attr.name)}_lnk", model, attr.name,
                                 attr.target)
        elif kind == "media":
            attr.target = FILE_UID
            attr.many = bool(attr.get("multiple", False))
            attr.owner = True
            if isinstance(model, ContentType):
                attr.link = Link(f"{model.table}_{snake(attr.name)}_lnk", model, attr.name, FILE_UID)
            else:
                attr.column = snake(attr.name)  # file ids kept in the component's JSON
        elif kind == "component":
            attr.component = attr.get("component")
            if attr.component not in self.components:
                raise SchemaError(f"{where}: unknown component {attr.component!r}")
            attr.repeatable = bool(attr.get("repeatable", False))
            attr.column = snake(attr.name)
        elif kind == "dynamiczone":
            if isinstance(model, Component):
                raise SchemaError(f"{where}: dynamic zones cannot be inside components")
            components = attr.get("components")
            if not isinstance(components, list) or not components:
                raise SchemaError(f"{where}: a dynamiczone needs a non-empty `components` list")
            for uid in components:
                if uid not in self.components:
                    raise SchemaError(f"{where}: unknown component {uid!r} in dynamiczone")
            attr.components = tuple(components)
            attr.repeatable = True
            attr.column = snake(attr.name)
        else:  # a registered type stored in links or components: only the built-in ones know how
            raise SchemaError(f"{where}: field type {kind!r} is stored as {attr.field.storage.value}, "
                              "which only relation, media, component and dynamiczone can be")

    def _pair(self, model: ContentType | Component, attr: Attribute) -> None:
        """Check that both sides of a bidirectional relation agree; share the owner's link."""
        where = model.where(attr.name)
        other_name = attr.mapped_by or attr.inversed_by
        if not other_name or attr.target is None:
            return
        target = self.types[attr.target]
        other = target.attributes.get(other_name)
        if other is None or not other.is_relation or other.target != model.uid:
            raise SchemaError(f"{where}: {'mappedBy' if attr.mapped_by else 'inversedBy'} {other_name!r} "
                              f"must name a relation of {target.uid} back to {model.uid}")
        expected = "inversedBy" if attr.mapped_by else "mappedBy"
        if (other.inversed_by if attr.mapped_by else other.mapped_by) != attr.name:
            raise SchemaError(f"{where}: {target.uid}.{other_name} must have {expected}: {attr.name!r}")
        if _INVERSE.get(other.relation or "") != attr.relation:
            raise SchemaError(f"{where}: a {attr.relation} relation pairs with {_INVERSE.get(attr.relation or '')!r} "
                              f"on the other side, not {other.relation!r} ({target.source})")
        if attr.mapped_by:
            attr.link = other.link


def _read(schema: Mapping[str, Any] | str | Path, source: str) -> tuple[Mapping[str, Any], str]:
    if isinstance(schema, (str, Path)):
        path = Path(schema)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SchemaError(f"{path}: cannot read: {exc}") from None
        except ValueError as exc:
            raise SchemaError(f"{path}: invalid JSON: {exc}") from None
        schema, source = data, str(path)
    if not isinstance(schema, Mapping):
        raise SchemaError(f"{source}: a schema must be a JSON object")
    return schema, source


def _check_type_header(ctype: ContentType) -> None:
    src = ctype.source
    if ctype.kind not in ("collectionType", "singleType"):
        raise SchemaError(f"{src}: kind must be collectionType or singleType, not {ctype.kind!r}")
    for key, value in (("info.singularName", ctype.singular_name), ("info.pluralName", ctype.plural_name)):
        if not isinstance(value, str) or not re.match(r"^[a-z0-9][a-z0-9-]*$", value):
            raise SchemaError(f"{src}: {key} must be a kebab-case name, not {value!r}")
    if ctype.singular_name == ctype.plural_name:
        raise SchemaError(f"{src}: singularName and pluralName must differ")
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", ctype.table):
        raise SchemaError(f"{src}: collectionName {ctype.table!r} is not a valid table name")
