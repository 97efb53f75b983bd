"""``validate``: check a workspace or bundle file without changing it."""

from __future__ import annotations

import argparse

from designer.cli.options import Parser
from designer.cli.output import read_input, stdout_text
from designer.core.wording import plural

__all__ = ["register_validate"]


def _cmd_validate(args: argparse.Namespace) -> int:
    from designer.core.workspace import file as workspace_file

    name: str = args.file
    data = read_input(name, limit=workspace_file.MAX_WORKSPACE_SIZE, what="workspace")
    source = "<stdin>" if name == "-" else name
    problems = workspace_file.validate_bytes(data, source)
    if problems:
        stdout_text("".join(f"{source}: {problem}\n" for problem in problems))
        return 1
    ws = workspace_file.loads(data, source=source)
    # It loads, but would not do what it says: reported like a problem.
    advisories = workspace_file.advisories(ws)
    if advisories:
        stdout_text("".join(f"{source}: {problem}\n" for problem in advisories))
        return 1
    calls = sum(len(api.calls) for api in ws.apis)
    stdout_text(f"{source}: valid ({plural(len(ws.apis), 'API')}, {plural(calls, 'call')})\n")
    return 0


def register_validate(parser: Parser) -> None:
    parser.description = (
        "Check a workspace file and print every problem with its JSON path, "
        "including mistakes that let it open but change what a call sends "
        "(a body parameter of a call without a body). "
        "Exits with 1 when there are problems."
    )
    parser.add_argument("file", metavar="FILE", help="the workspace file, or - for stdin")
    parser.set_defaults(handler=_cmd_validate)
