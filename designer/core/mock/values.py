"""Values that fit a structure: the bodies the mock API answers with.

:class:`ValueMaker` walks a :class:`~designer.core.structure.Shape` and builds
a value that, inferred again, gives the same structure: samples where the
structure has them (bundles exported with ``--include-samples``), otherwise
values of the right type and format (a uuid, a date, an URL...). Lists get
three to five items so that what varies between items can vary: an optional
field is left out of the second item, a nullable one is null in the third,
and a mixed value cycles through its alternatives. A single object (not in a
list) has all its fields and no nulls, since one value cannot show both.

Everything comes from one :class:`random.Random` seeded by the caller, so the
same seed gives the same bodies. A node of a kind this version does not know
(a structure written by a newer version) becomes something plausible instead
of an error.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from xml.etree import ElementTree as ET

import orjson

from designer.core.inference.formats import detect_format
from designer.core.structure import Shape, TextFormat, ValueType

__all__ = ["ValueMaker", "to_xml"]

_WORDS = ["alpha", "bravo", "delta", "lima", "oscar", "sierra", "tango", "zulu"]
_EPOCH = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
#: Units per second of the Unix-time formats.
_UNIX_SCALE = {TextFormat.UNIX_TIME: 1, TextFormat.UNIX_TIME_MS: 1000}
#: Deeper than this, objects and lists come out empty (structures are bounded anyway).
MAX_DEPTH = 64


class ValueMaker:
    """Builds values for shapes; deterministic for a seed."""

    def __init__(self, seed: int | str = 0) -> None:
        self.rng = random.Random(seed)

    def value(self, shape: Shape, index: int | None = None, depth: int = 0) -> Any:
        """A value for ``shape``; ``index`` is the position among repeated values (list
        items), None for a value that appears once."""
        if shape.nullable and index is not None and index % 3 == 2:
            return None
        kind = shape.type
        if kind is ValueType.MIXED and shape.variants:
            variant = shape.variants[(index or 0) % len(shape.variants)]
            return self.value(variant, index, depth)
        maker = _MAKERS.get(kind)
        if maker is None:
            return self._unknown(shape, index, depth)
        return maker(self, shape, index, depth)

    # -- per type ----------------------------------------------------------------------------

    def _sample(self, shape: Shape) -> Any:
        seen = [s for s in shape.samples if s is not None and not _cut(s)]
        return self.rng.choice(seen) if seen else None

    def _text(self, shape: Shape, index: int | None, depth: int) -> Any:
        if shape.embedded is not None:
            inner = self.value(shape.embedded, None, depth + 1)
            return orjson.dumps(inner).decode()
        sample = self._sample(shape)
        # Only a sample that reads back as the same format: one of two seen values may
        # look like a date when the field as a whole is plain text.
        if isinstance(sample, str) and detect_format([sample]) == shape.format:
            return sample
        return self._formatted(shape.format)

    def _formatted(self, fmt: TextFormat | None) -> str:
        n = self.rng.randint(1, 9999)
        moment = _EPOCH + timedelta(minutes=self.rng.randint(0, 525_600))
        if fmt is TextFormat.UUID:
            return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        if fmt is TextFormat.DATE:
            return moment.date().isoformat()
        if fmt is TextFormat.DATE_TIME:
            return moment.isoformat().replace("+00:00", "Z")
        if fmt is TextFormat.TIME:
            return moment.strftime("%H:%M:%SZ")
        if fmt is TextFormat.EMAIL:
            return f"{self.rng.choice(_WORDS)}.{n}@example.com"
        if fmt is TextFormat.URL:
            return f"https://example.com/{self.rng.choice(_WORDS)}/{n}"
        if fmt is TextFormat.IMAGE_URL:
            return f"https://example.com/images/{n}.png"
        if fmt is TextFormat.DATE_TIME_RFC_2822:
            return format_datetime(moment)
        if fmt is TextFormat.IPV4:
            return f"192.0.2.{n % 256}"  # TEST-NET-1, RFC 5737
        if fmt is TextFormat.IPV6:
            return f"2001:db8::{n:x}"  # the documentation prefix, RFC 3849
        if fmt is TextFormat.CIDR:
            return f"198.51.100.0/{24 + n % 9}"  # TEST-NET-2, RFC 5737
        return f"{self.rng.choice(_WORDS).title()} {self.rng.choice(_WORDS)} {n}"

    def _integer(self, shape: Shape, index: int | None, depth: int) -> Any:
        sample = self._sample(shape)
        if isinstance(sample, int) and not isinstance(sample, bool):
            return sample
        if shape.format in _UNIX_SCALE:
            return round(self._moment().timestamp() * _UNIX_SCALE[shape.format])
        return self.rng.randint(1, 1000)

    def _number(self, shape: Shape, index: int | None, depth: int) -> Any:
        sample = self._sample(shape)
        if isinstance(sample, int | float) and not isinstance(sample, bool):
            return float(sample)  # 3 would read back as an integer
        if shape.format in _UNIX_SCALE:
            return self._moment().timestamp() * _UNIX_SCALE[shape.format] + 0.5
        return self.rng.randint(100, 99_999) / 100 + 0.005

    def _moment(self) -> datetime:
        return _EPOCH + timedelta(minutes=self.rng.randint(0, 525_600))

    def _boolean(self, shape: Shape, index: int | None, depth: int) -> Any:
        sample = self._sample(shape)
        return sample if isinstance(sample, bool) else self.rng.random() < 0.5

    def _null(self, shape: Shape, index: int | None, depth: int) -> Any:
        return None

    def _object(self, shape: Shape, index: int | None, depth: int) -> Any:
        out: dict[str, Any] = {}
        if depth >= MAX_DEPTH:
            return out
        for name, child in (shape.fields or {}).items():
            if child.optional and index is not None and index % 3 == 1:
                continue
            out[name] = self.value(child, index, depth + 1)
        return out

    def _list(self, shape: Shape, index: int | None, depth: int) -> Any:
        if shape.items is None or depth >= MAX_DEPTH or shape.items.type is ValueType.UNKNOWN:
            return []
        count = self.rng.randint(3, 5)
        if shape.items.variants:
            count = max(count, len(shape.items.variants))
        return [self.value(shape.items, i, depth + 1) for i in range(count)]

    def _map(self, shape: Shape, index: int | None, depth: int) -> Any:
        # A few keys that read as data (ids), so what a client infers is a map again.
        if shape.items is None or depth >= MAX_DEPTH:
            return {}
        keys = [str(uuid.UUID(int=self.rng.getrandbits(128), version=4)) for _ in range(3)]
        return {key: self.value(shape.items, i, depth + 1) for i, key in enumerate(keys)}

    def _unknown(self, shape: Shape, index: int | None, depth: int) -> Any:
        # A kind from a newer version: dict-like nodes hold fields or the shape of their values.
        if shape.fields:
            return self._object(shape, index, depth)
        values = getattr(shape, "values", None)
        inner = values if isinstance(values, Shape) else shape.items
        if inner is not None:
            return {f"key{i + 1}": self.value(inner, i, depth + 1) for i in range(3)}
        sample = self._sample(shape)
        return sample if sample is not None else None


_MAKERS: dict[ValueType, Any] = {
    ValueType.TEXT: ValueMaker._text,
    ValueType.INTEGER: ValueMaker._integer,
    ValueType.NUMBER: ValueMaker._number,
    ValueType.BOOLEAN: ValueMaker._boolean,
    ValueType.NULL: ValueMaker._null,
    ValueType.OBJECT: ValueMaker._object,
    ValueType.LIST: ValueMaker._list,
    ValueType.MAP: ValueMaker._map,
    ValueType.UNKNOWN: ValueMaker._null,
}


def _cut(sample: object) -> bool:
    # Long samples are stored shortened with an ellipsis: not a value the API sent.
    return isinstance(sample, str) and sample.endswith("…")


def to_xml(value: Any) -> bytes:
    """``value`` (as the XML inference reads documents: ``{root: content}``) as XML.

    ``@name`` keys become attributes, ``#text`` the element's text, lists
    repeated elements, and any other value the element's text.
    """
    if isinstance(value, dict) and len(value) == 1:
        tag, content = next(iter(value.items()))
    else:
        tag, content = "root", value
    root = ET.Element(_tag(tag))
    _fill(root, content)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _fill(element: ET.Element, content: Any) -> None:
    if not isinstance(content, dict):
        element.text = _text(content)
        return
    for key, child in content.items():
        if key.startswith("@"):
            element.set(key[1:], _text(child))
        elif key == "#text":
            element.text = _text(child)
        elif isinstance(child, list):
            for item in child:
                _fill(ET.SubElement(element, _tag(key)), item)
        else:
            _fill(ET.SubElement(element, _tag(key)), child)


def _tag(name: str) -> str:
    return name if name and (name[0].isalpha() or name[0] == "_") else f"_{name}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
