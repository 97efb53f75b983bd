"""Walking a structure by path, and comparing two structures.

After a re-initialize the UI highlights what changed and says so in one line
("2 fields added, 1 changed type"); :func:`diff` lists those changes with the
path of each field. A map's keys are data, so they are never fields: two maps
compare by their values' structure, and when an object turns into a map (or
back) only that type change is reported, not each key.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from designer.core.structure import Shape, ValueType, child_path

__all__ = ["Change", "diff", "summarize", "walk"]

ChangeKind = Literal["added", "removed", "type", "optional", "nullable"]


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between an old and a new structure."""

    kind: ChangeKind
    path: str
    before: str | None = None
    after: str | None = None
    #: for a removed field: the path of the object (or list) that held it, and
    #: its name there (None for the items of a list), so a view can show where it was
    parent: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        where = self.path or "(root)"
        if self.kind == "type":
            return f"{where}: type changed from {self.before} to {self.after}"
        if self.kind in ("optional", "nullable"):
            return f"{where}: now {self.kind}"
        return f"{where}: {self.kind}"


def walk(shape: Shape, path: str = "") -> Iterator[tuple[str, Shape]]:
    """Every node of ``shape`` with its path, parents before children.

    Iterative, so arbitrarily deep structures cannot exhaust the stack.
    """
    for here, _parent, node in _walk(shape, path):
        yield here, node


def _walk(shape: Shape, path: str) -> Iterator[tuple[str, str | None, Shape]]:
    stack: list[tuple[str, str | None, Shape]] = [(path, None, shape)]
    while stack:
        here, parent, node = stack.pop()
        yield here, parent, node
        stack.extend(reversed([(p, here, c) for p, c in _children(here, node)]))


def _children(path: str, node: Shape) -> Iterator[tuple[str, Shape]]:
    for name, child in _named_children(node):
        yield child_path(path, name), child


def diff(old: Shape | None, new: Shape) -> list[Change]:
    """What changed from ``old`` to ``new``: added and removed fields (the top
    of each added or removed subtree only), changed types, and fields that
    became optional or nullable."""
    if old is None:
        return []
    before = {path: (parent, node) for path, parent, node in _walk(old, "")}
    after = {path: (parent, node) for path, parent, node in _walk(new, "")}
    changes: list[Change] = []
    for path, (parent, node) in after.items():
        if path not in before:
            if parent in before and not _map_turned(before[parent][1], after[parent][1]):
                changes.append(Change("added", path, None, node.label))
            continue
        previous = before[path][1]
        if previous.label != node.label:
            changes.append(Change("type", path, previous.label, node.label))
        if node.optional and not previous.optional:
            changes.append(Change("optional", path))
        if node.nullable and not previous.nullable:
            changes.append(Change("nullable", path))
    for path, (parent, node) in before.items():
        if path not in after and parent is not None and parent in after:
            if _map_turned(before[parent][1], after[parent][1]):
                continue
            name = _name_in(before[parent][1], parent, path)
            changes.append(Change("removed", path, node.label, None, parent, name))
    return changes


def _map_turned(old: Shape, new: Shape) -> bool:
    """Whether the holder of a field went from map to object or back (keys are not fields)."""
    return (old.type is ValueType.MAP) is not (new.type is ValueType.MAP)


def _name_in(holder: Shape, holder_path: str, path: str) -> str | None:
    """The name under which ``holder`` (at ``holder_path``) holds the child at ``path``."""
    for name, _child in _named_children(holder):
        if child_path(holder_path, name) == path:
            return name
    return None


def _named_children(node: Shape) -> Iterator[tuple[str | None, Shape]]:
    """Each child with its name: a field's name, or None for a list's items.

    A mixed value's object or list variant contributes its children.
    """
    if node.fields:
        yield from node.fields.items()
    if node.items is not None:
        yield None, node.items
    for variant in node.variants or ():
        yield from _named_children(variant)
    if node.embedded is not None:
        yield from _named_children(node.embedded)


_WORDS: dict[ChangeKind, tuple[str, str]] = {
    "added": ("field added", "fields added"),
    "removed": ("field removed", "fields removed"),
    "type": ("changed type", "changed type"),
    "optional": ("became optional", "became optional"),
    "nullable": ("became nullable", "became nullable"),
}


def summarize(changes: list[Change]) -> str:
    """One line such as ``2 fields added, 1 changed type``; ``no changes`` when empty."""
    if not changes:
        return "no changes"
    parts = []
    for kind, (one, many) in _WORDS.items():
        n = sum(1 for c in changes if c.kind == kind)
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts)
