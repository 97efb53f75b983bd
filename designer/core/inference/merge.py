"""Merging two structures into one that describes the values of both.

Merging is how a second sample (a pasted response, a re-initialize in merge
mode, the full pass after a sampled one) refines a structure. It is
commutative and associative in everything users see (types, formats,
optional and nullable flags), so merging samples in any order gives the same
structure; it agrees with inferring all the values at once. That includes
maps: a map merged with a record stays a map (the record's fields become more
values), and two records whose fields together read as a map (see
:mod:`.maps`) become one.
"""

from __future__ import annotations

from designer.core.inference.formats import meet_formats
from designer.core.inference.maps import (
    MAX_FIELDS,
    could_be_map,
    keys_look_like_map,
    keys_name_data,
    values_unify,
)
from designer.core.structure import Sample, Shape, TextFormat, ValueType

__all__ = ["map_values", "merge"]

_ORDER = {t: i for i, t in enumerate(ValueType)}


def merge(a: Shape, b: Shape) -> Shape:
    """A new shape describing every value described by ``a`` or ``b``.

    The ``optional`` flag of the result is that of ``a`` or ``b``; callers
    merging object fields set it from presence.
    """
    if a.type is ValueType.UNKNOWN and a.count == 0:
        return _copy_with(b, optional=a.optional or b.optional)
    if b.type is ValueType.UNKNOWN and b.count == 0:
        return _copy_with(a, optional=a.optional or b.optional)
    count = a.count + b.count
    optional = a.optional or b.optional
    if a.type is ValueType.NULL or b.type is ValueType.NULL:
        other = b if a.type is ValueType.NULL else a
        result = _copy_with(other, optional=optional)
        # A value that is only ever null has type null; it is not "nullable".
        result.nullable = other.type is not ValueType.NULL
        result.count = count
        if other.type is ValueType.NULL:
            result.samples = [None]
        return result
    if a.type is ValueType.MIXED or b.type is ValueType.MIXED or not _compatible(a, b):
        return _merge_mixed(a, b, count, optional)
    result = _merge_same(a, b)
    result.count = count
    result.optional = optional
    result.nullable = a.nullable or b.nullable
    return result


_NUMERIC = frozenset({ValueType.INTEGER, ValueType.NUMBER})
_OBJECTS = frozenset({ValueType.OBJECT, ValueType.MAP})


def _compatible(a: Shape, b: Shape) -> bool:
    return a.type is b.type or {a.type, b.type} <= _NUMERIC or {a.type, b.type} <= _OBJECTS


def map_values(shape: Shape) -> Shape | None:
    """The shape of all the values of a map, or of all the fields of a record read as one.

    None when there is nothing to merge (a truncated object).
    """
    if shape.type is ValueType.MAP:
        return shape.items
    if not shape.fields:
        return None if shape.fields is None else Shape(type=ValueType.UNKNOWN)
    merged: Shape | None = None
    for child in shape.fields.values():
        value = _copy_with(child, optional=False)
        merged = value if merged is None else merge(merged, value)
    return merged


def _merge_same(a: Shape, b: Shape) -> Shape:
    if a.type is not b.type and {a.type, b.type} <= _OBJECTS:
        return _merge_map(a, b)
    if a.type is not b.type:  # integer and number
        return Shape(
            type=ValueType.NUMBER,
            format=_meet_number_formats(a, b),
            samples=_samples(a.samples, b.samples),
        )
    result = Shape(type=a.type, samples=_samples(a.samples, b.samples))
    result.truncated = a.truncated or b.truncated
    if a.type is ValueType.TEXT:
        result.format = meet_formats(a.format, b.format)
    elif a.type in _NUMERIC:
        result.format = _meet_number_formats(a, b)
    if a.type is ValueType.TEXT:
        if a.embedded is not None and b.embedded is not None:
            result.embedded = merge(a.embedded, b.embedded)
    elif a.type is ValueType.OBJECT:
        result.fields = _merge_fields(a, b)
        _read_as_map(result)
    elif a.type is ValueType.LIST or a.type is ValueType.MAP:
        result.items = _merge_items(a.items, b.items)
    if a.content_type == b.content_type:
        result.content_type = a.content_type
    if a.size is not None and b.size is not None:
        result.size = max(a.size, b.size)
    return result


