"""``infer``: the structure of a saved body (a file or standard input)."""

from __future__ import annotations

import argparse
import gc

from designer.cli.options import Parser, positive_int
from designer.cli.output import (
    DEFAULT_MAX_BODY,
    MB,
    add_format_option,
    emit_structure,
    read_input,
    stderr_note,
)
from designer.core.structure import ResponseType

__all__ = ["register_infer"]


def _content_type(name: str, given: str | None) -> str:
    if given:
        return given
    import mimetypes

    guessed, _ = mimetypes.guess_type(name)
    return guessed or ""


def _cmd_infer(args: argparse.Namespace) -> int:
    from designer.core.inference import infer_body

    name: str = args.file
    body = read_input(name, limit=args.max_size * MB, what="response body")
    # A short-lived process building millions of objects: the cyclic garbage
    # collector would repeatedly walk them all for nothing (it costs more
    # than parsing). Nothing here creates reference cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        kind = ResponseType(args.type)
        notes: list[str] = []
        shape = infer_body(body, _content_type(name, args.content_type), kind, notes=notes)
    finally:
        if collecting:  # as it was, for a caller that runs the command in its own process
            gc.enable()

    for note in notes:
        stderr_note(note)
    title = None if name == "-" else name
    emit_structure(shape, args.format, title=title, overrides={})
    return 0


def register_infer(parser: Parser) -> None:
    parser.description = (
        "Infer the structure of a response body (JSON, XML, text or binary) and print it "
        "as a tree, as JSON Schema, or as stored in a workspace."
    )
    parser.epilog = "example: curl -s https://api.example.com/items | connector-designer infer -"
    parser.add_argument("file", metavar="FILE", help="the body, or - for stdin")
    add_format_option(parser)
    parser.add_argument(
        "--content-type",
        metavar="TYPE",
        help="media type of the body (default: from the file name, else sniffed)",
    )
    parser.add_argument(
        "--type",
        choices=[t.value for t in ResponseType],
        default="auto",
        help="read the body as this type instead of detecting it",
    )
    parser.add_argument(
        "--max-size",
        type=positive_int,
        default=DEFAULT_MAX_BODY // MB,
        metavar="MB",
        help="refuse bodies larger than this many megabytes (default: %(default)s)",
    )
    parser.set_defaults(handler=_cmd_infer)
