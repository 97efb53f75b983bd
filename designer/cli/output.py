"""Output and input shared by every command: stdout for data, stderr for notes.

Data (a tree, a document, a workspace) goes to standard output, so it can be piped;
notes and progress go to standard error. Every command uses these, by their public
names. Text is made inert on the way (:func:`~designer.core.escaping.inert`): a name
or message from a document or a server cannot drive the terminal with control
characters, which are shown as escapes such as ``\x1b``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import orjson

from designer.core import fileio
from designer.core.escaping import inert, inert_lines
from designer.core.structure import FieldOverride, Shape, shape_to_dict

__all__ = [
    "DEFAULT_MAX_BODY",
    "FORMATS",
    "MAX_COMMAND_SIZE",
    "MB",
    "PROG",
    "add_format_option",
    "emit_structure",
    "read_input",
    "stderr_note",
    "stdout_bytes",
    "stdout_text",
]


PROG = "connector-designer"


#: A pasted command, even with a large JSON body, is far below this.
MAX_COMMAND_SIZE = 16 * fileio.MB


def stdout_text(text: str) -> None:
    """Lines of text; control characters but line breaks and tabs are shown as escapes."""
    sys.stdout.write(inert_lines(text))
    sys.stdout.flush()


def stdout_bytes(data: bytes) -> None:
    """A document, exactly as it is when piped or redirected; on a terminal, inert.

    A curl script or a YAML document holds names as they are (in quotes), control
    characters included: on a terminal they are shown as escapes instead.
    """
    if sys.stdout.isatty():
        data = inert_lines(data.decode("utf-8", "replace")).encode("utf-8")
    # Bytes go straight to the buffer so UTF-8 output does not depend on the locale.
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # pragma: no cover - replaced streams without a buffer
        sys.stdout.write(data.decode("utf-8"))
    else:
        buffer.write(data)
    sys.stdout.flush()


def stderr_note(text: str) -> None:
    """One line on standard error; every control character is shown as an escape."""
    sys.stderr.write(f"{PROG}: {inert(text)}\n")


def read_input(name: str, *, limit: int, what: str) -> bytes:
    """The bytes of file ``name``, or of standard input for ``-``, bounded by ``limit``."""
    if name == "-":
        return fileio.read_stdin_bytes(limit, what=what)
    return fileio.read_bytes(name, limit=limit, what=what)


MB = 1024 * 1024


#: Bodies up to this size are inferred; a larger file is refused before it is read.
DEFAULT_MAX_BODY = 256 * MB


FORMATS = ("tree", "json-schema", "json")


def emit_structure(
    shape: Shape, fmt: str, *, title: str | None, overrides: dict[str, FieldOverride]
) -> None:
    from designer.cli.output import stdout_bytes, stdout_text
    from designer.core.inference import render_tree, to_json_schema

    if fmt == "tree":
        stdout_text(render_tree(shape, overrides) + "\n")
        return
    document: Any = (
        to_json_schema(shape, overrides, title=title)
        if fmt == "json-schema"
        else shape_to_dict(shape)
    )
    stdout_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))


def add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="tree",
        help="tree: readable indented tree (default); json-schema: JSON Schema 2020-12; "
        "json: the structure as stored in a workspace",
    )
