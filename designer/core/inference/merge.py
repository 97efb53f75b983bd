"""Merging two structures into one that describes the values of both.

Merging is how a second sample (a pasted response, a re-initialize in merge
mode, the full pass after a sampled one) refines a structure. It is
commutative and associative in everything users see (types, formats,
optional and nullable flags), so merging samples in any order gives the same
structure; it agrees with inferring all the values at once.
"""

from __future__ import annotations

from ..structure import Sample, Shape, ValueType
from .formats import meet_formats

__all__ = ["merge"]

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


def _compatible(a: Shape, b: Shape) -> bool:
    numeric = {ValueType.INTEGER, ValueType.NUMBER}
    return a.type is b.type or (a.type in numeric and b.type in numeric)


def _merge_same(a: Shape, b: Shape) -> Shape:
    if a.type is not b.type:  # integer and number
        return Shape(type=ValueType.NUMBER, samples=_samples(a.samples, b.samples))
    result = Shape(type=a.type, samples=_samples(a.samples, b.samples))
    result.truncated = a.truncated or b.truncated
    if a.type is ValueType.TEXT:
        result.format = meet_formats(a.format, b.format)
        if a.embedded is not None and b.embedded is not None:
            result.embedded = merge(a.embedded, b.embedded)
    elif a.type is ValueType.OBJECT:
        result.fields = _merge_fields(a, b)
    elif a.type is ValueType.LIST:
        result.items = _merge_items(a.items, b.items)
    if a.content_type == b.content_type:
        result.content_type = a.content_type
    if a.size is not None and b.size is not None:
        result.size = max(a.size, b.size)
    return result


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
