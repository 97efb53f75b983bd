"""How a structure node reads in the tree: type labels, markers, samples, tooltips, colours.

Kept apart from the item model so the wording lives in one place and can be
tested without building a model. Type labels follow the core's
:attr:`Shape.label` ("text (date)", "list of object", "map of number"); the
combo box offers the same words, as Bubble's returned-values dialog offers its
types: the value types for a value, *object* and *map* for an object or a map.
"""

from __future__ import annotations

import orjson
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QApplication

from designer.core.inference import Change
from designer.core.structure import (
    NUMBER_FORMATS,
    FieldOverride,
    Shape,
    TextFormat,
    ValueType,
    format_applies,
)

__all__ = [
    "CHOICES_ROLE",
    "OBJECT_CHOICES",
    "TYPE_CHOICES",
    "change_brush",
    "excluded_brush",
    "field_text",
    "parse_choice",
    "sample_text",
    "tooltip",
    "type_choice",
    "type_choices",
    "type_editable",
    "type_text",
]

_SCALARS = (ValueType.TEXT, ValueType.INTEGER, ValueType.NUMBER, ValueType.BOOLEAN)
#: What the Type combo box offers for a value: plain types, text with a format, and
#: integers and numbers that are Unix times.
TYPE_CHOICES: tuple[str, ...] = (
    "text",
    *(f"text ({fmt.value})" for fmt in TextFormat if fmt not in NUMBER_FORMATS),
    "integer",
    *(f"integer ({fmt.value})" for fmt in TextFormat if fmt in NUMBER_FORMATS),
    "number",
    *(f"number ({fmt.value})" for fmt in TextFormat if fmt in NUMBER_FORMATS),
    "boolean",
)
#: What it offers for an object or a map: whether its keys are field names or data.
OBJECT_CHOICES: tuple[str, ...] = (ValueType.OBJECT.value, ValueType.MAP.value)
#: The item-data role under which the model gives a node's choices to the combo box.
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 1
_OBJECTS = (ValueType.OBJECT, ValueType.MAP)
_SAMPLE_CHARS = 120
# Translucent, so they read on light and dark palettes alike. Fields that only
# became optional or nullable are marked in their Type cell alone, in a fainter
# blue (and named in the tooltip): merging a sample can make most fields
# optional, and a tree all in colour would say nothing.
_CHANGE_COLOURS = {
    "added": QColor(46, 160, 67, 70),
    "type": QColor(230, 150, 0, 80),
    "removed": QColor(215, 58, 73, 60),
    "optional": QColor(56, 139, 253, 55),
    "nullable": QColor(56, 139, 253, 55),
}
#: The changes marked in the Type cell only.
TYPE_CELL_CHANGES = frozenset({"optional", "nullable"})
_CHANGE_WORDS = {
    "added": "Added since the previous initialize",
    "optional": "Became optional since the previous initialize",
    "nullable": "Became nullable since the previous initialize",
}


def type_editable(shape: Shape) -> bool:
    """Whether the user may pick a type: values, and objects (as maps) and maps; not lists."""
    return shape.type not in (ValueType.LIST, ValueType.BINARY)


def type_choices(shape: Shape) -> tuple[str, ...]:
    """The entries of the Type combo box for a node."""
    return OBJECT_CHOICES if shape.type in _OBJECTS else TYPE_CHOICES


def _label(kind: ValueType, fmt: TextFormat | None) -> str:
    if fmt is not None and format_applies(kind, fmt):
        return f"{kind.value} ({fmt.value})"
    return kind.value


def type_choice(shape: Shape, override: FieldOverride | None) -> str:
    """The Type combo box's current value for a node."""
    if override is not None and override.type is not None:
        return _label(override.type, override.format)
    if shape.type in _SCALARS or shape.type in _OBJECTS:
        return _label(shape.type, shape.format)
    return "text"


def parse_choice(choice: str) -> tuple[ValueType, TextFormat | None] | None:
    """The type and format a combo-box entry stands for, or None if it names none."""
    if choice not in TYPE_CHOICES and choice not in OBJECT_CHOICES:
        return None
    kind, _, fmt = choice.partition(" (")
    return ValueType(kind), TextFormat(fmt[:-1]) if fmt else None


def field_text(name: str, override: FieldOverride | None) -> str:
    if override is not None and override.label:
        return f"{override.label} ({name})"
    return name


