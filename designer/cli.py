"""The ``connector-designer`` command line: headless access to the core.

Conventions, the same for every subcommand: ``--help`` everywhere, exit code 0
on success, 1 on failure, 2 on a usage error (argparse's), 130 when
interrupted. A failure is one line on stderr, prefixed with
``connector-designer: error:``; ``--debug`` adds the traceback.

Each subcommand is one ``_register_*`` function that adds its parser and sets
its handler; :data:`_COMMANDS` lists them in the order ``--help`` shows.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NoReturn

import orjson

from .core import fileio
from .core.errors import DesignerError, WorkspaceValidationError
from .core.secrets import MemorySecretStore
from .core.wording import plural

if TYPE_CHECKING:
    from .core.models import Api, Call, Workspace

# Modules that import pydantic (models, workspace_file, curl) are imported in
# the handlers that need them: 'infer' must not pay their start-up cost.

__all__ = ["main"]

PROG = "connector-designer"

Handler = Callable[[argparse.Namespace], int]

#: A pasted command, even with a large JSON body, is far below this.
MAX_COMMAND_SIZE = 16 * fileio.MB


class _Parser(argparse.ArgumentParser):
    """argparse with the program's one-line error style (exit code 2 is kept)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{PROG}: error: {message}\n")


class _VersionAction(argparse.Action):
    """``--version``, read when asked: the installed metadata costs start-up time to read."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from . import __version__

        _out(f"{PROG} {__version__}\n")
        parser.exit()


def _out(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _out_bytes(data: bytes) -> None:
    # Bytes go straight to the buffer so UTF-8 output does not depend on the locale.
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # pragma: no cover - replaced streams without a buffer
        sys.stdout.write(data.decode("utf-8"))
    else:
        buffer.write(data)
    sys.stdout.flush()


def _note(text: str) -> None:
    sys.stderr.write(f"{PROG}: {text}\n")


# -- schema ------------------------------------------------------------------------------


def _cmd_schema(args: argparse.Namespace) -> int:
    from .core import workspace_file

    if args.bundle:
        from .core.interop.bundle import bundle_json_schema

        schema = bundle_json_schema()
    else:
        schema = workspace_file.json_schema()
    _out_bytes(orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    return 0


def _register_schema(subparsers: argparse._SubParsersAction[_Parser]) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of the workspace file (or of the bundle file)",
        description=(
            "Print the JSON Schema (2020-12) of the workspace file, or with --bundle of the "
            "connector bundle file, for editors and CI."
        ),
    )
    parser.add_argument(
        "--bundle", action="store_true", help="the schema of the bundle file instead"
    )
    parser.set_defaults(handler=_cmd_schema)


# -- validate ----------------------------------------------------------------------------


def read_input(name: str, *, limit: int, what: str) -> bytes:
    """The bytes of file ``name``, or of standard input for ``-``, bounded by ``limit``."""
    if name == "-":
        return fileio.read_stdin_bytes(limit, what=what)
    return fileio.read_bytes(name, limit=limit, what=what)


def _cmd_validate(args: argparse.Namespace) -> int:
    from .core import workspace_file

    name: str = args.file
    data = read_input(name, limit=workspace_file.MAX_WORKSPACE_SIZE, what="workspace")
    source = "<stdin>" if name == "-" else name
    problems = workspace_file.validate_bytes(data, source)
    if problems:
        _out("".join(f"{source}: {problem}\n" for problem in problems))
        return 1
    ws = workspace_file.loads(data, source=source)
    calls = sum(len(api.calls) for api in ws.apis)
    _out(f"{source}: valid ({plural(len(ws.apis), 'API')}, {plural(calls, 'call')})\n")
    return 0


def _register_validate(subparsers: argparse._SubParsersAction[_Parser]) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a workspace file and list every problem",
        description=(
            "Check a workspace file and print every problem with its JSON path. "
            "Exits with 1 when there are problems."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the workspace file, or - for stdin")
    parser.set_defaults(handler=_cmd_validate)


# -- import ------------------------------------------------------------------------------


class _RecordingSecrets(MemorySecretStore):
    """Remembers the secrets an import found, to store them and tell the user about them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}

    def set(self, ref: str, value: str) -> None:
        super().set(ref, value)
        if value:
            self.found[ref] = value


def _cmd_import_curl(args: argparse.Namespace, text: str | None = None) -> int:
    """``import`` of a curl command: the call joins the API of its base URL, if any."""
    from .cli_options import name_imported_call
    from .core import workspace_file
    from .core.curl import curl_to_workspace

    if text is None:
        text = args.command
    target: str | None = args.output
    secrets = _RecordingSecrets()
    notes: list[str] = []
    on_conflict = getattr(args, "on_conflict", "keep-both")
    added: list[tuple[Workspace, Api, Call]] = []

    def change(workspace: Workspace | None) -> Workspace:
        # Under the workspace's lock when there is one: see workspace_lock.update.
        known = {a.id for a in workspace.apis} if workspace is not None else set()
        ws, api, call = curl_to_workspace(text, workspace, secrets, notes, on_conflict)
        name_imported_call(
            ws, api, call, api_name=args.api, call_name=args.name, joined=api.id in known
        )
        added.append((ws, api, call))
        problems = workspace_file.problems(ws)
        if problems:  # pragma: no cover - the importer keeps names unique
            raise WorkspaceValidationError(target or "<output>", problems)
        return ws

    if target is None:
        _out_bytes(workspace_file.dumps(change(None)))
    else:
        from .core.workspace_lock import update

        update(target, change)
    ws, api, call = added[-1]
    if target is not None:
        _out(f"Added call '{call.name}' to API '{api.name}' in {target}\n")
    from .cli_secrets import store_found

    for line in notes:
        _note(f"Note: {line}")
    for line in store_found(ws, secrets.found, keychain=not args.no_keychain):
        _note(line)
    return 0


# -- the program -------------------------------------------------------------------------

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


def _registrations() -> list[Callable[[argparse._SubParsersAction[_Parser]], None]]:
    """One function per subcommand that adds its parser, in the order of :data:`COMMANDS`."""
    from .cli_calls import register_infer, register_init
    from .cli_check import register_check
    from .cli_demo import register_demo_server
    from .cli_graphql import register_graphql
    from .cli_interop import register_export, register_import
    from .cli_listen import register_listen
    from .cli_mock import register_mock
    from .cli_secrets import register_secrets
    from .cli_sign_in import register_sign_in

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
        _register_validate,
        _register_schema,
        register_demo_server,
    ]


def _gui_parser() -> _Parser:
    parser = _Parser(
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


def _register_commands(subparsers: argparse._SubParsersAction[_Parser]) -> None:
    for register in _registrations():
        register(subparsers)


def build_parser() -> _Parser:
    """The argument parser with every subcommand registered."""
    parser = _Parser(
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
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
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
    return " ".join(text.split())


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
        from .ui.app import run as run_gui

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
