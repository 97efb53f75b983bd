"""A readable, indented text tree of a structure, for the command line.

(root): object
  data: list of object  [2 items]
    []: object
      id: integer  = 1
      email?: text (email), nullable  = "a@example.com"  (1 of 2)
  rates: map of number  [30 keys]
    [key]: number  = 1.08
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from designer.core.escaping import inert
from designer.core.structure import FieldOverride, Shape, ValueType, child_path
from designer.core.wording import plural

__all__ = ["render_tree"]


def render_tree(shape: Shape, overrides: Mapping[str, FieldOverride] | None = None) -> str:
    """The structure as an indented tree with types, markers and one sample per field."""
    overrides = overrides or {}
    lines: list[str] = []
    # (name, shape, path, depth, parent count); a stack keeps deep trees off the call stack.
    stack: list[tuple[str, Shape, str, int, int]] = [("(root)", shape, "", 0, shape.count)]
    while stack:
        name, node, path, depth, parent_count = stack.pop()
        override = overrides.get(path)
        # A name or sample with a control character cannot forge rows or drive a terminal.
        lines.append("  " * depth + inert(_line(name, node, override, parent_count)))
        if override is not None and not override.include:
            continue
        children: list[tuple[str, Shape, str, int, int]] = []
        source = node.embedded if node.embedded is not None else node
        for variant in source.variants or [source]:
            if variant.fields:
                for field, child in variant.fields.items():
                    here = child_path(path, field)
                    children.append((field, child, here, depth + 1, variant.count))
            if variant.items is not None and variant.items.type is not ValueType.UNKNOWN:
                each = "[key]" if variant.type is ValueType.MAP else "[]"
                children.append((each, variant.items, child_path(path, None), depth + 1, 0))
        stack.extend(reversed(children))
    return "\n".join(lines)


def _line(name: str, node: Shape, override: FieldOverride | None, parent_count: int) -> str:
    label = node.label
    if override is not None and override.type is not None:
        detected = label
        label = override.type.value
        if override.format is not None:
            label += f" ({override.format.value})"
        label += f" (detected {detected})"
    shown = name
    if override is not None and override.label:
        shown = f"{override.label} [{name}]"
    text = f"{shown}{'?' if node.optional else ''}: {label}"
    if node.nullable:
        text += ", nullable"
    if node.embedded is not None:
        text += ", holds JSON"
    if node.truncated:
        text += ", not inferred below the depth limit"
    if node.type is ValueType.LIST and node.count == 1 and node.items is not None:
        text += f"  [{plural(node.items.count, 'item')}]"
    if node.type is ValueType.MAP and node.count == 1 and node.items is not None:
        text += f"  [{plural(node.items.count, 'key')}]"
    if node.content_type:
        text += f"  [{node.content_type}, {plural(node.size or 0, 'byte')}]"
    sample = next((s for s in node.samples if s is not None), None)
    if sample is not None and node.type not in (ValueType.OBJECT, ValueType.LIST, ValueType.MAP):
        text += "  = " + orjson.dumps(sample).decode()
    if node.optional and parent_count:
        text += f"  ({node.count} of {parent_count})"
    if override is not None and not override.include:
        text += "  (excluded)"
    return text
