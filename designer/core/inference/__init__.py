"""Response-structure inference: from a body to a typed tree, and back out as JSON Schema.

The public surface is re-exported here; the modules hold one concern each:
:mod:`.infer` (values to shapes), :mod:`.formats` (text formats),
:mod:`.merge`, :mod:`.diff` (walk, compare, summarize), :mod:`.schema`
(JSON Schema export), :mod:`.render` (text tree) and :mod:`.body` (parsing
JSON, XML, text and binary bodies).
"""

from designer.core.inference.body import detect_kind, infer_body, parse_json
from designer.core.inference.diff import Change, diff, summarize, walk
from designer.core.inference.infer import MAX_DEPTH, infer_value, infer_values
from designer.core.inference.merge import map_values, merge
from designer.core.inference.render import render_tree
from designer.core.inference.schema import SCHEMA_DIALECT, to_json_schema

__all__ = [
    "MAX_DEPTH",
    "SCHEMA_DIALECT",
    "Change",
    "detect_kind",
    "diff",
    "infer_body",
    "infer_value",
    "infer_values",
    "map_values",
    "merge",
    "parse_json",
    "render_tree",
    "summarize",
    "to_json_schema",
    "walk",
]