def type_text(shape: Shape, override: FieldOverride | None) -> str:
    """The type with its markers, e.g. ``number · optional · nullable``."""
    if override is not None and override.type is not None:
        text = _label(override.type, override.format)
    else:
        text = shape.label
    markers = [m for m, on in (("optional", shape.optional), ("nullable", shape.nullable)) if on]
    if shape.embedded is not None:
        markers.append("holds JSON")
    return " · ".join([text, *markers])


def sample_text(shape: Shape) -> str:
    """The first sample, or a count for lists and objects; long values are cut."""
    if shape.type is ValueType.LIST and shape.items is not None:
        n = shape.items.count
        items = f"{n:,} item" if n == 1 else f"{n:,} items"
        return items if shape.count <= 1 else f"{items} in {shape.count:,} lists"
    if shape.type is ValueType.MAP and shape.items is not None:
        n = shape.items.count
        keys = f"{n:,} key" if n == 1 else f"{n:,} keys"
        if shape.count > 1:
            return f"{keys} in {shape.count:,} maps"
        named = ", ".join(str(k) for k in shape.samples)
        return f"{keys}: {named}, …" if named and n > len(shape.samples) else keys
    if shape.type is ValueType.OBJECT:
        n = len(shape.fields or ())
        return f"{n:,} field" if n == 1 else f"{n:,} fields"
    samples = [*shape.samples, *(s for v in shape.variants or () for s in v.samples)]
    sample = next((s for s in samples if s is not None), None)
    if sample is None and shape.content_type:
        return f"{shape.content_type}, {shape.size or 0:,} bytes"
    if sample is None:
        return "null" if samples else ""
    text = sample if isinstance(sample, str) else orjson.dumps(sample).decode()
    text = " ".join(text.split())  # one line in the cell, whatever the sample holds
    return text if len(text) <= _SAMPLE_CHARS else text[: _SAMPLE_CHARS - 1] + "…"


def tooltip(
    path: str,
    shape: Shape,
    parent_count: int,
    override: FieldOverride | None,
    change: Change | None,
) -> str:
    """Where the field is, its full type and sample, how often it was seen, what changed.

    The Type and Sample columns are kept narrow and elide; the tooltip shows them whole.
    """
    lines = [path or "(response)", type_text(shape, override)]
    if sample := sample_text(shape):
        lines.append(f"Sample: {sample[:_TOOLTIP_SAMPLE]}")
    if parent_count > 1:
        lines.append(f"Seen in {shape.count:,} of {parent_count:,} objects")
    if shape.nullable:
        lines.append("Sometimes null")
    if shape.truncated:
        lines.append("Too deep or too wide: what lies below was not inferred")
    if shape.type is ValueType.MAP:
        lines.append("Its keys are data (ids, dates, codes), not field names:")
        lines.append("one row describes the value at every key")
    if override is not None and override.type is not None:
        chosen = _label(override.type, override.format)
        lines.append(f"Detected as {shape.label}; you chose {chosen}")
        if override.type is ValueType.OBJECT and shape.type is ValueType.MAP:
            lines.append("Initialize again to list its keys as fields")
    if override is not None and not override.include:
        lines.append("Excluded: this field is left out of the call's data")
    if change is not None:
        if change.kind == "type":
            lines.append(f"Type changed from {change.before} to {change.after}")
        elif change.kind == "removed":
            lines.append(f"Removed since the previous initialize (was {change.before})")
        else:
            lines.append(_CHANGE_WORDS.get(change.kind, change.kind))
    samples = [s for s in shape.samples if s is not None]
    if len(samples) > 1 and shape.type is ValueType.MAP:
        lines.append("Keys such as: " + ", ".join(orjson.dumps(s).decode()[:60] for s in samples))
    elif len(samples) > 1 and shape.type not in (ValueType.OBJECT, ValueType.LIST):
        shown = ", ".join(orjson.dumps(s).decode()[:60] for s in samples)
        lines.append(f"Samples: {shown}")
    return "\n".join(lines)


#: Characters of a sample shown in a tooltip: enough for a long URL or sentence.
_TOOLTIP_SAMPLE = 400


def change_brush(change: Change) -> QBrush | None:
    colour = _CHANGE_COLOURS.get(change.kind)
    return None if colour is None else QBrush(colour)


def excluded_brush() -> QBrush:
    palette = QApplication.palette()
    return palette.brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
