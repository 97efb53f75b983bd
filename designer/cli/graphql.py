"""The ``graphql`` command: load a GraphQL API's schema, and add calls from its fields.

``graphql schema`` runs the introspection query against the API's GraphQL
endpoint and prints the schema as SDL (``--save`` keeps it in the workspace,
where it checks every GraphQL query before it is sent). ``graphql add``
makes a call from a query or mutation field, its arguments as variables.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from designer.cli.options import Parser

if TYPE_CHECKING:
    from designer.core.models import Api, Workspace

__all__ = ["register_graphql"]


def _api(ws: Workspace, name: str) -> Api:
    from designer.core.interop.common import select_apis

    return select_apis(ws, [name])[0]


def _store_in(path: str, api: Api, apply: Any) -> None:
    from designer.core.errors import LookupFailed
    from designer.core.workspace.lock import update

    def change(ws: Workspace | None) -> Workspace:
        # The request took a while: change the file as it is now, found by id.
        assert ws is not None
        # By id, or by name for a file written by hand without ids.
        for current in ws.apis:
            if current.id == api.id or current.name == api.name:
                apply(current)
                return ws
        raise LookupFailed(f"The API is no longer in {path}: nothing was saved")

    update(path, change, create=False)


def _cmd_schema(args: argparse.Namespace) -> int:
    import asyncio

    from designer.cli.output import stderr_note, stdout_text
    from designer.core import fileio
    from designer.core.calls.introspect import introspect
    from designer.core.http.execute import ExecutionSettings, Executor
    from designer.core.http.request import in_environment
    from designer.core.secrets.keychain import default_store
    from designer.core.workspace import file as workspace_file

    ws = workspace_file.load(args.workspace)
    api = _api(ws, args.api)
    store, _status = default_store(ws)
    in_environment(api, store, args.env)  # an unknown environment fails before any request

    async def run() -> str:
        async with Executor(ExecutionSettings(read_timeout=args.timeout)) as executor:
            return await introspect(executor, api, store, args.path, args.env)

    sdl = asyncio.run(run())
    if args.output:
        fileio.atomic_write(args.output, sdl.encode() + b"\n")
        stderr_note(f"Wrote the schema of '{api.name}' to {args.output}")
    elif not args.save:
        stdout_text(sdl + "\n")
    if args.save:

        def keep(current: Api) -> None:
            current.graphql_schema = sdl

        _store_in(args.workspace, api, keep)
        stderr_note(f"Saved the GraphQL schema of '{api.name}' in {args.workspace}")
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from designer.cli.output import stderr_note, stdout_text
    from designer.core import fileio
    from designer.core.calls.introspect import graphql_path
    from designer.core.errors import InputError
    from designer.core.gql.fields import call_from_field
    from designer.core.models import unique_name
    from designer.core.workspace import file as workspace_file

    ws = workspace_file.load(args.workspace)
    api = _api(ws, args.api)
    if args.schema:
        sdl = fileio.read_text(args.schema, limit=64 * fileio.MB, what="schema")
    else:
        sdl = api.graphql_schema
    if not sdl.strip():
        raise InputError(
            f"API '{api.name}' has no GraphQL schema yet: load it with 'connector-designer "
            f'graphql schema {args.workspace} --api "{api.name}" --save\', or pass --schema FILE'
        )
    path = graphql_path(api) if args.path is None else args.path
    call = call_from_field(sdl, args.field, path)
    call.name = unique_name(args.name or call.name, [c.name for c in api.calls])

    def add(current: Api) -> None:
        current.calls.append(call)
        if args.schema and not current.graphql_schema:
            current.graphql_schema = sdl

    _store_in(args.workspace, api, add)
    variables = ", ".join(f"{p.name}: {p.graphql_type}" for p in call.parameters) or "none"
    stderr_note(f"Added call '{api.name}/{call.name}' to {args.workspace} (variables: {variables})")
    stdout_text(call.graphql.query if call.graphql else "")
    return 0


def register_graphql(parser: Parser) -> None:
    from designer.cli.options import positive_float

    parser.description = (
        "Work with an API that speaks GraphQL: 'schema' asks its endpoint for the schema "
        "(the introspection query), 'add' makes a call from a query or mutation field."
    )
    parser.epilog = (
        "example: connector-designer graphql add shop.json --api Shop --field query.products"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    schema = actions.add_parser(
        "schema",
        help="print the schema (SDL) the endpoint describes",
        description=(
            "Run the introspection query against the API's GraphQL endpoint (the path of its "
            "first GraphQL call, or --path) with the API's authentication, and print the "
            "schema as SDL. With --save it is kept in the workspace, and every GraphQL query "
            "of the API is checked against it before it is sent."
        ),
    )
    schema.add_argument("workspace", metavar="WORKSPACE", help="the workspace file")
    schema.add_argument("--api", required=True, metavar="NAME", help="the API")
    schema.add_argument("--path", metavar="PATH", help="the GraphQL endpoint's path, e.g. graphql")
    schema.add_argument("--env", metavar="NAME", help="use the API's environment NAME")
    schema.add_argument("--save", action="store_true", help="keep the schema in the workspace")
    schema.add_argument("--output", metavar="FILE", help="write the SDL to FILE (atomically)")
    schema.add_argument(
        "--timeout", type=positive_float, default=30.0, metavar="S", help="seconds to wait"
    )
    schema.set_defaults(handler=_cmd_schema)
    add = actions.add_parser(
        "add",
        help="add a call that runs a query or mutation field",
        description=(
            "Add a GraphQL call running FIELD (query.NAME or mutation.NAME) of the API's "
            "stored schema (or --schema FILE), its arguments as typed variables, and print "
            "its query."
        ),
    )
    add.add_argument("workspace", metavar="WORKSPACE", help="the workspace file")
    add.add_argument("--api", required=True, metavar="NAME", help="the API")
    add.add_argument(
        "--field",
        required=True,
        metavar="FIELD",
        help="e.g. query.products or mutation.createOrder",
    )
    add.add_argument("--name", metavar="NAME", help="the call's name (default: the field's)")
    add.add_argument("--path", metavar="PATH", help="the GraphQL endpoint's path")
    add.add_argument("--schema", metavar="FILE", help="read the schema from an SDL file")
    add.set_defaults(handler=_cmd_add)
    for action in (schema, add):
        # --debug after the action too, as after every command.
        action.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
