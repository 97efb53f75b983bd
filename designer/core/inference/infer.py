"""Inferring a :class:`Shape` from parsed JSON values.

The engine works *column-wise*: it gathers every value seen at one place of
the document (all ``data[].price`` values, say) and types them together, so
the per-value work is done by C-level builtins (``map(type, ...)``, ``zip``,
``set``) rather than by a Python loop per value. Objects that share the same
keys in the same order, the common case for API lists, are transposed with
``zip(*...)`` in one step.

Depth is bounded by :data:`MAX_DEPTH`: below it a node keeps its type but is
marked ``truncated``, so documents nested thousands of levels deep cannot
exhaust the interpreter's stack. Width is bounded too: objects whose keys are
data become maps (:mod:`.maps` has the rules), an object with more fields
than :data:`.maps.MAX_FIELDS` is never kept field by field, and the whole
structure stops growing after :data:`.maps.MAX_NODES` fields. A map's values
are typed as one column, so a body keyed by 100,000 ids costs one pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from itertools import chain, compress, count, islice
from operator import is_not
from typing import Any

import orjson

from designer.core.inference.formats import detect_format, detect_unix_time
from designer.core.inference.maps import (
    MAX_FIELDS,
    MAX_NODES,
    could_be_map,
    keys_look_like_map,
    keys_name_data,
    value_kinds_unify,
    values_unify,
)
from designer.core.jsonvalues import DROP, sample_value
from designer.core.structure import Sample, Shape, ValueType, child_path

__all__ = ["MAX_DEPTH", "Truncated", "infer_value", "infer_values"]

#: Levels of nesting inferred before a node is marked ``truncated``. Real APIs
#: rarely nest past 20; the bound also keeps exported schemas usable by
#: validators that recurse (jsonschema needs several frames per level).
MAX_DEPTH = 64
_SAMPLE_CHARS = 60


class Truncated:
    """Stands in for a container that a depth-limited parser did not build."""

    __slots__ = ("kind",)

    def __init__(self, kind: type[dict[Any, Any]] | type[list[Any]]) -> None:
        self.kind = kind


_NONE = type(None)
_not_none = partial(is_not, None)


def infer_value(
    value: object,
    *,
    sample_limit: int | None = None,
    kinds: Mapping[str, ValueType] | None = None,
) -> Shape:
    """The structure of one parsed JSON value (the root of a body).

    With ``sample_limit``, each list contributes at most that many items (and
    each map that many values), so a first structure of a huge body comes
    quickly; the full pass refines it. ``kinds`` forces the objects at some
    paths to be read as maps (``ValueType.MAP``) or as records
    (``ValueType.OBJECT``): the user's choice, or what a previous structure
    found, wins over detection.
    """
    return _Engine(sample_limit, kinds).infer([value], 0)


def infer_values(
    values: list[object],
    *,
    sample_limit: int | None = None,
    kinds: Mapping[str, ValueType] | None = None,
) -> Shape:
    """The merged structure of several values seen at the same place."""
    return _Engine(sample_limit, kinds).infer(values, 0)


def _samples(values: Iterable[Any]) -> list[Sample]:
    """Up to two distinct short samples, in the order seen."""
    out: list[Sample] = []
    for value in islice(values, 50):
        # Samples are written to files: only values JSON can write (big
        # integers, NaN, lone surrogates; see jsonvalues).
        value = sample_value(value)
        if value is DROP:
            continue
        if isinstance(value, str) and len(value) > _SAMPLE_CHARS:
            value = value[: _SAMPLE_CHARS - 1] + "…"
        if value not in out:
            out.append(value)
            if len(out) == 2:
                break
    return out


class _Engine:
    __slots__ = ("budget", "kinds", "limit")

    def __init__(self, limit: int | None, kinds: Mapping[str, ValueType] | None) -> None:
        self.limit = limit
        self.kinds = kinds
        #: fields still allowed in the structure (see :data:`.maps.MAX_NODES`)
        self.budget = MAX_NODES

    def infer(
        self, values: Sequence[Any], depth: int, types: set[type] | None = None, path: str = ""
    ) -> Shape:
        """The shape of ``values``; ``types`` is their set of types when already known."""
        count = len(values)
        if count == 0:
            return Shape(type=ValueType.UNKNOWN)
        types = set(map(type, values)) if types is None else set(types)
        nullable = _NONE in types
        if nullable:
            types.discard(_NONE)
            if not types:
                return Shape(type=ValueType.NULL, count=count, samples=[None])
        if len(types) == 1:
            kind = next(iter(types))
            present = list(filter(_not_none, values)) if nullable else values
            shape = self._typed(kind, present, depth, path)
        elif types == {int, float}:
            present = list(filter(_not_none, values)) if nullable else values
            shape = Shape(type=ValueType.NUMBER, samples=_samples(present))
            shape.format = detect_unix_time(present, path)
        else:
            shape = self._mixed(types, values, depth, path)
        shape.count = count
        shape.nullable = nullable
        return shape

    def _mixed(self, types: set[type], values: Sequence[Any], depth: int, path: str) -> Shape:
        variants: list[Shape] = []
        numeric = {int, float} & types
        if len(numeric) == 2:
            nums = [v for v in values if type(v) is int or type(v) is float]
            number = Shape(type=ValueType.NUMBER, count=len(nums), samples=_samples(nums))
            number.format = detect_unix_time(nums, path)
            variants.append(number)
            types = types - numeric
        for kind in types:
            group = [v for v in values if type(v) is kind]
            variant = self._typed(kind, group, depth, path)
            variant.count = len(group)
            variants.append(variant)
        variants.sort(key=_variant_order)
        return Shape(type=ValueType.MIXED, variants=variants)

    def _typed(self, kind: type, values: Sequence[Any], depth: int, path: str) -> Shape:
        if kind is str:
            return self._text(values, depth, path)
        if kind is dict:
            return self._objects(values, depth, path)
        if kind is list:
            return self._lists(values, depth, path)
        if kind is bool:
            return Shape(type=ValueType.BOOLEAN, samples=_samples(values))
        if kind is int:
            shape = Shape(type=ValueType.INTEGER, samples=_samples(values))
            shape.format = detect_unix_time(values, path)
            return shape
        if kind is float:
            shape = Shape(type=ValueType.NUMBER, samples=_samples(values))
            shape.format = detect_unix_time(values, path)
            return shape
        if kind is Truncated:
            inner = {v.kind for v in values}
            vtype = ValueType.OBJECT if inner == {dict} else ValueType.LIST
            if len(inner) > 1:
                vtype = ValueType.UNKNOWN
            return Shape(type=vtype, truncated=True)
        # Anything else (a parser's Decimal, say) is typed by what it resembles.
        return Shape(type=ValueType.NUMBER, samples=[str(v) for v in values[:2]])

    def _text(self, values: Sequence[str], depth: int, path: str) -> Shape:
        shape = Shape(type=ValueType.TEXT, samples=_samples(values))
        fmt = detect_format(values)
        if fmt is not None:
            shape.format = fmt
        elif values[0].lstrip()[:1] in ("{", "["):
            shape.embedded = self._embedded_json(values, depth, path)
        return shape

    def _embedded_json(self, values: Sequence[str], depth: int, path: str) -> Shape | None:
        """The structure of text that holds JSON, when every value is a JSON object or list."""
        parsed: list[Any] = []
        for text in values if self.limit is None else values[: self.limit]:
            if text.lstrip()[:1] not in ("{", "["):
                return None
            try:
                parsed.append(orjson.loads(text))
            except orjson.JSONDecodeError:
                return None
        return self.infer(parsed, depth + 1, None, path)

    def _objects(self, objects: Sequence[dict[str, Any]], depth: int, path: str) -> Shape:
        shape = Shape(type=ValueType.OBJECT)
        if depth >= MAX_DEPTH:
            shape.truncated = True
            return shape
        layouts = list(map(tuple, objects))
        # Each layout's first position, and each object's layout as that position:
        # one hashing pass over the layouts (tuples do not cache their hash).
        distinct: dict[tuple[str, ...], int] = {}
        group_of = list(map(distinct.setdefault, layouts, count()))
        keys = layouts[0] if len(distinct) == 1 else tuple(dict.fromkeys(chain(*distinct)))
        hint = self.kinds.get(path) if self.kinds else None
        if len(keys) > MAX_FIELDS or (hint is ValueType.MAP and keys):
            # Too wide to keep field by field, or a map by choice: no columns needed.
            values = list(chain.from_iterable(map(dict.values, objects)))
            types = set(map(type, values))
            rule = _map_rule(keys, types, hint is ValueType.MAP)
            mapped = None if rule is False else self._map(values, types, keys, depth, path, rule)
            if mapped is not None:
                return mapped
            shape.truncated = True
            return shape
        if len(keys) > self.budget:
            shape.truncated = True
            return shape
        columns = _columns(objects, layouts, distinct, group_of)
        if hint is None and could_be_map(keys):
            types = set().union(*(t for _c, t in columns.values()))
            rule = _map_rule(keys, types, False)
            if rule is not False:
                # Typing the values as one column costs what typing them field by field would.
                values = list(chain.from_iterable(c for c, _t in columns.values()))
                mapped = self._map(values, types, keys, depth, path, rule)
                if mapped is not None:
                    return mapped
        self.budget -= len(keys)
        total = len(objects)
        fields: dict[str, Shape] = {}
        for name, (column, types) in columns.items():
            child = self.infer(column, depth + 1, types, child_path(path, name))
            child.optional = len(column) < total
            fields[name] = child
        shape.fields = fields
        return shape

    def _map(
        self,
        values: list[Any],
        types: set[type],
        keys: tuple[str, ...],
        depth: int,
        path: str,
        rule: bool | None,
    ) -> Shape | None:
        """The map of ``values`` (all the values of objects with ``keys``); None when the
        ``rule`` needs values of one kind (it is None) and their merged shape is not."""
        known: set[type] | None = types
        if self.limit is not None and len(values) > self.limit:
            values, known = values[: self.limit], None
        merged = self.infer(values, depth + 1, known, child_path(path, None))
        if rule is None and not values_unify(merged):
            return None
        self.budget -= 1
        return Shape(type=ValueType.MAP, items=merged, samples=list(keys[:2]))

    def _lists(self, lists: Sequence[list[Any]], depth: int, path: str) -> Shape:
        shape = Shape(type=ValueType.LIST)
        if depth >= MAX_DEPTH:
            shape.truncated = True
            return shape
        limit = self.limit
        if limit is None:
            items = list(chain.from_iterable(lists))
        else:
            items = list(islice(chain.from_iterable(lst[:limit] for lst in lists), limit))
        shape.items = self.infer(items, depth + 1, None, child_path(path, None))
        return shape


def _map_rule(keys: Sequence[str], types: set[type], chosen: bool) -> bool | None:
    """Whether objects with ``keys`` and values of ``types`` are a map (:mod:`.maps`).

    True: a map whatever its values (the user chose it, or the keys name data);
    None: a map if the values' merged shape is of one kind; False: a record.
    """
    if chosen or (len(keys) <= MAX_FIELDS and keys_name_data(keys)):
        return True
    kinds = types - {_NONE}
    if not kinds or not value_kinds_unify(kinds):  # all null: no evidence of a map
        return False
    if len(keys) > MAX_FIELDS or keys_look_like_map(keys, kinds == {str}):
        return None
    return False


Column = tuple[list[Any], set[type]]


def _columns(
    objects: Sequence[dict[str, Any]],
    layouts: list[tuple[str, ...]],
    distinct: dict[tuple[str, ...], int],
    group_of: list[int],
) -> dict[str, Column]:
    """Each key's values across ``objects`` and their types, keys in order of first appearance.

    Objects are grouped by layout (their keys in order). Within a group the
    values are flattened row by row, in the order the parser allocated them,
    and each column is a strided slice of that flat list. Reading memory in
    allocation order rather than column by column is what makes this fast:
    on large bodies the cost is cache misses, not Python instructions.
    """
    if len(distinct) > 64 and len(distinct) * 4 > len(objects):
        # Objects of many layouts (sparse fields): gather values key by key instead.
        return _columns_by_key(objects)
    if len(distinct) == 1:
        return _group_columns(layouts[0], objects, {})
    columns: dict[str, Column] = {}
    for layout, first in distinct.items():
        if layout:
            group = list(compress(objects, map(first.__eq__, group_of)))
            _group_columns(layout, group, columns)
    return columns


def _group_columns(
    keys: tuple[str, ...], group: Sequence[dict[str, Any]], columns: dict[str, Column]
) -> dict[str, Column]:
    width = len(keys)
    if not width:
        return columns
    flat = list(chain.from_iterable(map(dict.values, group)))
    flat_types = list(map(type, flat))
    for offset, name in enumerate(keys):
        values = flat[offset::width]
        types = set(flat_types[offset::width])
        existing = columns.get(name)
        if existing is None:
            columns[name] = (values, types)
        else:
            existing[0].extend(values)
            existing[1].update(types)
    return columns


def _columns_by_key(objects: Sequence[dict[str, Any]]) -> dict[str, Column]:
    gathered: dict[str, list[Any]] = {}
    for obj in objects:
        for name, value in obj.items():
            column = gathered.get(name)
            if column is None:
                gathered[name] = [value]
            else:
                column.append(value)
    return {name: (values, set(map(type, values))) for name, values in gathered.items()}


_ORDER = {t: i for i, t in enumerate(ValueType)}


def _variant_order(shape: Shape) -> int:
    return _ORDER[shape.type]
