"""``schema``: print the JSON Schema of the workspace or bundle file format."""

from __future__ import annotations

import argparse

import orjson

from designer.cli.options import Parser
from designer.cli.output import stdout_bytes

__all__ = ["register_schema"]


def _cmd_schema(args: argparse.Namespace) -> int:
    from designer.core.workspace import file as workspace_file

    if args.bundle:
        from designer.core.interop.bundle import bundle_json_schema

        schema = bundle_json_schema()
    else:
        schema = workspace_file.json_schema()
    stdout_bytes(orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    return 0


def register_schema(parser: Parser) -> None:
    parser.description = (
        "Print the JSON Schema (2020-12) of the workspace file, or with --bundle of the "
        "connector bundle file, for editors and CI."
    )
    parser.add_argument(
        "--bundle", action="store_true", help="the schema of the bundle file instead"
    )
    parser.set_defaults(handler=_cmd_schema)
