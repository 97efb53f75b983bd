"""Spec against reality: where a real answer departs from the structure its API documents.

A call imported from an OpenAPI (or Swagger) document keeps the documented
response structure beside the one inferred from real answers. Comparing the
two tells a connector builder that the docs are wrong before a workflow
breaks. The rules, from the documented node to the node seen in the answer:

- **undocumented**: a field the answer has and the documented object does not
  list. An object documented without fields (free-form) lists nothing to
  compare, so its fields are never reported.
- **missing**: a field the documentation *requires* that the answer lacks, or
  holds only in some of its objects. A documented optional field that is
  absent is no departure: optional means it may be.
- **type**: the answer's type is not the documented one. An integer where a
  number is documented is no departure (every integer is a number), nor is a
  record where a map is documented (its fields are compared with the map's
  values), nor anything where the documentation says nothing (no type, or a
  node cut short by the importer's size bounds). For a documented choice of
  types (``oneOf``), the answer must be one of them.
- **format**: the documentation gives a format (``date-time``, ``uuid``,
  ``unix-time``…) and the answer's values do not read as it: a different
  format was detected, or the values seen (the two samples kept) do not match
  it. A format the answer shows and the documentation does not give is no
  departure: the documentation is only less precise.
- **nullable**: the answer holds null where the documentation does not allow
  it (neither ``nullable`` nor a ``null`` type).

Only what the answer shows is judged: an empty list's items, or a field seen
only as null, say nothing about their type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from designer.core.inference.formats import UNIX_MILLIS, UNIX_SECONDS, detect_format
from designer.core.structure import NUMBER_FORMATS, Shape, TextFormat, ValueType, child_path

__all__ = ["Departure", "DepartureKind", "departures", "summarize_departures"]

DepartureKind = Literal["undocumented", "missing", "type", "format", "nullable"]


@dataclass(frozen=True, slots=True)
class Departure:
    """One place where the real answer departs from the documented structure."""

    kind: DepartureKind
    path: str
    #: the documented type (None for a field the documentation lacks)
    documented: str | None = None
    #: what the answer holds (None for a field the answer lacks)
    actual: str | None = None

    def __str__(self) -> str:
        where = self.path or "(root)"
        if self.kind == "undocumented":
            return f"{where}: in the answer ({self.actual}), not in the spec"
        if self.kind == "missing":
            seen = "only in some objects" if self.actual else "not in the answer"
            return f"{where}: required by the spec ({self.documented}), {seen}"
        if self.kind == "nullable":
            return f"{where}: null in the answer, the spec says {self.documented}"
        return f"{where}: the spec says {self.documented}, the answer holds {self.actual}"


_WORDS: dict[DepartureKind, tuple[str, str]] = {
    "undocumented": ("field not in the spec", "fields not in the spec"),
    "missing": ("required field missing", "required fields missing"),
    "type": ("type differs", "types differ"),
    "format": ("format differs", "formats differ"),
    "nullable": ("null not allowed", "nulls not allowed"),
}


def summarize_departures(found: list[Departure]) -> str:
    """One line such as ``2 fields not in the spec, 1 type differs``; ``as documented``."""
    if not found:
        return "as documented"
    parts = []
    for kind, (one, many) in _WORDS.items():
        n = sum(1 for d in found if d.kind == kind)
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts)


def departures(documented: Shape, actual: Shape) -> list[Departure]:
    """Where ``actual`` (inferred from real answers) departs from ``documented``, in tree order.

    Iterative, so deep structures cannot exhaust the stack.
    """
    found: list[Departure] = []
    stack: list[tuple[str, Shape, Shape]] = [("", documented, actual)]
    while stack:
        path, doc, got = stack.pop()
        children: list[tuple[str, Shape, Shape]] = []
        _compare(path, doc, got, found, children)
        stack.extend(reversed(children))
    return found


_NUMERIC = (ValueType.INTEGER, ValueType.NUMBER)
_OBJECTS = (ValueType.OBJECT, ValueType.MAP)


def _fits(doc: ValueType, got: ValueType) -> bool:
    """Whether a value of type ``got`` is a value of documented type ``doc``."""
    if doc is got or doc is ValueType.UNKNOWN:
        return True
    if doc is ValueType.NUMBER and got is ValueType.INTEGER:
        return True
    if doc in _OBJECTS and got in _OBJECTS:
        return True
    return doc is ValueType.TEXT and got is ValueType.BINARY


def _documents_nothing(doc: Shape) -> bool:
    return doc.type is ValueType.UNKNOWN or (doc.truncated and not doc.fields and not doc.items)


def _compare(
    path: str,
    doc: Shape,
    got: Shape,
    found: list[Departure],
    children: list[tuple[str, Shape, Shape]],
) -> None:
    if _documents_nothing(doc) or got.type is ValueType.UNKNOWN:
        return
    allows_null = doc.nullable or doc.type is ValueType.NULL
    if got.type is ValueType.NULL:
        if not allows_null:
            found.append(Departure("nullable", path, doc.label, "null"))
        return
    if got.nullable and not allows_null:
        found.append(Departure("nullable", path, doc.label, got.label))
    seen = got.variants if got.type is ValueType.MIXED and got.variants else [got]
    options = doc.variants if doc.type is ValueType.MIXED and doc.variants else [doc]
    pairs: list[tuple[Shape, Shape]] = []
    for variant in seen:
        match = next((o for o in options if _fits(o.type, variant.type)), None)
        if match is None:
            found.append(Departure("type", path, doc.label, got.label))
            return
        pairs.append((match, variant))
    for option, variant in pairs:
        if not _format_fits(option, variant):
            found.append(Departure("format", path, option.label, variant.label))
        _children_of(path, option, variant, found, children)


def _format_fits(doc: Shape, got: Shape) -> bool:
    fmt = doc.format
    if fmt is None or got.format is fmt:
        return True
    if fmt is TextFormat.URL and got.format is TextFormat.IMAGE_URL:
        return True
    if got.format is not None:
        return False
    # Detection is cautious (a Unix time needs a name that says time): the values decide.
    values = [s for s in got.samples if s is not None and not isinstance(s, bool)]
    return all(_reads_as(fmt, s) for s in values)


def _reads_as(fmt: TextFormat, sample: object) -> bool:
    if fmt in NUMBER_FORMATS:
        if not isinstance(sample, int | float) or sample == 0:
            return sample == 0
        low, high = UNIX_SECONDS if fmt is TextFormat.UNIX_TIME else UNIX_MILLIS
        return low <= sample < high
    if not isinstance(sample, str):
        return False
    if sample.endswith("…"):  # a sample cut short: only its beginning is known
        return True
    found = detect_format([sample])
    return found is fmt or (fmt is TextFormat.URL and found is TextFormat.IMAGE_URL)


def _children_of(
    path: str,
    doc: Shape,
    got: Shape,
    found: list[Departure],
    children: list[tuple[str, Shape, Shape]],
) -> None:
    if doc.type is ValueType.MAP and doc.items is not None:
        if got.type is ValueType.MAP and got.items is not None:
            children.append((child_path(path, None), doc.items, got.items))
        elif got.fields:  # a record where a map is documented: each field is a value
            for name, child in got.fields.items():
                children.append((child_path(path, name), doc.items, child))
        return
    if doc.type is ValueType.OBJECT:
        if not doc.fields or got.fields is None:
            return  # free-form, or the answer was not inferred this deep
        for name, child in got.fields.items():
            here = child_path(path, name)
            documented = doc.fields.get(name)
            if documented is None:
                found.append(Departure("undocumented", here, None, child.label))
            else:
                if child.optional and not documented.optional:
                    found.append(Departure("missing", here, documented.label, child.label))
                children.append((here, documented, child))
        for name, documented in doc.fields.items():
            if name not in got.fields and not documented.optional:
                found.append(Departure("missing", child_path(path, name), documented.label))
        return
    if doc.type is ValueType.LIST and doc.items is not None and got.items is not None:
        children.append((child_path(path, None), doc.items, got.items))
