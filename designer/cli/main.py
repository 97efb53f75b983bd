"""The program: the table of commands, the parser of every command, and the entry point.

:data:`COMMAND_TABLE` names each command's module, its register function and its
help line. Opening the app needs only the names (:data:`COMMANDS`), so a
command's module is imported when the parser is built for a command, as pip does.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from designer.cli.options import Parser
from designer.cli.output import PROG, stdout_text
from designer.core.errors import DesignerError
from designer.core.escaping import inert

Handler = Callable[[argparse.Namespace], int]

__all__ = ["COMMANDS", "COMMAND_TABLE", "Command", "Parser", "build_parser", "main"]


class _VersionAction(argparse.Action):
    """``--version``, read when asked: the installed metadata costs start-up time to read."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from designer import __version__

        stdout_text(f"{PROG} {__version__}\n")
        parser.exit()


class Command(NamedTuple):
    """Where a subcommand lives, and the line ``--help`` shows for it."""

    #: Its module in :mod:`designer.cli`.
    module: str
    #: The function there that adds its options to the parser made for it.
    register: str
    #: The help line of the command in ``--help``.
    summary: str


#: Every subcommand, in the order --help lists them (as pip's ``commands_dict``).
#: Opening the app only needs the names, so a command's module is imported when
#: the parser is built, never at start-up.
COMMAND_TABLE: dict[str, Command] = {
    "infer": Command(
        "infer",
        "register_infer",
        "print the inferred structure of a response body",
    ),
    "init": Command(
        "init",
        "register_init",
        "initialize a call: send it and print the structure of the response",
    ),
    "import": Command(
        "imports",
        "register_import",
        (
            "import a bundle, OpenAPI, Postman, HAR, Insomnia or Bruno file, a Bruno "
            "collection folder or a curl command"
        ),
    ),
    "export": Command(
        "export",
        "register_export",
        (
            "export APIs as a bundle, OpenAPI, Postman, Insomnia, Bruno, curl, JSON Schema or"
            " a Python client"
        ),
    ),
    "secrets": Command(
        "secrets",
        "register_secrets",
        "list, set and remove a workspace's secrets in the keychain",
    ),
    "sign-in": Command(
        "sign_in",
        "register_sign_in",
        "sign in to an OAuth2 API (authorization code with PKCE) and keep its tokens",
    ),
    "check": Command(
        "check",
        "register_check",
        "re-initialize calls and report structures that drifted (for CI)",
    ),
    "mock": Command(
        "mock",
        "register_mock",
        "serve a local mock of the APIs, answering from their structures",
    ),
    "graphql": Command(
        "graphql",
        "register_graphql",
        "load a GraphQL API's schema and add calls from its fields",
    ),
    "listen": Command(
        "listen",
        "register_listen",
        "capture the requests a webhook sender makes, and infer their structure",
    ),
    "validate": Command(
        "validate",
        "register_validate",
        "check a workspace file and list every problem",
    ),
    "schema": Command(
        "schema",
        "register_schema",
        "print the JSON Schema of the workspace file (or of the bundle file)",
    ),
    "demo-server": Command(
        "demo_server",
        "register_demo_server",
        "serve the demo API on 127.0.0.1, for trying commands offline",
    ),
}

#: The subcommands' names, in the order --help lists them.
COMMANDS = tuple(COMMAND_TABLE)


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
    for name, command in COMMAND_TABLE.items():
        module = importlib.import_module(f"designer.cli.{command.module}")
        register: Callable[[Parser], None] = getattr(module, command.register)
        register(subparsers.add_parser(name, help=command.summary))


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