def _meet_number_formats(a: Shape, b: Shape) -> TextFormat | None:
    """The format of numbers merged: a sample of only zeros ("never", in a Unix-time
    field) does not undo the other's format, as inferring both at once would not."""
    if a.format is None and set(a.samples) <= {0}:
        return b.format
    if b.format is None and set(b.samples) <= {0}:
        return a.format
    return meet_formats(a.format, b.format)


def _merge_fields(a: Shape, b: Shape) -> dict[str, Shape] | None:
    if a.fields is None or b.fields is None:
        # A truncated object has no field list: nothing is known below it.
        return a.fields if b.fields is None else b.fields if a.fields is None else None
    fields: dict[str, Shape] = {}
    for name, left in a.fields.items():
        right = b.fields.get(name)
        if right is None:
            fields[name] = _copy_with(left, optional=True)
        else:
            fields[name] = merge(left, right)
    for name, right in b.fields.items():
        if name not in a.fields:
            fields[name] = _copy_with(right, optional=True)
    return fields


def _merge_map(a: Shape, b: Shape) -> Shape:
    """A map merged with a record: the record's fields are more values of the map."""
    mapped, record = (a, b) if a.type is ValueType.MAP else (b, a)
    keys: list[Sample] = [*list(record.fields or ())[:2]]
    return Shape(
        type=ValueType.MAP,
        samples=_samples(mapped.samples, keys),
        items=_merge_items(mapped.items, map_values(record)),
        truncated=mapped.truncated,
    )


def _read_as_map(shape: Shape) -> None:
    """Turn merged record ``shape`` into a map, in place, when its fields read as one."""
    fields = shape.fields
    if fields is None or not could_be_map(fields):
        return  # the common case, decided without merging the fields' shapes
    named = len(fields) <= MAX_FIELDS and keys_name_data(fields)
    values = map_values(shape)
    unify = values is not None and values_unify(values)
    if len(fields) <= MAX_FIELDS and not named:
        text = values is not None and values.type is ValueType.TEXT
        if not unify or not keys_look_like_map(fields, text):
            return
    shape.fields = None
    if unify or named:
        shape.type = ValueType.MAP
        shape.items = values
        shape.samples = [*list(fields)[:2]]
    else:
        shape.truncated = True


def _merge_items(a: Shape | None, b: Shape | None) -> Shape | None:
    if a is None or b is None:
        return a if b is None else b
    return merge(a, b)


def _merge_mixed(a: Shape, b: Shape, count: int, optional: bool) -> Shape:
    variants = _variants(a) + _variants(b)
    merged: list[Shape] = []
    for variant in sorted(variants, key=lambda v: _ORDER[v.type]):
        same = next((m for m in merged if _compatible(m, variant)), None)
        if same is None:
            merged.append(_copy_with(variant, optional=False))
        else:
            merged[merged.index(same)] = merge(same, variant)
    merged.sort(key=lambda v: _ORDER[v.type])
    nullable = a.nullable or b.nullable
    if len(merged) == 1:
        result = merged[0]
        result.count, result.optional, result.nullable = count, optional, nullable
        return result
    return Shape(
        type=ValueType.MIXED,
        variants=merged,
        count=count,
        optional=optional,
        nullable=nullable,
    )


def _variants(shape: Shape) -> list[Shape]:
    if shape.type is ValueType.MIXED and shape.variants is not None:
        return list(shape.variants)
    variant = _copy_with(shape, optional=False)
    variant.nullable = False
    return [variant]


def _samples(a: list[Sample], b: list[Sample]) -> list[Sample]:
    out: list[Sample] = []
    for value in (*a, *b):
        if value not in out:
            out.append(value)
    return out[:2]


def _copy_with(shape: Shape, *, optional: bool) -> Shape:
    return Shape(
        type=shape.type,
        format=shape.format,
        nullable=shape.nullable,
        optional=optional,
        count=shape.count,
        samples=list(shape.samples),
        fields=dict(shape.fields) if shape.fields is not None else None,
        items=shape.items,
        variants=list(shape.variants) if shape.variants is not None else None,
        embedded=shape.embedded,
        truncated=shape.truncated,
        content_type=shape.content_type,
        size=shape.size,
    )
