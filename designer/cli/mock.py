"""The ``mock`` command: serve a workspace's or bundle's APIs locally, from their structures.

Teammates who receive a bundle often have no access to the real API; the
mock answers every call with a body that fits its structure (see
:mod:`designer.core.mock.server`). It listens on 127.0.0.1 unless ``--host``
says otherwise, and warns when that address is reachable from other machines.
"""

from __future__ import annotations

import argparse

from designer.cli.options import Parser, add_server_options, is_loopback
from designer.core.errors import InputError

__all__ = ["register_mock"]


def _cmd_mock(args: argparse.Namespace) -> int:
    import asyncio

    from designer.cli.output import stderr_note, stdout_text
    from designer.core.interop.common import select_apis
    from designer.core.interop.connectors import load_connectors
    from designer.core.mock.server import MockServer
    from designer.core.wording import plural

    loaded = load_connectors(args.source)
    apis = select_apis(loaded.workspace, args.api) if loaded.workspace.apis else []
    if not any(api.calls for api in apis):
        raise InputError(f"{args.source} has no calls to serve: import or add one first")
    if not is_loopback(args.host):
        stderr_note(
            f"Warning: listening on {args.host}, which other machines may reach; the mock "
            "answers anyone who asks"
        )
    if not args.speed > 0:
        raise InputError(f"--speed must be a number above 0 (2 is twice as fast), not {args.speed}")
    kept = {}
    if not args.no_replay:
        from designer.core.calls.history import ResponseHistory, default_folder
        from designer.core.mock.streams import kept_stream_samples

        kept = kept_stream_samples(apis, ResponseHistory(default_folder()))
    server = MockServer(
        apis,
        seed=args.seed,
        latency=args.latency / 1000,
        samples=loaded.samples,
        stream_samples=kept,
        speed=args.speed,
    )

    async def serve() -> None:
        try:
            await server.start(args.host, args.port)
        except OSError as exc:
            raise InputError(
                f"Cannot listen on {args.host}:{args.port} ({exc.strerror or exc}): "
                "choose another --port"
            ) from exc
        calls = sum(len(a.calls) for a in apis)
        stdout_text(f"Mock API on {server.url}: {plural(calls, 'call')} (Ctrl+C to stop)\n")
        for mock in server.apis:
            stdout_text(f"  {mock.api.name}: {server.base_url(mock.api)}\n")
        try:
            await asyncio.Event().wait()
        finally:
            await server.stop()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        return 0
    return 0


def register_mock(parser: Parser) -> None:
    parser.description = (
        "Serve every call of a workspace or bundle on a local port: each method and path "
        "(with {placeholders}) answers a body built from the call's structure, with sample "
        "values where the structure has them. Send the header X-Mock-Status: 404 (or "
        "?__status=404) for an error answer. A streamed call (Server-Sent Events, JSON Lines) "
        "answers events over time: its last kept response replayed with its spacing, or "
        "events made from its structure. Point an environment named 'mock' at it "
        "to design or test without the real API."
    )
    parser.epilog = "example: connector-designer mock shop.bundle.json --port 8080 --latency 50"
    parser.add_argument("source", metavar="WORKSPACE|BUNDLE", help="a workspace file or bundle")
    add_server_options(parser, default_port=8080)
    parser.add_argument(
        "--api",
        action="append",
        default=[],
        metavar="NAME",
        help="serve this API (repeatable; default: all)",
    )
    parser.add_argument(
        "--latency",
        type=int,
        default=0,
        metavar="MS",
        help="wait this many milliseconds before each answer (default: %(default)s)",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        metavar="FACTOR",
        help="send streamed answers this many times faster than recorded; 2 is twice as "
        "fast, 0.5 half as fast (default: %(default)s)",
    )
    parser.add_argument(
        "--no-replay",
        action="store_true",
        help="make streamed answers from the structures even when a kept response of the "
        "call could be replayed",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="the same seed gives the same bodies (default: %(default)s)",
    )
    parser.set_defaults(handler=_cmd_mock)
