"""``connector-designer demo-server``: the demo API on its own, from any install.

The app serves its demo API itself for the example workspace; this command
serves it in the foreground, for trying the command line with no internet.
The frozen app has no ``python -m designer.core.demo.server``, so this is
how its users (and the package's tests) start it.
"""

from __future__ import annotations

import argparse
import threading

from designer.cli.options import Parser

__all__ = ["register_demo_server"]


def _cmd_demo_server(args: argparse.Namespace) -> int:
    from designer.cli.output import stdout_text
    from designer.core.demo.server import start_demo_server

    server = start_demo_server(args.port, bearer_token=args.require_token)
    needs = " (requests need the bearer token given)" if args.require_token else ""
    stdout_text(f"Demo API on {server.url}/v1{needs} (Ctrl+C to stop)\n")
    try:
        threading.Event().wait()
    finally:
        server.stop()
    return 0


def register_demo_server(parser: Parser) -> None:
    parser.description = (
        "Serve the demo API that the example workspace calls, on 127.0.0.1, until "
        "interrupted. It prints its URL first."
    )
    parser.add_argument(
        "--port", type=int, default=0, help="the port to listen on (default: any free port)"
    )
    parser.add_argument(
        "--require-token",
        metavar="TOKEN",
        help="answer 401 unless a request sends 'Authorization: Bearer TOKEN'",
    )
    parser.set_defaults(handler=_cmd_demo_server)
