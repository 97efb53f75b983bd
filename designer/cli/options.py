"""Helpers the command line's subcommands share: finding a call, and checked option values.

Every command that names a call (``init``, ``export``, ``--sample``) finds it
with :func:`find_call`, so a mistyped name always gets the same answer: a
"did you mean" and the list of the workspace's calls. Numeric options use
:func:`positive_int` and :func:`positive_float` as their argparse ``type``,
so zero or a negative size or timeout is a usage error, not a surprise later.
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, NoReturn

from designer.cli.output import PROG
from designer.core.errors import InputError, LookupFailed

if TYPE_CHECKING:
    from designer.core.models import Api, Call, Workspace

__all__ = [
    "Parser",
    "add_server_options",
    "is_loopback",
    "port_number",
    "http_status",
    "call_spec",
    "check_param_names",
    "find_call",
    "name_imported_call",
    "non_negative_int",
    "positive_float",
    "positive_int",
]


class Parser(argparse.ArgumentParser):
    """argparse with the program's one-line error style (exit code 2 is kept)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{PROG}: error: {message}\n")


#: How many names an error message lists before it says "…".
SHOWN = 8


def _listing(names: list[str]) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:SHOWN])
    return shown + (", …" if len(names) > SHOWN else "")


def _hint(wanted: str, names: list[str], what: str) -> str:
    """``: did you mean 'x'? Its calls are 'x', 'y'`` — the tail of a not-found message."""
    import difflib  # only on the way to an error: the start-up of 'infer' stays lean

    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
    if not close:
        # A wrong case or a missing API part still deserves a suggestion.
        lowered = {n.casefold(): n for n in names}
        close = [lowered[m] for m in difflib.get_close_matches(wanted.casefold(), list(lowered))]
    mean = f": did you mean '{close[0]}'?" if close else ""
    if not names:
        return mean
    return f"{mean}{' Its' if mean else '; its'} {what} {_listing(names)}"


def find_call(
    ws: Workspace, spec: str | None, apis: Iterable[Api] | None = None
) -> tuple[Api, Call]:
    """The call named by ``spec``: ``API/CALL``, a call name unique in the workspace, or
    nothing when the workspace (or ``apis``, when given) has exactly one call."""
    chosen = list(ws.apis if apis is None else apis)
    calls = [(api, call) for api in chosen for call in api.calls]
    if spec is None:
        if len(calls) == 1:
            return calls[0]
        if not calls:
            raise LookupFailed("The workspace has no calls: import one first")
        raise LookupFailed(
            f"The workspace has {len(calls)} calls: choose one with --call API/CALL; "
            f"its calls are {_listing([call_spec(a, c) for a, c in calls])}"
        )
    wanted = spec.strip().casefold()
    matches = [(a, c) for a, c in calls if call_spec(a, c).casefold() == wanted]
    if not matches:
        matches = [(a, c) for a, c in calls if c.name.casefold() == wanted]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        both = _listing([call_spec(a, c) for a, c in matches])
        raise LookupFailed(f"More than one call is named '{spec}' ({both}): use --call API/CALL")
    names = [call_spec(a, c) for a, c in calls]
    raise LookupFailed(f"No call '{spec}' in the workspace{_hint(spec, names, 'calls are')}")


def call_spec(api: Api, call: Call) -> str:
    """How a call is named on the command line: ``API/CALL``."""
    return f"{api.name}/{call.name}"


def check_param_names(api: Api, call: Call, names: Iterable[str]) -> None:
    """Fail on a ``--param`` name the call does not send (its own or the API's shared ones)."""
    known = list(dict.fromkeys(p.name for p in [*call.parameters, *api.parameters, *api.headers]))
    for name in names:
        if name not in known:
            where = f"'{call_spec(api, call)}'"
            if not known:
                raise InputError(f"--param {name}: the call {where} has no parameters")
            raise InputError(
                f"--param {name}: the call {where} has no parameter '{name}'"
                f"{_hint(name, known, 'parameters are')}"
            )


def _given(name: str | None, option: str) -> str | None:
    if name is None:
        return None
    if not name.strip():
        raise InputError(f"{option} needs a name, not an empty one")
    return name.strip()


def name_imported_call(
    ws: Workspace,
    api: Api,
    call: Call,
    *,
    api_name: str | None,
    call_name: str | None,
    joined: bool,
) -> None:
    """Give an imported call (and its API, unless the call ``joined`` one already in the
    workspace) the names chosen with ``--api`` and ``--name``, in place."""
    wanted = _given(api_name, "--api")
    if wanted is not None and wanted.casefold() != api.name.casefold():
        if joined:
            raise InputError(
                f"The URL belongs to API '{api.name}' of the workspace (base URL "
                f"{api.base_url}): leave out --api, or pass --api '{api.name}'"
            )
        taken = next((a for a in ws.apis if a.name.casefold() == wanted.casefold()), None)
        if taken is not None:
            raise InputError(
                f"API '{taken.name}' is already in the workspace with base URL "
                f"{taken.base_url or '(none)'}, which the command's URL is not under: "
                "choose another --api name"
            )
        api.name = wanted
    chosen = _given(call_name, "--name")
    if chosen is not None and chosen != call.name:
        if any(c.name.casefold() == chosen.casefold() for c in api.calls if c is not call):
            raise InputError(f"API '{api.name}' already has a call named '{chosen}'")
        call.name = chosen


def _number(text: str, kind: type[int] | type[float]) -> float:
    try:
        value = kind(text)
    except ValueError:
        noun = "a whole number" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"'{text}' is not {noun}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, not '{text}'")
    return value


def positive_int(text: str) -> int:
    """An argparse ``type``: a whole number greater than zero (a size, a count)."""
    return int(_number(text, int))


def non_negative_int(text: str) -> int:
    """An argparse ``type``: a whole number of 0 or more (a retry count, a redirect limit)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not '{text}'")
    return value


def positive_float(text: str) -> float:
    """An argparse ``type``: a finite number greater than zero (a timeout in seconds)."""
    return float(_number(text, float))


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (a server bound there is not reachable)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def http_status(text: str) -> int:
    """An argparse ``type``: a final HTTP status a server may answer, 200 to 599."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an HTTP status") from None
    if not 200 <= value <= 599:
        raise argparse.ArgumentTypeError(f"an answer's status is 200 to 599, not {value}")
    return value


def port_number(text: str) -> int:
    """An argparse ``type``: a TCP port, 0 (any free one) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535, not {value}")
    return value


def add_server_options(parser: argparse.ArgumentParser, *, default_port: int) -> None:
    """``--port`` and ``--host`` of a command that serves (mock, listen): loopback by default."""
    parser.add_argument(
        "--port",
        type=port_number,
        default=default_port,
        metavar="P",
        help="the port (default: %(default)s)",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: %(default)s, this machine only)",
    )
