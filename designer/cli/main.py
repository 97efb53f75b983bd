"""The program: the parser of every command, and the entry point.

Opening the app needs only the command names (:data:`COMMANDS`), so each command's
module is imported when that command is run, as pip does.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import NoReturn

from designer.cli.output import PROG, stdout_text
from designer.core.errors import DesignerError
from designer.core.escaping import inert

Handler = Callable[[argparse.Namespace], int]

__all__ = ["COMMANDS", "Parser", "build_parser", "main"]


class Parser(argparse.ArgumentParser):
    """argparse with the program's one-line error style (exit code 2 is kept)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{PROG}: error: {message}\n")


class _VersionAction(argparse.Action):
    """``--version``, read when asked: the installed metadata costs start-up time to read."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from designer import __version__

        stdout_text(f"{PROG} {__version__}\n")
        parser.exit()


#: The subcommands, in the order --help lists them. Opening the app only needs
#: these names, so the commands' own modules are imported when one is run; a
#: test keeps this list equal to what :func:`build_parser` registers.
COMMANDS = (
    "infer",
    "init",
    "import",
    "export",
    "secrets",
    "sign-in",
    "check",
    "mock",
    "graphql",
    "listen",
    "validate",
    "schema",
    "demo-server",
)


def _registrations() -> list[Callable[[argparse._SubParsersAction[Parser]], None]]:
    """One function per subcommand that adds its parser, in the order of :data:`COMMANDS`."""
    from designer.cli.check import register_check
    from designer.cli.demo_server import register_demo_server
    from designer.cli.export import register_export
    from designer.cli.graphql import register_graphql
    from designer.cli.imports import register_import
    from designer.cli.infer import register_infer
    from designer.cli.init import register_init
    from designer.cli.listen import register_listen
    from designer.cli.mock import register_mock
    from designer.cli.schema import register_schema
    from designer.cli.secrets import register_secrets
    from designer.cli.sign_in import register_sign_in
    from designer.cli.validate import register_validate

    return [
        register_infer,
        register_init,
        register_import,
        register_export,
        register_secrets,
        register_sign_in,
        register_check,
        register_mock,
        register_graphql,
        register_listen,
        register_validate,
        register_schema,
        register_demo_server,
    ]


def _gui_parser() -> Parser:
    parser = Parser(
        prog=PROG,
        description=(
            "Design, initialize and share API connectors. Without a command, the desktop "
            "application opens; the commands below work without a display."
        ),
    )
    parser.add_argument(
        "workspace", nargs="?", metavar="WORKSPACE", help="a workspace file to open in the app"
    )
    parser.add_argument(
        "--example", action="store_true", help="open the bundled example and its demo API"
    )
    parser.add_argument(
        "--quit-after-load",
        action="store_true",
        help="open the window, print the start-up time and exit (for smoke tests)",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback when something fails"
    )
    return parser


def _wants_gui(argv: Sequence[str], commands: Iterable[str]) -> bool:
    """No subcommand among the arguments: the desktop application is meant."""
    positionals = [a for a in argv if not a.startswith("-")]
    if not positionals:
        # The top-level help lists the commands; anything else opens the app.
        return not any(a in ("-h", "--help") for a in argv)
    first = positionals[0]
    if first in set(commands):
        return False
    # A workspace to open, or a mistyped command: argparse then says
    # "invalid choice" and lists the commands, instead of the app opening.
    return os.path.exists(first) or first.endswith(".json")


def _register_commands(subparsers: argparse._SubParsersAction[Parser]) -> None:
    for register in _registrations():
        register(subparsers)


def build_parser() -> Parser:
    """The argument parser with every subcommand registered."""
    parser = Parser(
        prog=PROG,
        description="Design, initialize and share API connectors.",
        epilog=(
            "Without a command, the desktop application opens: "
            f"{PROG} [WORKSPACE] [--example] [--quit-after-load]. "
            f"Run '{PROG} COMMAND --help' for a command's options."
        ),
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback when something fails"
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    _register_commands(subparsers)
    for sub in subparsers.choices.values():
        # Also accept --debug after the subcommand, without resetting it when absent.
        sub.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show the traceback when something fails",
        )
    return parser


def _one_line(text: str) -> str:
    return inert(" ".join(text.split()))


def _fail(message: str, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    sys.stderr.write(f"{PROG}: error: {_one_line(message)}\n")
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _gui_parser() if _wants_gui(argv, COMMANDS) else build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else 2
    debug: bool = getattr(args, "debug", False)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        from designer.ui.app import run as run_gui

        handler = run_gui
    try:
        return handler(args)
    except DesignerError as exc:
        return _fail(str(exc), debug)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, and keep Python
        # from complaining again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        return _fail(
            f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)", debug
        )
