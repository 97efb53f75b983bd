"""The command line, ``connector-designer SUBCOMMAND``: one module per command.

:mod:`.main` holds the parser and the entry point, :mod:`.output` and
:mod:`.options` the shared output helpers and option types that every command
uses by their public names. The commands use the core only, never Qt.
"""

from __future__ import annotations

from designer.cli.main import COMMANDS, build_parser, main
from designer.cli.options import Parser
from designer.cli.output import PROG

__all__ = ["COMMANDS", "PROG", "Parser", "build_parser", "main"]
