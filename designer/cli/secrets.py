"""The ``secrets`` command, and keeping what an import finds, for terminals and CI.

``secrets list|set|unset|forget`` manage a workspace's secrets in the OS
keychain (the same entries the app uses, ``connector-designer:<workspace
id>``) without a display. A value is read from a hidden prompt, or from
standard input when it is not a terminal; never from the command line, where
shell history and process lists would keep it.

:func:`store_found` puts the credentials an import detected into the
keychain and says, for each, which variable overrides it; it never prints a
value.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from designer.cli.options import Parser
from designer.core.errors import InputError, LookupFailed

if TYPE_CHECKING:
    from designer.core.models import Environment, Workspace
    from designer.core.secrets.names import RequiredSecret

__all__ = ["register_secrets", "store_found"]

#: A secret is short; a longer standard input is a mistake (a file piped by accident).
MAX_SECRET_SIZE = 64 * 1024


def store_found(ws: Workspace, found: Mapping[str, str], *, keychain: bool = True) -> list[str]:
    """Store ``found`` (values by reference) in ``ws``'s keychain; one line per secret."""
    from designer.core.secrets.keychain import open_store
    from designer.core.secrets.names import required_secrets
    from designer.core.secrets.scope import base_ref

    if not found:
        return []
    named = {s.ref: s for s in required_secrets(ws.apis)}
    store, status = open_store(lambda: ws.id) if keychain else (None, None)
    lines = []
    for ref, value in found.items():
        secret = named.get(base_ref(ref))
        if secret is None or not value:
            continue
        what = f"Secret {secret.env} ({secret.description})"
        if store is not None and status is not None and status.persistent:
            store.set(ref, value)
            lines.append(f"{what}: stored in the keychain; {secret.env} overrides it")
        elif store is None:
            lines.append(
                f"{what}: found, not stored (--no-keychain); set {secret.env} to supply it"
            )
        else:
            why = status.reason if status is not None else "no usable keychain"
            lines.append(f"{what}: found, not stored ({why}); set {secret.env} to supply it")
    return lines


# -- secrets ---------------------------------------------------------------------------------


def _lookup(ws: Workspace, name: str) -> RequiredSecret:
    """The secret named by its variable, with or without the ``CD_SECRET_`` prefix."""
    from designer.core.secrets.names import ENV_PREFIX, required_secrets

    secrets = required_secrets(ws.apis)
    wanted = name.strip().upper()
    for secret in secrets:
        if wanted in (secret.env, secret.env.removeprefix(ENV_PREFIX)):
            return secret
    known = ", ".join(s.env for s in secrets[:6]) or "none"
    raise LookupFailed(f"No secret '{name}' in the workspace; its secrets are {known}")


def _environment(ws: Workspace, secret: RequiredSecret, name: str | None) -> Environment | None:
    if name is None:
        return None
    api = next(a for a in ws.apis if a.id == secret.ref.split("/", 1)[0])
    env = api.environment(name)
    if env is None:
        known = ", ".join(f"'{e.name}'" for e in api.environments) or "none"
        raise LookupFailed(
            f"API '{api.name}' has no environment '{name}'; its environments: {known}"
        )
    return env


def _keychain(ws: Workspace) -> Any:
    from designer.core.secrets.keychain import KEYCHAIN_HELP, open_store

    store, status = open_store(lambda: ws.id)
    if not status.persistent:
        raise InputError(f"Nothing was stored: {status.reason}. To keep secrets, {KEYCHAIN_HELP}")
    return store


def _read_value(variable: str) -> str:
    if sys.stdin.isatty():
        import getpass

        value = getpass.getpass(f"Value of {variable} (not shown): ")
    else:
        from designer.core import fileio

        data = fileio.read_stdin_bytes(MAX_SECRET_SIZE, what="secret")
        value = fileio.decode_utf8(data, source="standard input").rstrip("\r\n")
    if not value:
        raise InputError(f"No value was given for {variable}: nothing was stored")
    return value


