"""Webhook captures from strangers: only what the sender really signed is replayed, and
kept captures hold no sender credential but the one signature a replay checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from designer import cli
from designer.core.models import Api, Webhook, Workspace
from designer.core.structure import shape_to_dict
from designer.core.webhooks.capture import CapturedRequest, merge_samples
from designer.core.webhooks.signature import sign
from designer.core.workspace import file as wf
from tests.helpers.recording_server import RecordingServer
from tests.helpers.servers import free_port

SECRET = "whsec_CANARY_b0a7"
ENV = "CD_SECRET_SHOP_WEBHOOK_ORDER_PAID_SIGNING_SECRET"
HOOK = Webhook(name="order paid", path="/hooks/stripe", signature="stripe")
#: What senders put in their headers: none of it may be written to a file.
SENDER_SECRETS = {
    "Authorization": "Bearer cnry-authorization-11",
    "X-Gitlab-Token": "cnry-gitlab-22",
    "PRIVATE-TOKEN": "cnry-private-33",
    "X-Shopify-Access-Token": "cnry-shopify-44",
    "X-Telegram-Bot-Api-Secret-Token": "cnry-telegram-55",
    "X-Hub-Signature-256": "sha256=cnry0hub0signature66",
}


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV, SECRET)
    path = tmp_path / "shop.json"
    path.write_bytes(wf.dumps(Workspace(apis=[Api(name="Shop", base_url="https://shop.example")])))
    return path


@pytest.fixture
def backend() -> Iterator[RecordingServer]:
    with RecordingServer() as running:
        yield running


def _run(argv: list[str]) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: result.setdefault("code", cli.main(argv)))
    thread.start()
    return thread, result


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    for _ in range(100):  # until the listener is up
        try:
            return httpx.post(url, content=body, headers=headers).status_code
        except httpx.ConnectError:
            time.sleep(0.05)
    raise AssertionError("the listener never came up")


def _event(n: int) -> bytes:
    return orjson.dumps({"id": f"evt_{n}", "type": "charge.succeeded", "amount": 100 * n})


def _capture(
    shop: Path, keep: Path, requests: list[tuple[bytes, dict[str, str]]], query: str = ""
) -> str:
    """Run ``listen --save --keep`` for ``requests``; its output."""
    port = free_port()
    argv = ["listen", str(shop), "--webhook", "Shop/order paid", "--path", "/hooks/stripe"]
    argv += ["--signature", "stripe", "--port", str(port), "--count", str(len(requests))]
    thread, result = _run([*argv, "--keep", str(keep), "--save"])
    for body, headers in requests:
        assert _post(f"http://127.0.0.1:{port}/hooks/stripe{query}", body, headers) == 200
    thread.join(10)
    assert "code" in result
    return str(result["code"])


def _signed(body: bytes, secret: str, now: float | None = None) -> dict[str, str]:
    name, value = sign(HOOK, secret, body, now)
    return {"Content-Type": "application/json", name: value}


def test_replay_sends_only_what_verified_within_the_tolerance(
    shop: Path, tmp_path: Path, backend: RecordingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    keep = tmp_path / "captured.json"
    requests = [
        (_event(1), _signed(_event(1), SECRET)),  # the sender's own
        (_event(2), _signed(_event(2), "whsec_forged")),  # a forgery
        (_event(3), _signed(_event(3), SECRET, now=time.time() - 3600)),  # an old one, resent
        (_event(4), {"Content-Type": "application/json"}),  # no signature at all
    ]
    _capture(shop, keep, requests)
    capsys.readouterr()
    replay = ["listen", str(shop), "--webhook", "Shop/order paid", "--replay", str(keep)]
    code = cli.main([*replay, "--to", f"{backend.url}/hooks"])
    out, err = capsys.readouterr()
    assert code == 1
    assert [orjson.loads(seen.body)["id"] for seen in backend.seen] == ["evt_1"]
    assert "[1] POST " in out
    assert "(signed anew)" in out
    lines = err.strip().splitlines()
    assert len(lines) == 3
    assert "[2] not replayed: its signature did not verify: the Stripe-Signature does not " in err
    assert "[3] not replayed: its signature did not verify: the Stripe-Signature timestamp " in err
    assert "[4] not replayed: its signature did not verify: the request has no " in err
    assert all("pass --replay-unverified to send it all the same" in line for line in lines)

    # A kept file that says "verified" is not taken at its word.
    doc = orjson.loads(keep.read_bytes())
    for sample in doc["samples"]:
        sample["verified"] = True
    keep.write_bytes(orjson.dumps(doc))
    assert cli.main([*replay, "--to", f"{backend.url}/hooks"]) == 1
    assert len(backend.seen) == 2
    capsys.readouterr()

    # Asked for explicitly, every one is sent, signed anew.
    code = cli.main([*replay, "--to", f"{backend.url}/hooks", "--replay-unverified"])
    assert code == 0, capsys.readouterr().err
    assert [orjson.loads(s.body)["id"] for s in backend.seen[2:]] == [
        "evt_1",
        "evt_2",
        "evt_3",
        "evt_4",
    ]
    assert all("t=" in s.headers["stripe-signature"] for s in backend.seen)


def test_replay_without_the_signing_secret_sends_nothing(
    shop: Path,
    tmp_path: Path,
    backend: RecordingServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keep = tmp_path / "captured.json"
    _capture(shop, keep, [(_event(1), _signed(_event(1), SECRET))])
    monkeypatch.delenv(ENV)
    capsys.readouterr()
    replay = ["listen", str(shop), "--webhook", "Shop/order paid", "--replay", str(keep)]
    assert cli.main([*replay, "--to", f"{backend.url}/hooks"]) == 1
    assert "[1] not replayed: no signing secret is set" in capsys.readouterr().err
    assert backend.seen == []


def test_kept_captures_redact_sender_credentials_but_the_signature_replay_needs(
    shop: Path, tmp_path: Path, backend: RecordingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    keep = tmp_path / "captured.json"
    body = _event(1)
    headers = {**_signed(body, SECRET), **SENDER_SECRETS}
    _capture(shop, keep, [(body, headers)], "?token=cnry-query-77&shop=acme")
    err = capsys.readouterr().err
    assert "credential headers redacted; kept the Stripe-Signature header for replay" in err
    kept = keep.read_text()
    saved = shop.read_text()
    for value in (*SENDER_SECRETS.values(), "cnry-query-77"):
        assert value not in kept
        assert value not in saved
    doc = orjson.loads(kept)
    assert doc["kept_headers"] == ["Stripe-Signature"]
    (sample,) = doc["samples"]
    by_name = {k.lower(): v for k, v in sample["headers"]}
    assert by_name["stripe-signature"] == headers["Stripe-Signature"]
    assert by_name["x-gitlab-token"] == "<redacted>"
    # The structure names the headers, without their values.
    assert "x-telegram-bot-api-secret-token" in saved

    # What was kept is enough to replay: the signature still verifies.
    replay = ["listen", str(shop), "--webhook", "Shop/order paid", "--replay", str(keep)]
    assert cli.main([*replay, "--to", f"{backend.url}/hooks"]) == 0
    (seen,) = backend.seen
    assert "x-gitlab-token" not in seen.headers  # a redacted credential is not sent
    assert seen.query == [("shop", "acme")]


def test_the_app_structure_of_a_capture_holds_no_sender_credential() -> None:
    # The app's Listen dialog saves what merge_samples infers.
    target = "/hooks?token=cnry-query-77&shop=acme"
    sample = CapturedRequest(
        "POST", target, tuple(SENDER_SECRETS.items()), b'{"ok": true}', None, ""
    )
    text = orjson.dumps(shape_to_dict(merge_samples(None, sample))).decode()
    assert "x-shopify-access-token" in text
    assert "acme" in text
    for value in (*SENDER_SECRETS.values(), "cnry-query-77"):
        assert value not in text
