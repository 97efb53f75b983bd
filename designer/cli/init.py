"""``init``: send a call with its sample values and infer the structure of the answer."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from designer.cli.options import (
    Parser,
    check_param_names,
    find_call,
    non_negative_int,
    positive_float,
    positive_int,
)
from designer.core.errors import CancelledError_, InputError, LookupFailed, MissingSecretError

if TYPE_CHECKING:
    from designer.core.models import Api, Call, Workspace
from designer.cli.output import MB, add_format_option, emit_structure, stderr_note, stdout_text

__all__ = ["register_init"]


def _values(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InputError(f"--param '{pair}' is not NAME=VALUE")
        values[name] = value
    return values


def _chosen_files(path: str, api: Api, call: Call, values: dict[str, str]) -> Any:
    """The files the user chose: those recorded for the workspace, and ``--param NAME=@PATH``.

    A file given on the command line is the user's choice: it is sent, and
    recorded for the workspace on this machine so that ``check`` sends it too.
    ``@`` before a file parameter's path is optional, as in curl's ``-F``.
    """
    from designer.core.errors import DesignerError
    from designer.core.http.file_choices import ChosenFiles
    from designer.core.models import ValueType

    files = {p.name for p in [*call.parameters, *api.parameters] if p.type == ValueType.FILE}
    chosen = ChosenFiles(path)
    for name in files & values.keys():
        values[name] = values[name].removeprefix("@")
        if not values[name].strip():
            continue
        try:
            chosen.choose(values[name])
        except DesignerError as exc:  # sent all the same: the user named it here
            stderr_note(f"Note: the choice of {values[name]} is not remembered: {exc}")
    return chosen


def _status_line(response: Any) -> str:
    size = response.size
    shown = f"{size} B" if size < 1024 else f"{size / 1024:.1f} KB"
    if size >= MB:
        shown = f"{size / MB:.1f} MB"
    media = f" · {response.content_type}" if response.content_type else ""
    reason = f" {response.reason}" if response.reason else ""
    return f"{response.status}{reason} · {response.elapsed * 1000:.0f} ms · {shown}{media}"


def _execution_settings(args: argparse.Namespace) -> Any:
    from designer.core.http.execute import ExecutionSettings

    # The overall deadline is applied around every attempt by the call service.
    return ExecutionSettings(
        read_timeout=args.timeout,
        connect_timeout=min(args.timeout, 10),
        max_redirects=args.max_redirects,
        max_body_bytes=int(args.max_size * MB),
        deadline=None,
    )


#: Characters of an event's data shown on its line.
_PREVIEW = 80


class _EventLines:
    """One line on standard error for each event of a stream, as it arrives.

    When the stream's text field is known (the call's, or recognised from the first
    event: ``choices[].delta.content``…), the event's piece of text leads the data, so
    the text can be watched as it arrives. The data is the server's text: cut, and made
    inert (no control characters).
    """

    def __init__(self, text_field: str | None) -> None:
        self.text_field = text_field

    def __call__(self, event: Any) -> None:
        import sys

        from designer.core.escaping import inert

        data = " ".join(event.data.split())
        if len(data) > _PREVIEW:
            data = data[: _PREVIEW - 1] + "…"
        piece = self._piece(event)
        lead = "" if piece is None else f"{_quoted(piece)} "
        name = event.event or "message"
        line = f"event {event.index + 1} +{event.offset:.2f}s {name} {lead}{data}"
        sys.stderr.write(inert(line) + "\n")
        sys.stderr.flush()

    def _piece(self, event: Any) -> str | None:
        from designer.core.inference.stream import (
            event_text,
            is_sentinel,
            split_text_field,
            stream_shape,
            suggest_text_field,
        )

        if is_sentinel(event.data):
            return None
        if self.text_field is None:
            self.text_field = suggest_text_field(stream_shape([event]))
        if self.text_field is None or not split_text_field(self.text_field)[1]:
            return None  # no text field, or plain text events: the data is the text
        return event_text(event, self.text_field)


def _quoted(piece: str) -> str:
    import orjson

    shown = orjson.dumps(piece).decode()
    return shown if len(shown) <= 40 else shown[:38] + '…"'


@contextlib.contextmanager
def _interrupt_stops(stop: Any) -> Iterator[None]:
    """While the call runs, Ctrl+C (SIGINT) sets ``stop``: a stream ends with its events
    so far. A second Ctrl+C interrupts as usual."""
    import asyncio
    import signal

    loop = asyncio.get_running_loop()

    def interrupted() -> None:
        stop.set()
        loop.remove_signal_handler(signal.SIGINT)

    try:
        loop.add_signal_handler(signal.SIGINT, interrupted)
    except (NotImplementedError, RuntimeError, ValueError):  # no signals here: Ctrl+C interrupts
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


def _save_structure(
    args: argparse.Namespace, api: Api, call: Call, outcome: Any, text_field: str | None = None
) -> None:
    """Store ``outcome``'s structure in the call, on the workspace as it is on disk now;
    for a stream, ``text_field`` too when the call has none yet."""
    from designer.core.calls.initialize import with_structure
    from designer.core.errors import BodyParseError
    from designer.core.inference import summarize
    from designer.core.workspace.lock import update

    path: str = args.workspace
    if outcome.parse_failed and not args.force:
        raise BodyParseError(
            f"{outcome.note.removesuffix('; showing it as text')}. The stored structure of "
            f"'{api.name}/{call.name}' is kept; pass --force to save the body as text"
        )
    summaries: list[str] = []

    def change(ws: Workspace | None) -> Workspace:
        # The request took a while; another program may have saved meanwhile,
        # so the structure goes into the file as it is now, found by ids.
        assert ws is not None
        for current_api in ws.apis:
            for index, current in enumerate(current_api.calls):
                if current_api.id == api.id and current.id == call.id:
                    updated, changes = with_structure(current, outcome.shape, merge=args.merge)
                    chosen = getattr(args, "text_field", None)
                    if chosen or (text_field and not updated.stream_text_field):
                        field = chosen or text_field
                        updated = updated.model_copy(update={"stream_text_field": field})
                    current_api.calls[index] = updated
                    # With nothing stored before there is nothing to compare:
                    # "no changes" would mislead.
                    first = current.structure is None
                    summaries.append("first initialize" if first else summarize(changes))
                    return ws
        raise LookupFailed(
            f"'{api.name}/{call.name}' is no longer in {path}: it was removed while the "
            f"call was sent; nothing was saved"
        )

    update(path, change, create=False)
    stderr_note(f"Saved the structure of '{api.name}/{call.name}' in {path} ({summaries[-1]})")


def _check_text_field(path: str, shape: Any) -> None:
    """``--text-field``: a text field of the stream that came back, or one line of error."""
    from designer.core.inference.stream import text_field_problem

    if shape is None:
        raise InputError(
            f"--text-field {path}: the answer is not a stream (Server-Sent Events or "
            f"JSON Lines); it applies to streamed responses only"
        )
    problem = text_field_problem(shape, path)
    if problem is not None:
        raise InputError(f"--text-field: {problem}; nothing was saved")


def _cmd_init(args: argparse.Namespace) -> int:
    import asyncio

    from designer.core.calls.service import CallService, RetryPolicy
    from designer.core.http.execute import Executor
    from designer.core.http.request import in_environment
    from designer.core.secrets.keychain import default_store
    from designer.core.workspace import file as workspace_file

    path: str = args.workspace
    ws = workspace_file.load(path)
    api, call = find_call(ws, args.call)
    values = _values(args.param)
    check_param_names(api, call, values)
    chosen = _chosen_files(path, api, call, values)
    # Environment variables (CD_SECRET_...) first, then the keychain when there is one.
    store, _status = default_store(ws)
    in_environment(api, store, args.env)  # an unknown environment fails before any request

    if args.text_field is not None:
        call = call.model_copy(update={"stream_text_field": args.text_field})

    async def send() -> Any:
        stop = asyncio.Event()
        async with Executor(_execution_settings(args)) as executor:
            service = CallService(executor, store, retry=RetryPolicy(retries=args.retry))
            with _interrupt_stops(stop):
                return await service.initialize(
                    api,
                    call,
                    values,
                    args.env,
                    deadline=args.deadline,
                    chosen=chosen,
                    on_event=_EventLines(call.stream_text_field),
                    max_events=args.max_events,
                    stop=stop,
                )

    try:
        response, outcome, _request, stream = asyncio.run(send())
    except CancelledError_ as exc:
        # Ctrl+C before any event (or any answer): an interruption, exit 130 as for every
        # command, with one line saying so; only a stream that has begun ends gracefully.
        stderr_note(f"error: {exc}")
        return 130
    except MissingSecretError as exc:
        from designer.core.escaping import shell_argument

        # The core names the variable; only here is the workspace file known.
        command = f"connector-designer secrets set {shell_argument(path)} {exc.variable}"
        raise MissingSecretError(f"{exc}; or run: {command}", exc.variable) from exc
    if args.text_field is not None:
        _check_text_field(args.text_field, outcome.shape if stream is not None else None)
    status = _status_line(response)
    if args.format == "tree":
        stdout_text(status + "\n")
    else:
        stderr_note(status)  # stdout stays machine-readable
    if outcome.note:
        stderr_note(outcome.note)
    emit_structure(outcome.shape, args.format, title=call.name, overrides=call.overrides)
    if args.save:
        _save_structure(args, api, call, outcome, stream.text_field if stream else None)
    return 0


def register_init(parser: Parser) -> None:
    parser.description = (
        "Send a call of a workspace with its sample values and print a status line and "
        "the inferred structure of the response. A streamed response (Server-Sent Events, "
        "JSON Lines) prints a line per event on standard error as it arrives; Ctrl+C ends "
        "it with the events so far."
    )
    parser.epilog = "example: connector-designer init shop.json --call 'Shop/List products' --save"
    parser.add_argument("workspace", metavar="WORKSPACE", help="the workspace file")
    parser.add_argument(
        "--call",
        metavar="API/CALL",
        help="the call to run: API/CALL or a call name unique in the workspace "
        "(optional when the workspace has one call)",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value for a parameter instead of its sample (repeatable); for a file "
        "parameter, NAME=@PATH sends the file PATH and remembers it for this workspace",
    )
    parser.add_argument(
        "--env",
        metavar="NAME",
        help="send it in the API's environment NAME (its base URL, values and secrets)",
    )
    add_format_option(parser)
    parser.add_argument(
        "--save", action="store_true", help="store the structure in the workspace (atomically)"
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="with --save: merge into the stored structure instead of replacing it",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="with --save: save a body that is not valid for its type as text, "
        "replacing the stored structure",
    )
    parser.add_argument(
        "--timeout",
        type=positive_float,
        default=30.0,
        metavar="S",
        help="read timeout in seconds: the longest wait for data; for a streamed response, "
        "the longest silence between events (default: %(default)g)",
    )
    parser.add_argument(
        "--deadline",
        type=positive_float,
        default=60.0,
        metavar="S",
        help="overall deadline in seconds for the whole call, retries included; a "
        "streamed response that had events ends there with them (default: %(default)g)",
    )
    parser.add_argument(
        "--text-field",
        metavar="PATH",
        help="for a streamed response: the field that carries each event's text, as the "
        "structure names it (e.g. data.choices[].delta.content); saved with --save "
        "(default: the call's, else the suggested one)",
    )
    parser.add_argument(
        "--max-events",
        type=positive_int,
        default=None,
        metavar="N",
        help="for a streamed response: stop after N events (default: the whole stream)",
    )
    parser.add_argument(
        "--retry",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="retry up to N times when the server answers 429, after the wait its "
        "Retry-After asks for, within the deadline (default: %(default)s)",
    )
    parser.add_argument(
        "--max-size",
        type=positive_float,
        default=200,
        metavar="MB",
        help="size cap: stop a response larger than this many megabytes (default: %(default)s)",
    )
    parser.add_argument(
        "--max-redirects",
        type=non_negative_int,
        default=10,
        metavar="N",
        help="redirect limit: follow at most N redirects (default: %(default)s)",
    )
    parser.set_defaults(handler=_cmd_init)