def _cmd_list(args: argparse.Namespace) -> int:
    from designer.cli.output import stdout_text
    from designer.core.secrets.keychain import default_store
    from designer.core.secrets.scope import needed_secrets
    from designer.core.workspace import file as workspace_file

    ws = workspace_file.load(args.workspace)
    store, _ = default_store(ws)
    active = {}
    if args.env is not None:
        active = {a.id: args.env for a in ws.apis if a.environment(args.env) is not None}
        if not active:
            raise LookupFailed(f"No API of the workspace has an environment '{args.env}'")
    rows = []
    for secret in needed_secrets(ws, store, active):
        if secret.source == "environment variable":
            state = "from environment"
        elif secret.source is not None:
            state = "set" if secret.source == "keychain" else f"set ({secret.source})"
        else:
            state = "not set (optional)" if secret.optional else "not set"
        rows.append((secret.description, secret.variable, state))
    if not rows:
        stdout_text("The workspace needs no secrets\n")
        return 0
    widths = [max(len(row[i]) for row in (("SECRET", "VARIABLE", "STATE"), *rows)) for i in (0, 1)]
    for row in (("SECRET", "VARIABLE", "STATE"), *rows):
        stdout_text(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}\n")
    return 0


def _cmd_set(args: argparse.Namespace) -> int:
    from designer.cli.output import stderr_note
    from designer.core.models import scoped_ref
    from designer.core.workspace import file as workspace_file

    ws = workspace_file.load(args.workspace)
    secret = _lookup(ws, args.name)
    env = _environment(ws, secret, args.env)
    store = _keychain(ws)
    value = _read_value(secret.env)
    ref = scoped_ref(secret.ref, env)
    store.set(ref, value)
    where = "" if env is None else f" for environment '{env.name}'"
    stderr_note(f"Stored {secret.env} ({secret.description}){where} in the keychain")
    return 0


def _cmd_unset(args: argparse.Namespace) -> int:
    from designer.cli.output import stderr_note
    from designer.core.models import scoped_ref
    from designer.core.workspace import file as workspace_file

    ws = workspace_file.load(args.workspace)
    secret = _lookup(ws, args.name)
    env = _environment(ws, secret, args.env)
    _keychain(ws).delete(scoped_ref(secret.ref, env))
    where = "" if env is None else f" for environment '{env.name}'"
    stderr_note(f"Removed {secret.env} ({secret.description}){where} from the keychain")
    return 0


def _cmd_forget(args: argparse.Namespace) -> int:
    from designer.cli.output import stderr_note
    from designer.core.secrets.keychain import forget_workspace
    from designer.core.workspace import file as workspace_file

    ws = workspace_file.load(args.workspace)
    removed = forget_workspace(ws)
    stderr_note(
        f"Removed {removed} keychain entr{'y' if removed == 1 else 'ies'} of workspace '{ws.name}'"
    )
    return 0


def register_secrets(parser: Parser) -> None:
    parser.description = (
        "Manage a workspace's secrets in the OS keychain, the same entries the app uses. "
        "Values are read from a hidden prompt or standard input, never from the command "
        "line. A CD_SECRET_… environment variable overrides the keychain."
    )
    parser.epilog = (
        "examples: connector-designer secrets list ws.json; "
        'printf %s "$TOKEN" | connector-designer secrets set ws.json CD_SECRET_SHOP_AUTH_TOKEN'
    )
    actions = parser.add_subparsers(
        title="actions", metavar="ACTION", dest="action", parser_class=type(parser)
    )
    actions.required = True
    listing = actions.add_parser("list", help="each secret: its variable and whether it is set")
    listing.add_argument("workspace", metavar="WORKSPACE")
    listing.add_argument("--env", metavar="NAME", help="as seen from this environment")
    listing.set_defaults(handler=_cmd_list)
    setting = actions.add_parser("set", help="store a secret (from a hidden prompt or stdin)")
    setting.add_argument("workspace", metavar="WORKSPACE")
    setting.add_argument(
        "name", metavar="NAME", help="its variable, such as CD_SECRET_SHOP_AUTH_TOKEN"
    )
    setting.add_argument("--env", metavar="NAME", help="store it for this environment only")
    setting.set_defaults(handler=_cmd_set)
    unsetting = actions.add_parser("unset", help="remove a secret from the keychain")
    unsetting.add_argument("workspace", metavar="WORKSPACE")
    unsetting.add_argument("name", metavar="NAME")
    unsetting.add_argument("--env", metavar="NAME", help="remove the environment's own value")
    unsetting.set_defaults(handler=_cmd_unset)
    forgetting = actions.add_parser("forget", help="remove every keychain entry of the workspace")
    forgetting.add_argument("workspace", metavar="WORKSPACE")
    forgetting.set_defaults(handler=_cmd_forget)
    for action in (listing, setting, unsetting, forgetting):
        action.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show the traceback when something fails",
        )
