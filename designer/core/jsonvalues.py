"""JSON that is valid, or common in the wild, but awkward: one policy everywhere.

Response bodies and imported documents follow the same rules:

- **Encodings.** UTF-8 with or without a byte order mark; UTF-16 and UTF-32
  with a byte order mark, or without one when the NUL pattern of the first
  bytes shows them (RFC 8259 §8.1 asks for UTF-8, older servers send these).
- **Lone surrogates.** An escape such as ``"\\ud800"`` with no partner is
  valid JSON syntax but no character: it becomes U+FFFD (``�``), in keys and
  values, so the text can be shown, stored and written as UTF-8.
- **Big integers.** Integers beyond 64 bits are read as numbers (floats), as
  the fast parser (orjson) reads them, so a body is typed the same whichever
  parser read it; beyond the float range they count as Infinity.
- **NaN and Infinity.** Not JSON, but written by some servers (Python's
  ``json``, for one), and so is ``1e999``, which overflows to Infinity: they
  are read as numbers and never kept as samples, since JSON cannot write them.
- **Duplicate keys.** The last value wins, as in every common parser, and
  a note names the key, since the earlier value is silently lost.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from typing import Any

__all__ = [
    "BIG_INT",
    "DROP",
    "DUPLICATE_CHECK_LIMIT",
    "decode_json_bytes",
    "after_fast_parse",
    "loads_lenient",
    "may_hold_surrogates",
    "plain_scalar",
    "sample_value",
]

#: Bodies up to this size are also checked for duplicate keys when the fast
#: parser (which keeps the last value without a word) has read them; larger
#: ones are not, as the check costs a second, slower parse.
DUPLICATE_CHECK_LIMIT = 1 << 20

#: Integers from here on (in absolute value) do not fit 64 bits.
BIG_INT = 1 << 63

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# A high surrogate escape with no low one after it, or a low one with no high
# one before it; a proper pair (an escaped emoji) is one character and fine.
# Both branches start with the literal "\\u", which the regex engine scans for fast.
_LONE = (
    r"\\u[dD](?:[89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    r"|[c-fC-F][0-9a-fA-F]{2}(?<!\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}))"
)
_SURROGATE_ESCAPE = re.compile(_LONE)
_SURROGATE_ESCAPE_BYTES = re.compile(_LONE.encode())
_SURROGATE_NOTE = "Unpaired surrogate escapes (\\ud800…) replaced by U+FFFD"


def decode_json_bytes(data: bytes) -> str | None:
    """``data`` decoded when it carries a BOM or is UTF-16/32; None for plain UTF-8 or other."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    head = data[:4]
    if len(head) == 4 and head.count(0) >= 2:
        zeros = (head[0] == 0, head[1] == 0, head[2] == 0, head[3] == 0)
        unmarked = {
            (True, True, True, False): "utf-32-be",
            (False, True, True, True): "utf-32-le",
            (True, False, True, False): "utf-16-be",
            (False, True, False, True): "utf-16-le",
        }.get(zeros)
        if unmarked is not None:
            return data.decode(unmarked, errors="replace")
    return None


