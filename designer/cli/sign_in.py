"""The ``sign-in`` command: OAuth2 authorization code with PKCE, from a terminal.

It runs the app's own browser flow (:func:`designer.core.auth.browser.sign_in`):
a one-shot listener on 127.0.0.1, the authorization URL opened in the system
browser and printed (for a machine without one, or to open elsewhere on the
same host), the code exchanged for tokens. The tokens go to the keychain
under the workspace, where the app and ``init`` find them; they are never
printed.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from designer.cli.options import Parser
from designer.core.errors import InputError, LookupFailed

if TYPE_CHECKING:
    from designer.core.models import Api, Workspace

__all__ = ["register_sign_in"]


def _api(ws: Workspace, name: str) -> Api:
    from designer.core.models import OAuth2AuthorizationCodeAuth

    found = [a for a in ws.apis if a.name.casefold() == name.casefold()]
    if not found:
        known = ", ".join(f"'{a.name}'" for a in ws.apis[:6]) or "none"
        raise LookupFailed(f"No API '{name}' in the workspace; its APIs are {known}")
    api = found[0]
    if not isinstance(api.auth, OAuth2AuthorizationCodeAuth):
        raise InputError(
            f"API '{api.name}' does not sign in through a browser (its authentication is "
            f"{api.auth.type}): sign-in is for OAuth2 authorization code"
        )
    return api


def _cmd_sign_in(args: argparse.Namespace) -> int:
    import asyncio
    import webbrowser

    from designer.cli.output import stderr_note
    from designer.core.auth.session import Authenticator
    from designer.core.http.execute import ExecutionSettings, Executor
    from designer.core.secrets.keychain import default_store
    from designer.core.workspace import file as workspace_file

    ws = workspace_file.load(args.workspace)
    api = _api(ws, args.api)
    if args.env is not None and api.environment(args.env) is None:
        raise LookupFailed(f"API '{api.name}' has no environment '{args.env}'")
    store, status = default_store(ws)
    if not status.persistent:
        from designer.core.secrets.keychain import KEYCHAIN_HELP

        raise InputError(
            f"No usable keychain ({status.reason}), so the tokens could not be kept after this "
            f"command: {KEYCHAIN_HELP} (in CI, the refresh token as "
            f"CD_SECRET_…_AUTH_REFRESH_TOKEN)"
        )

    def open_url(url: str) -> None:
        stderr_note(f"Open this address in a browser on this machine to sign in: {url}")
        if not args.no_browser:
            webbrowser.open(url)

    async def sign_in() -> Any:
        async with Executor(ExecutionSettings(read_timeout=30)) as executor:
            return await Authenticator(store, executor).sign_in(
                api, args.env, open_url=open_url, wait=args.timeout
            )

    token = asyncio.run(sign_in())
    kept = "the access and refresh tokens are" if token.refresh_token else "the access token is"
    stderr_note(f"Signed in to API '{api.name}'; {kept} in the keychain")
    return 0


def register_sign_in(parser: Parser) -> None:
    parser.description = (
        "Sign in to an API whose authentication is OAuth2 authorization code: the "
        "authorization page opens in the browser (its address is printed too), a listener "
        "on 127.0.0.1 receives the answer, and the tokens go to the keychain."
    )
    parser.epilog = "example: connector-designer sign-in ws.json --api 'Calendar'"
    parser.add_argument("workspace", metavar="WORKSPACE", help="the workspace file")
    parser.add_argument("--api", required=True, metavar="NAME", help="the API to sign in to")
    parser.add_argument("--env", metavar="NAME", help="sign in for the API's environment NAME")
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="only print the address to open (for a machine whose browser cannot be started)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        metavar="S",
        help="seconds to wait for the sign-in to finish (default: %(default)s)",
    )
    parser.set_defaults(handler=_cmd_sign_in)
