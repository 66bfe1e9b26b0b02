"""What a read selects: the ``fields`` and ``populate`` parameters, checked and parsed.

``parse_fields`` gives the scalar fields asked for; ``parse_populate`` turns
every populate form Strapi takes into ``{attribute: Spec}``, each ``Spec``
saying what to read for that attribute (its fields, filters, sort, nested
populate, a count, or per-component ``on`` fragments of a dynamic zone).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .checker import Checker, SortPath, check_filters, check_sort, parse_sort
from .language import Model, as_list, join_path, system_keys
from .schema import Attribute, Component

__all__ = ["Spec", "parse_fields", "parse_populate"]

_YES = (True, "true", "1", "*")
_NO = (False, "false", "0", "", None)


def parse_fields(checker: Checker, model: Model, fields: Any, path: str | None = None,
                 param: str = "fields") -> tuple[str, ...] | None:
    """The field names asked for (``"title"``, ``"title,views"``, lists), or None for all of them.

    Only scalar attributes and system fields can be selected; ``id`` and
    ``documentId`` are always returned anyway.
    """
    if fields is None:
        return None
    items = as_list(fields)
    if items is None:
        items = [fields]
    names: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise checker.invalid("Invalid fields: expected attribute names", param, path=path)
        for name in (part.strip() for part in item.split(",")):
            if name == "*":
                return None
            if not name or name in names:
                continue
            if name in system_keys(model):
                checker.system(model, name, path, param)
            else:
                attr = checker.attribute(model, name, path, param)
                if not attr.is_scalar:
                    raise checker.invalid_key(name, join_path(path, name), param)
            names.append(name)
    return tuple(names) or None


class Spec:
    """What to populate for one attribute (or, with ``attr`` None, for one component of a dynamic zone)."""

    __slots__ = ("attr", "model", "fields", "filters", "sort", "populate", "on", "only_on", "count")

    def __init__(self, attr: Attribute | None, model: Model) -> None:
        self.attr = attr
        #: the model the populated values are entries of (target type, component)
        self.model = model
        self.fields: tuple[str, ...] | None = None
        self.filters: Any = None
        self.sort: list[SortPath] | None = None
        self.populate: dict[str, Spec] = {}
        #: dynamic zones: component uid -> its own spec
        self.on: dict[str, Spec] | None = None
        #: dynamic zones: only the entries of the components in ``on`` are returned
        self.only_on = False
        self.count = False

    @property
    def attribute(self) -> Attribute:
        """The attribute populated (every spec but a dynamic zone's per-component ones has one)."""
        if self.attr is None:
            raise TypeError(f"{self!r} is a component's spec inside a dynamic zone, for no attribute")
        return self.attr

    def __repr__(self) -> str:
        return f"<Spec {self.model.uid} fields={self.fields} populate={list(self.populate)}>"


def _populatable(attr: Attribute) -> bool:
    return attr.is_linked or attr.type in ("component", "dynamiczone")


def _model_of(checker: Checker, attr: Attribute) -> Model | None:
    return None if attr.type == "dynamiczone" else checker.target(attr)


def parse_populate(checker: Checker, model: Model, populate: Any, path: str | None = None,
                   level: int = 1) -> dict[str, Spec]:
    """Strapi's populate forms as ``{attribute: Spec}`` in the order given (schema order for ``*``).

    ``"*"``, ``"category,cover"``, ``"category.articles"``, lists of
    these, ``{"category": true}`` and ``{"category": {"fields", "filters",
    "sort", "populate", "count"}}``, ``{"blocks": {"on": {uid: {...}}}}``.
    ``level`` is how deep the attributes populated here are (1 at the top);
    past the checker's ``populate_depth`` it is a 400, in every form.
    """
    specs: dict[str, Spec] = {}
    if populate in _NO:
        return specs
    _check_level(checker, level, path)
    if populate is True or populate == "*":
        return _everything(checker, model)
    items = [populate] if isinstance(populate, str) else as_list(populate)
    if items is not None:
        for item in items:
            if not isinstance(item, str):
                raise checker.invalid("Invalid populate", "populate", path=path)
            for part in (p.strip() for p in item.split(",")):
                if part == "*":
                    for name, every in _everything(checker, model).items():
                        specs.setdefault(name, every)
                elif part:
                    segments = part.split(".")
                    # Checked before walking: a dotted path is one query-string value, of any length.
                    _check_level(checker, level + len(segments) - 1, join_path(path, part))
                    _add_dotted(checker, model, segments, specs, path)
        return specs
    if not isinstance(populate, Mapping):
        raise checker.invalid("Invalid populate", "populate", path=path)
    for key, value in populate.items():
        attr = _attribute(checker, model, key, path)
        spec = _spec(checker, attr, value, join_path(path, key), level)
        if spec is not None:
            specs[key] = spec
    return specs


def _check_level(checker: Checker, level: int, path: str | None) -> None:
    limits = checker.limits
    if limits is not None and level > limits.populate_depth:
        raise checker.too_deep("populate", path, f"Populate is nested too deeply at {path}", limits.populate_depth)


def _everything(checker: Checker, model: Model) -> dict[str, Spec]:
    """``*``: every relation, media, component and dynamic zone, one level deep."""
    return {attr.name: Spec(attr, _model_of(checker, attr) or model) for attr in model if _populatable(attr)}


def _attribute(checker: Checker, model: Model, key: Any, path: str | None) -> Attribute:
    attr = checker.attribute(model, str(key), path, "populate")
    if not _populatable(attr):
        raise checker.invalid_key(str(key), join_path(path, str(key)), "populate")
    return attr


def _add_dotted(checker: Checker, model: Model, segments: list[str], specs: dict[str, Spec],
                path: str | None) -> None:
    """``"category.articles"``: populate category, and its articles."""
    attr = _attribute(checker, model, segments[0], path)
    path = join_path(path, segments[0])
    spec = specs.get(attr.name)
    if spec is None:
        spec = specs[attr.name] = Spec(attr, _model_of(checker, attr) or model)
    for segment in segments[1:]:
        if attr.type == "dynamiczone":
            raise checker.invalid_key(segment, path, "populate")
        model, specs = spec.model, spec.populate
        attr = _attribute(checker, model, segment, path)
        path = join_path(path, segment)
        found = specs.get(attr.name)
        if found is None:
            found = specs[attr.name] = Spec(attr, _model_of(checker, attr) or model)
        spec = found


def _spec(checker: Checker, attr: Attribute, value: Any, path: str, level: int) -> Spec | None:
    if value in _NO:
        return None
    if value in _YES:
        return Spec(attr, _model_of(checker, attr) or attr.parent)
    if not isinstance(value, Mapping):
        raise checker.invalid("Invalid populate", "populate", path=path)
    if attr.type == "dynamiczone":
        return _zone_spec(checker, attr, value, path, level)
    spec = Spec(attr, checker.target(attr))
    _options(checker, spec, value, path, level, linked=attr.is_linked)
    return spec


def _options(checker: Checker, spec: Spec, options: Mapping[str, Any], path: str, level: int,
             linked: bool) -> None:
    """Read ``fields``/``populate`` (and for relations ``filters``/``sort``/``count``) into ``spec``
    (an attribute populated at ``level``)."""
    for key, value in options.items():
        if key == "fields":
            # Strapi reports a bad key here by itself, without the populated attribute's path
            # (populate[products][fields][0]=internal: "Invalid key internal", path "internal").
            spec.fields = parse_fields(checker, spec.model, value, None, "populate")
        elif key == "populate":
            spec.populate = parse_populate(checker, spec.model, value, path, level + 1)
        elif key == "filters" and linked:
            if value not in _NO:
                check_filters(checker, spec.model, value, path)
                spec.filters = value
        elif key == "sort" and linked:
            spec.sort = parse_sort(checker, value)
            check_sort(checker, spec.model, spec.sort, path)
        elif key == "count" and linked:
            spec.count = value in _YES
        else:
            raise checker.invalid_key(str(key), path, "populate")


def _zone_spec(checker: Checker, attr: Attribute, options: Mapping[str, Any], path: str, level: int) -> Spec:
    """A dynamic zone: ``on`` gives listed components their own fields and populate, ``populate`` the others.

    With ``on`` alone only the entries of the listed components are returned, as Strapi does
    (``populate[blocks][on][shared.quote]...`` drops the zone's other entries); with ``populate``
    every entry is.
    """
    for key in options:
        if key not in ("on", "populate"):
            raise checker.invalid_key(str(key), path, "populate")
    spec = Spec(attr, attr.parent)
    spec.on = {}
    on = options.get("on", {})
    if not isinstance(on, Mapping):
        raise checker.invalid("Invalid populate", "populate", path=path)
    for uid, sub in on.items():
        if uid not in attr.components:
            raise checker.invalid_key(str(uid), path, "populate")
        spec.on[uid] = _component_spec(checker, checker.schemas.components[uid], sub, path, level)
    shared = options.get("populate")
    spec.only_on = "on" in options and shared in _NO
    for uid in attr.components:
        if uid not in spec.on and shared not in _NO:
            component = checker.schemas.components[uid]
            spec.on[uid] = Spec(None, component)
            spec.on[uid].populate = parse_populate(checker, component, shared, path, level + 1)
    return spec


def _component_spec(checker: Checker, component: Component, value: Any, path: str, level: int) -> Spec:
    """One component of a dynamic zone (the zone is at ``level``; what it populates, one deeper)."""
    spec = Spec(None, component)
    if value in _YES or value in _NO:
        return spec
    if not isinstance(value, Mapping):
        raise checker.invalid("Invalid populate", "populate", path=path)
    _options(checker, spec, value, path, level, linked=False)
    return spec
