"""The ``listen`` command: capture webhook requests sent to this machine and infer them.

A webhook is an inbound endpoint of an API: the request a service (Stripe,
GitHub, a shop) sends *to* the app. ``listen`` serves its path on 127.0.0.1,
prints the URL to give the sender (or the vendor's CLI that forwards to
localhost), captures the next N requests, checks their signatures with the
signing secret (keychain or ``CD_SECRET_…``), and prints the structure of
body, query and headers, merged over every sample. ``--save`` keeps the
webhook and its structure in the workspace; ``--keep FILE`` the requests,
which ``--replay FILE --to URL`` sends again, signed anew.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from designer.cli.options import (
    Parser,
    add_server_options,
    http_status,
    non_negative_int,
    positive_float,
)
from designer.core.errors import InputError

if TYPE_CHECKING:
    from designer.core.models import Api, Webhook, Workspace

__all__ = ["register_listen"]


def _find(ws: Workspace, spec: str, args: argparse.Namespace) -> tuple[Api, Webhook, bool]:
    """The API and webhook ``API/NAME`` names; a new webhook if the API has none by that name."""
    from designer.core.interop.common import select_apis
    from designer.core.models import Method, Webhook

    api_name, slash, name = spec.partition("/")
    if not slash or not api_name.strip() or not name.strip():
        raise InputError(f"--webhook takes API/NAME, not '{spec}': for example 'Shop/order paid'")
    api = select_apis(ws, [api_name.strip()])[0]
    hook = next((h for h in api.webhooks if h.name.casefold() == name.strip().casefold()), None)
    created = hook is None
    if hook is None:
        hook = Webhook(name=name.strip())
        api.webhooks.append(hook)
    if args.path is not None:
        hook.path = args.path
    if args.method is not None:
        hook.method = Method(args.method.upper())
    if args.signature is not None:
        hook.signature = args.signature
    if args.signature_header is not None:
        hook.signature_header = args.signature_header
    if args.encoding is not None:
        hook.signature_encoding = args.encoding
    return api, hook, created


def _verdict(verified: bool | None, reason: str) -> str:
    if verified is None:
        return "not signed"
    return "signature verified" if verified else f"signature NOT verified: {reason}"


def _cmd_listen(args: argparse.Namespace) -> int:
    from designer.cli.output import stderr_note, stdout_text
    from designer.core.models import secret_ref
    from designer.core.secrets.keychain import default_store
    from designer.core.secrets.names import webhook_secret_field
    from designer.core.workspace import file as workspace_file

    ws = workspace_file.load(args.workspace)
    api, hook, created = _find(ws, args.webhook, args)
    store, _status = default_store(ws)
    secret = store.get(secret_ref(api, webhook_secret_field(hook.id)))
    if args.replay:
        return _replay(args, hook, secret)
    if hook.signature != "none" and not secret:
        stderr_note(
            f"Warning: webhook '{api.name}/{hook.name}' is signed but no signing secret is set; "
            "samples are captured unverified (set it in the app's Secrets, or in the "
            "environment variable the app's Secrets view names)"
        )
    samples = _listen(args, hook, secret)
    if not samples:
        stderr_note("Nothing was captured")
        return 1
    from designer.core.inference import render_tree
    from designer.core.webhooks.capture import merge_samples

    shape = None
    for sample in samples:
        shape = merge_samples(shape, sample)
        for note in sample.notes:
            stderr_note(note)
    assert shape is not None
    stdout_text(render_tree(shape) + "\n")
    if args.keep:
        from designer.core import fileio
        from designer.core.webhooks.capture import samples_to_json
        from designer.core.webhooks.signature import signature_header

        # Only the signature a replay checks is kept; every other credential is redacted.
        keep = [signature_header(hook)] if hook.signature != "none" else []
        fileio.atomic_write(args.keep, samples_to_json(samples, keep))
        shown = f"; kept the {keep[0]} header for replay" if keep else ""
        stderr_note(
            f"Kept {len(samples)} captured request(s) in {args.keep}, credential headers "
            f"redacted{shown}"
        )
    if args.save:
        _save(args, api, hook, shape, created)
    return 0 if all(s.verified is not False for s in samples) else 1


def _listen(args: argparse.Namespace, hook: Webhook, secret: str | None) -> list[Any]:
    import asyncio

    from designer.cli.options import is_loopback
    from designer.cli.output import stderr_note, stdout_text
    from designer.core.webhooks.listener import IGNORED_NOTES, Answer, WebhookListener

    if not is_loopback(args.host):
        stderr_note(
            f"Warning: listening on {args.host}, which other machines may reach; anyone who "
            "can reach it can send samples"
        )
    counter = {"n": 0}

    def captured(sample: Any) -> None:
        counter["n"] += 1
        stdout_text(
            f"[{counter['n']}] {sample.method} {sample.target} · {len(sample.body)} B · "
            f"{_verdict(sample.verified, sample.reason)}\n"
        )

    def ignored(method: str, target: str) -> None:
        stderr_note(f"Ignored {method} {target}: not the webhook's method and path")
        if listener.ignored == IGNORED_NOTES:
            stderr_note("Further requests to other paths or methods are counted, not shown")

    listener = WebhookListener(
        hook,
        secret,
        count=args.count,
        answer=Answer(args.status, args.reply),
        tolerance=args.tolerance,
        on_capture=captured,
        on_ignored=ignored,
    )

    async def serve() -> None:
        try:
            url = await listener.start(args.host, args.port)
        except OSError as exc:
            raise InputError(
                f"Cannot listen on {args.host}:{args.port} ({exc.strerror or exc}): "
                "choose another --port"
            ) from exc
        what = f"the next {args.count}" if args.count else "every"
        stdout_text(
            f"Listening on {url} for {what} {hook.method.value} request(s) (Ctrl+C to stop)\n"
        )
        try:
            await listener.wait()
        finally:
            await listener.stop()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        stderr_note(f"Stopped; {len(listener.captured)} request(s) captured")
    if listener.ignored > IGNORED_NOTES:
        stderr_note(f"{listener.ignored} requests to other paths or methods were ignored in all")
    return listener.captured


def _save(args: argparse.Namespace, api: Api, hook: Webhook, shape: Any, created: bool) -> None:
    from designer.cli.output import stderr_note
    from designer.core.errors import LookupFailed
    from designer.core.inference import merge
    from designer.core.workspace.lock import update

    def change(ws: Workspace | None) -> Workspace:
        assert ws is not None
        current = next((a for a in ws.apis if a.id == api.id or a.name == api.name), None)
        if current is None:
            raise LookupFailed(f"API '{api.name}' is no longer in {args.workspace}: nothing saved")
        stored = next((h for h in current.webhooks if h.id == hook.id), None)
        if stored is None:
            stored = next((h for h in current.webhooks if h.name == hook.name), None)
        if stored is None:
            stored = hook.model_copy(update={"structure": None})
            current.webhooks.append(stored)
        else:
            for key in ("path", "method", "signature", "signature_header", "signature_encoding"):
                setattr(stored, key, getattr(hook, key))
        merged = (
            shape if stored.structure is None or not args.merge else merge(stored.structure, shape)
        )
        stored.structure = merged
        return ws

    update(args.workspace, change, create=False)
    added = "Added webhook" if created else "Saved the structure of webhook"
    stderr_note(f"{added} '{api.name}/{hook.name}' in {args.workspace}")


def _replay(args: argparse.Namespace, hook: Webhook, secret: str | None) -> int:
    import httpx

    from designer.cli.output import stderr_note, stdout_text
    from designer.core import fileio
    from designer.core.webhooks.capture import samples_from_json
    from designer.core.webhooks.replay import replay_refusal, replay_request

    if not args.to:
        raise InputError("--replay needs --to URL: where to send the captured requests")
    data = fileio.read_bytes(args.replay, limit=256 * fileio.MB, what="samples file")
    samples = samples_from_json(data, args.replay)
    failed = 0
    with httpx.Client(timeout=args.timeout) as client:
        for n, sample in enumerate(samples, 1):
            refusal = replay_refusal(hook, sample, secret, args.tolerance)
            if refusal is not None and not args.replay_unverified:
                # Signed anew it would pass for the sender's own: a forgery.
                stderr_note(
                    f"[{n}] not replayed: {refusal}; pass --replay-unverified to send it "
                    f"all the same"
                )
                failed += 1
                continue
            request = replay_request(hook, sample, args.to, secret)
            try:
                response = client.send(request)
            except httpx.HTTPError as exc:
                raise InputError(f"Cannot replay to {args.to}: {exc}") from exc
            failed += response.status_code >= 400
            signed = " (signed anew)" if hook.signature != "none" and secret else ""
            stdout_text(f"[{n}] {request.method} {request.url} → {response.status_code}{signed}\n")
    return 1 if failed else 0


def register_listen(parser: Parser) -> None:
    parser.description = (
        "Listen on 127.0.0.1 for a webhook of an API (API/NAME; a new one is added "
        "with --save), capture the next N requests to its method and path, check their "
        "signatures with its signing secret, answer each, and print the structure of "
        "body, query and headers merged over every sample. Point the sender, or the "
        "vendor's CLI forwarding to localhost, at the printed URL."
    )
    parser.epilog = (
        "example: connector-designer listen shop.json --webhook 'Shop/order paid' "
        "--signature stripe --count 2 --save"
    )
    parser.add_argument("workspace", metavar="WORKSPACE", help="the workspace file")
    parser.add_argument("--webhook", required=True, metavar="API/NAME", help="the webhook")
    add_server_options(parser, default_port=8090)
    parser.add_argument(
        "--count",
        type=non_negative_int,
        default=1,
        metavar="N",
        help="stop after N requests; 0: until Ctrl+C (default: %(default)s)",
    )
    parser.add_argument(
        "--save", action="store_true", help="keep the webhook and its structure in the workspace"
    )
    parser.add_argument(
        "--merge", action="store_true", help="with --save: merge into the stored structure"
    )
    parser.add_argument("--keep", metavar="FILE", help="write the captured requests to FILE")
    parser.add_argument("--path", metavar="PATH", help="the path the sender calls (default: /)")
    parser.add_argument("--method", metavar="METHOD", help="the method it uses (default: POST)")
    parser.add_argument(
        "--signature",
        choices=["none", "stripe", "github", "hmac"],
        help="how requests are signed: Stripe-Signature, X-Hub-Signature-256, or a header "
        "with an HMAC-SHA256 digest (hmac)",
    )
    parser.add_argument(
        "--signature-header", metavar="NAME", help="with --signature hmac: the header"
    )
    parser.add_argument(
        "--encoding", choices=["hex", "base64"], help="with --signature hmac: the digest's form"
    )
    parser.add_argument(
        "--tolerance",
        type=non_negative_int,
        default=300,
        metavar="S",
        help="oldest Stripe signature timestamp accepted, in seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--status",
        type=http_status,
        default=200,
        metavar="CODE",
        help="the status answered (default: %(default)s)",
    )
    parser.add_argument(
        "--reply",
        default='{"received": true}',
        metavar="BODY",
        help="the JSON body answered (default: %(default)s)",
    )
    parser.add_argument(
        "--replay",
        metavar="FILE",
        help="instead of listening, send the requests of FILE (from --keep) to --to, "
        "signatures recomputed; only those whose own signature verified (within "
        "--tolerance of when they were received) are sent",
    )
    parser.add_argument(
        "--replay-unverified",
        action="store_true",
        help="with --replay: also send, signed anew, the requests whose signature did not "
        "verify or was stale (a forged request would then pass for the sender's)",
    )
    parser.add_argument("--to", metavar="URL", help="with --replay: where to send them")
    parser.add_argument(
        "--timeout",
        type=positive_float,
        default=30.0,
        metavar="S",
        help="with --replay: seconds to wait for each answer (default: %(default)s)",
    )
    parser.set_defaults(handler=_cmd_listen)
