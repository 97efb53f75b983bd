"""Telling maps (objects whose keys are data) from records, and the size bounds.

Exchange rates keyed by currency code, collections keyed by id, time series
keyed by date: their keys are values, not field names, and a structure that
kept one field per key would grow with the data. Such an object becomes a
*map of X*, X being the merged shape of all its values.

An object (all the objects seen at one place, keys united) is a map when one
of these holds:

1. **Keys that look like data.** Every key is one of: a number (``42``,
   ``-1.5``); an ISO date, date-time, month or time (``2024-03-01``,
   ``2024-03``, ``09:30``); a UUID; a hex hash of 8 or more characters with a
   digit; a generated id (a word of 8 or more characters with 2 or more
   digits, or of 12 or more with a digit, or one starting with ``-`` as
   Firebase push ids do); a path, URL or e-mail address (``/pets``); a locale
   (``en-US``). At least :data:`DATA_KEYS_MIN` (2) keys are needed.
   Upper-case codes of 2 or 3 letters (currencies ``USD``, countries ``FR``)
   count as data too, but an object whose keys are all of that kind needs at
   least :data:`CODE_KEYS_MIN` (4) keys, since ``{"ID": …, "URL": …}`` is a
   record.
2. **Many keys whose values unify.** At least :data:`MAP_MIN_KEYS` (20) keys, as quicktype
   does; :data:`TEXT_MAP_MIN_KEYS` (50) when the values are text, because
   records of 20 to 50 text fields (headers, settings) are common.
3. **Too many keys.** More than :data:`MAX_FIELDS` (1,000) keys: such an
   object is never kept field by field. It is a map if its values unify,
   otherwise it is truncated, like a node below the depth limit.

Values **unify** when, nulls aside, they are all of one kind (numbers, text,
booleans, lists or objects); objects must also share at least one field
present in all of them (or be maps themselves). Rules 2 and 3 need unifying
values; rule 1 does not, since keys that are dates or ids say enough
(``{"2024-03-01": 5, "2024-03-02": "n/a"}`` is a map of integer or text).

Rules 2 and 3 also need **evidence** in the values: values that are all null,
all empty text, all empty objects or all empty lists say nothing about what
the object holds, so they never make a map. Such an object (Stripe's dispute
``evidence``: 27 named fields, all null in a sample) stays a record of
nullable (or empty) fields, and a later sample fills them in. For text the
evidence is read from the samples kept (up to two distinct values among the
first 50), so that inferring at once and merging judge alike.

Keys are judged as a set and values as a multiset, so the order of keys and
of list items never changes the decision. Merging samples re-applies the
rules to the merged fields, and a map merged with a record stays a map; so
merging agrees with inferring all samples at once except when a map meets a
sample that spoils the rule it was found by (values of another kind for rule
2, identifier keys for rule 1): the merge stays a map, inferring at once
gives a record. The user's choice of *map* or *object* for a path wins over
all of this, and on a re-initialize an object that was a map stays one.

A structure is bounded as a whole, too: after :data:`MAX_NODES` fields, the
objects still to infer are truncated, so no body can grow one past a fixed
size.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from designer.core.structure import Shape, ValueType

__all__ = [
    "CODE_KEYS_MIN",
    "DATA_KEYS_MIN",
    "MAP_MIN_KEYS",
    "MAX_FIELDS",
    "MAX_NODES",
    "TEXT_MAP_MIN_KEYS",
    "could_be_map",
    "keys_look_like_map",
    "keys_name_data",
    "value_kinds_unify",
    "values_unify",
]

MAP_MIN_KEYS = 20
TEXT_MAP_MIN_KEYS = 50
DATA_KEYS_MIN = 2
CODE_KEYS_MIN = 4
MAX_FIELDS = 1000
MAX_NODES = 20_000

_DATA_KEY = re.compile(
    r"""
      -?\d+(?:\.\d+)?                                             # numbers
    | \d{4}-\d{2}(?:-\d{2}(?:[T\ ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?
        (?:Z|[+-]\d{2}:?\d{2})?)?)?                               # dates, date-times, months
    | \d{2}:\d{2}(?::\d{2})?                                      # times
    | [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}  # UUIDs
    | (?=[a-zA-Z]*\d)[0-9a-fA-F]{8,}                              # hex hashes with a digit
    | -[\w-]+                                                     # Firebase push ids
    | [\w-]*?(?=[a-zA-Z]*\d[a-zA-Z]*\d)[A-Za-z0-9]{8,}[\w-]*      # ids with 2+ digits
    | [\w-]*?(?=[a-zA-Z]*\d)[A-Za-z0-9]{12,}[\w-]*                # long ids with a digit
    | /.* | [a-z][a-z0-9+.-]*://.* | [^@\s]+@[^@\s]+              # paths, URLs, e-mails
    | [a-z]{2}[-_][A-Z]{2}                                        # locales
    """,
    re.VERBOSE,
)
_CODE_KEY = re.compile(r"[A-Z]{2,3}")


def keys_look_like_map(keys: Collection[str], text_values: bool) -> bool:
    """Whether ``keys`` make a map; ``text_values`` says the values are text.

    The caller has checked that the values unify; this applies rules 1 and 2.
    """
    n = len(keys)
    if n < DATA_KEYS_MIN:
        return False
    if n >= (TEXT_MAP_MIN_KEYS if text_values else MAP_MIN_KEYS):
        return True
    return keys_name_data(keys)


def could_be_map(keys: Collection[str]) -> bool:
    """Whether ``keys`` could make a map with some values: a cheap test before typing them."""
    n = len(keys)
    return n >= DATA_KEYS_MIN and (n >= MAP_MIN_KEYS or keys_name_data(keys))


def keys_name_data(keys: Collection[str]) -> bool:
    """Rule 1: every key looks like data (and there are enough of them)."""
    if len(keys) < DATA_KEYS_MIN:
        return False
    codes_only = True
    for key in keys:
        if _DATA_KEY.fullmatch(key) is not None:
            codes_only = False
        elif _CODE_KEY.fullmatch(key) is None:
            return False
    return not codes_only or len(keys) >= CODE_KEYS_MIN


def value_kinds_unify(kinds: Collection[type]) -> bool:
    """Whether non-null values of these Python types can be one map's values."""
    return len(kinds) <= 1 or set(kinds) == {int, float}


def values_unify(merged: Shape) -> bool:
    """Whether ``merged``, the merged shape of a would-be map's values, is one kind of value
    and shows it: values that are all null or all empty are no evidence (see above)."""
    vtype = merged.type
    if vtype in (ValueType.MIXED, ValueType.UNKNOWN, ValueType.NULL):
        return False
    if vtype is ValueType.OBJECT:
        if merged.fields is None:
            return True  # truncated: nothing known inside
        if not merged.fields:
            return False
        return merged.count <= 1 or any(not child.optional for child in merged.fields.values())
    if vtype is ValueType.TEXT:
        return merged.samples != [""]
    if vtype is ValueType.LIST:
        items = merged.items
        return items is not None and (items.count > 0 or items.truncated)
    return True