def _replace_surrogates(text: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", text)


class _Reader:
    """``json.loads`` hooks that apply the policy and collect notes."""

    def __init__(self) -> None:
        self.duplicates: list[str] = []
        self.non_finite = False

    def pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result and len(self.duplicates) < 3:
                self.duplicates.append(key)
            result[key] = value  # the last value wins
        return result

    def constant(self, name: str) -> float:
        self.non_finite = True
        return float(name)

    def int_(self, text: str) -> int | float:
        # Checking the length first also avoids int()'s limit of 4300 digits.
        if len(text) <= 20:
            value = int(text)
            if -BIG_INT <= value < BIG_INT:
                return value
        return self.float_(text)

    def float_(self, text: str) -> float:
        value = float(text)
        if math.isinf(value):
            self.non_finite = True
        return value

    def notes(self) -> list[str]:
        notes = []
        if self.duplicates:
            shown = ", ".join(f"'{_replace_surrogates(k)}'" for k in self.duplicates)
            notes.append(f"Duplicate key {shown} in an object: the last value is used")
        if self.non_finite:
            notes.append(
                "NaN or Infinity (not JSON) read as a number; such values are not kept as samples"
            )
        return notes


def loads_lenient(text: str | bytes, notes: list[str] | None = None) -> Any:
    """Parse JSON with the policy above; ``notes`` receives what the user should know.

    Raises :class:`json.JSONDecodeError` (a :class:`ValueError`) for text
    that is not JSON, and :class:`RecursionError` for very deep documents.
    """
    reader = _Reader()
    value = json.loads(
        text,
        object_pairs_hook=reader.pairs,
        parse_constant=reader.constant,
        parse_float=reader.float_,
        parse_int=reader.int_,
    )
    raw = text if isinstance(text, str) else text.decode("utf-8", errors="replace")
    if _SURROGATE_ESCAPE.search(raw) or _LONE_SURROGATE.search(raw):
        value = _clean_surrogates(value)
        if notes is not None:
            notes.append(_SURROGATE_NOTE)
    if notes is not None:
        notes.extend(reader.notes())
    return value


def after_fast_parse(data: bytes, value: Any, notes: list[str] | None) -> Any:
    """Apply the policy to ``value``, which orjson parsed from ``data``.

    orjson keeps lone surrogates (which nothing can then write) and the last
    of duplicate keys without a word; both are looked for only when a cheap
    scan of the bytes says they may be there.
    """
    if b"\\u" in data and _SURROGATE_ESCAPE_BYTES.search(data):
        value = _clean_surrogates(value)
        if notes is not None:
            notes.append(_SURROGATE_NOTE)
    if notes is not None and len(data) <= DUPLICATE_CHECK_LIMIT and b'"' in data:
        reader = _Reader()
        try:
            json.loads(data, object_pairs_hook=reader.pairs)
        except (ValueError, RecursionError):
            pass
        notes.extend(note for note in reader.notes() if note.startswith("Duplicate"))
    return value


def _clean_surrogates(root: Any) -> Any:
    """``root`` with lone surrogates replaced in every key and string; iterative, for depth."""
    if isinstance(root, str):
        return _replace_surrogates(root)
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            items = list(node.items())
            node.clear()
            for key, value in items:
                node[_replace_surrogates(key)] = (
                    _replace_surrogates(value) if isinstance(value, str) else value
                )
                if isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, str):
                    node[index] = _replace_surrogates(value)
                elif isinstance(value, dict | list):
                    stack.append(value)
    return root


def plain_scalar(value: Any) -> Any:
    """A scalar of an imported document, made writable: no lone surrogates, no big ints."""
    if type(value) is str:
        return _replace_surrogates(value) if _LONE_SURROGATE.search(value) else value
    if type(value) is int and not -BIG_INT <= value < BIG_INT:
        try:
            return float(value)
        except OverflowError:
            return math.copysign(math.inf, value)
    return value


def may_hold_surrogates(data: bytes | str) -> bool:
    """A cheap test: False when ``data`` holds no lone-surrogate escape for sure."""
    if isinstance(data, str):
        return bool(_SURROGATE_ESCAPE.search(data) or _LONE_SURROGATE.search(data))
    return b"\\u" in data and bool(_SURROGATE_ESCAPE_BYTES.search(data))


DROP = object()


def sample_value(value: Any) -> Any:
    """``value`` as a sample JSON can write, or :data:`DROP` when there is none.

    Integers beyond 64 bits become floats (dropped beyond the float range);
    NaN and Infinity are dropped; strings lose lone surrogates.
    """
    if type(value) is int and not -BIG_INT <= value < BIG_INT:
        try:
            return float(value)
        except OverflowError:
            return DROP
    if type(value) is float and not math.isfinite(value):
        return DROP
    if type(value) is str and _LONE_SURROGATE.search(value):
        return _replace_surrogates(value)
    return value
