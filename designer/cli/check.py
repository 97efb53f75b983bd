"""The ``check`` command: drift detection for CI.

``check`` re-initializes the chosen calls of a workspace or bundle with their
sample values and compares each response's structure with the stored one
(see :mod:`designer.core.check.drift`). It prints a table (or JSON), can write
JUnit XML, and exits with 0 when nothing breaking was found, 1 when a change
is breaking or a call failed, 2 on a usage error (an unknown API, call or
environment included). The workspace is written only with ``--update``.

``--against-spec`` compares each answer with the structure the call's OpenAPI
document describes instead, and exits with 1 when one departs from it: fields
the spec lacks, required fields the answer lacks, other types or formats,
nulls the spec does not allow (see :mod:`designer.core.inference.spec`).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

import orjson

from designer.cli.options import Parser, positive_float, positive_int
from designer.core import fileio
from designer.core.errors import LookupFailed, RequestBuildError
from designer.core.escaping import inert

if TYPE_CHECKING:
    from designer.core.check.drift import CallResult

__all__ = ["register_check"]


class _Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    WIDTH = 30

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.shown = sys.stderr.isatty()

    def __call__(self, result: CallResult) -> None:
        self.done += 1
        if not self.shown:
            return
        filled = self.WIDTH * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        name = inert(result.name)[:40]
        sys.stderr.write(f"\r[{bar}] {self.done}/{self.total} {name:<40}")
        if self.done == self.total:
            sys.stderr.write("\r" + " " * (self.WIDTH + 55) + "\r")
        sys.stderr.flush()


def _usage_error(message: str) -> int:
    from designer.cli.output import PROG

    sys.stderr.write(f"{PROG} check: error: {inert(' '.join(message.split()))}\n")
    return 2


def _cmd_check(args: argparse.Namespace) -> int:
    import asyncio

    from designer.cli.output import stderr_note, stdout_bytes, stdout_text
    from designer.core.check.drift import (
        CheckOptions,
        exit_code,
        run_check,
        select_calls,
        updated_workspace,
    )
    from designer.core.check.report import json_report, junit_xml, text_report
    from designer.core.http.request import in_environment
    from designer.core.interop.connectors import load_connectors
    from designer.core.secrets.keychain import default_store
    from designer.core.wording import plural
    from designer.core.workspace import file as workspace_file

    loaded = load_connectors(args.source)
    if args.update and loaded.bundle:
        return _usage_error("--update writes a workspace file; a bundle is never changed")
    if args.update and args.against_spec:
        return _usage_error(
            "--update saves drifted structures; --against-spec compares with the documented "
            "ones and changes nothing: use one or the other"
        )
    ws = loaded.workspace
    try:
        calls = select_calls(ws, args.api, args.call)
        # Environment variables (CD_SECRET_...) first, then the keychain when there is one.
        store, _status = default_store(ws)
        for api in {a.id: a for a, _ in calls}.values():
            in_environment(api, store, args.env)
    except (LookupFailed, RequestBuildError) as exc:
        return _usage_error(str(exc))
    from designer.core.http.file_choices import ChosenFiles

    options = CheckOptions(
        environment=args.env,
        # Only files the user chose for this workspace on this machine are sent.
        chosen=ChosenFiles(None if loaded.bundle else args.source),
        concurrency=args.concurrency,
        timeout=args.timeout,
        # Room for Retry-After waits and two retries around a slow answer.
        deadline=max(120.0, 4 * args.timeout),
        against_spec=args.against_spec,
    )
    results = asyncio.run(run_check(calls, store, options, on_result=_Progress(len(calls))))
    if args.format == "json":
        stdout_bytes(
            orjson.dumps(
                json_report(results), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
            )
        )
    else:
        stdout_text(text_report(results))
    if args.junit:
        fileio.atomic_write(args.junit, junit_xml(results))
        stderr_note(f"Wrote JUnit XML of {plural(len(results), 'call')} to {args.junit}")
    if args.update:
        updated, count = updated_workspace(ws, results)
        if count:
            workspace_file.save(updated, args.source)
            stderr_note(f"Saved the new structures of {plural(count, 'call')} in {args.source}")
        else:
            stderr_note(f"Nothing to update in {args.source}")
    return exit_code(results, args.fail_on)


def register_check(parser: Parser) -> None:
    parser.description = (
        "Send every chosen call with its sample values and compare the structure of each "
        "response with the stored one. Removed fields, type changes and fields that became "
        "nullable or optional are breaking (for included fields); added fields are "
        "compatible. Exit codes: 0 nothing breaking, 1 a breaking change or a failed call, "
        "2 a usage error. The workspace is only written with --update."
    )
    parser.epilog = (
        "example: connector-designer check shop.json --env live --junit check.xml; "
        "secrets come from CD_SECRET_* variables or the keychain"
    )
    parser.add_argument("source", metavar="WORKSPACE|BUNDLE", help="a workspace file or bundle")
    parser.add_argument(
        "--api",
        action="append",
        default=[],
        metavar="NAME",
        help="check this API's calls (repeatable; default: all)",
    )
    parser.add_argument(
        "--call",
        action="append",
        default=[],
        metavar="API/CALL",
        help="check this call (repeatable; default: all)",
    )
    parser.add_argument(
        "--env", metavar="NAME", help="send the calls in the APIs' environment NAME"
    )
    parser.add_argument(
        "--concurrency",
        type=positive_int,
        default=4,
        metavar="N",
        help="calls in flight at once, at most 4 to one host (default: %(default)s)",
    )
    parser.add_argument(
        "--junit", metavar="FILE", help="also write JUnit XML, one test case per call"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: a table and the changes (default); json: for scripts",
    )
    parser.add_argument(
        "--fail-on",
        choices=("breaking", "any"),
        default="breaking",
        help="exit with 1 on breaking changes (default), or on any change",
    )
    parser.add_argument(
        "--against-spec",
        action="store_true",
        help="compare each answer with the response schema of the OpenAPI document the call "
        "was imported from; exit with 1 when one departs from it",
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="save the new structures of the calls that changed, keeping your overrides",
    )
    parser.add_argument(
        "--timeout", type=positive_float, default=30.0, metavar="S", help="read timeout in seconds"
    )
    parser.set_defaults(handler=_cmd_check)
