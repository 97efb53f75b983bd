"""The ``listen`` command: capture, verify, save, keep and replay, with a canary secret."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from designer import cli
from designer.core.models import Api, Webhook, Workspace
from designer.core.webhooks.signature import sign
from designer.core.workspace import file as wf

CANARY = "whsec_CANARY_7d41c0ffee"
ENV = "CD_SECRET_SHOP_WEBHOOK_ORDER_PAID_SIGNING_SECRET"
HOOK = Webhook(name="order paid", path="/hooks/stripe", signature="stripe")


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV, CANARY)
    path = tmp_path / "shop.json"
    path.write_bytes(wf.dumps(Workspace(apis=[Api(name="Shop", base_url="https://shop.example")])))
    return path


class _Listener:
    """``listen`` running in a thread, on port 0: the system picks a free port, which
    the command announces once it listens (a port picked beforehand could be taken
    by another program before the command bound it)."""

    def __init__(self, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
        self.capsys, self.out, self.err = capsys, "", ""
        self.result: dict[str, Any] = {}
        # A daemon: a test that fails before the last request cannot hang the run.
        self.thread = threading.Thread(
            target=lambda: self.result.setdefault("code", cli.main([*argv, "--port", "0"])),
            daemon=True,
        )
        self.thread.start()
        deadline = time.monotonic() + 60
        while (found := re.search(r"Listening on (http://127\.0\.0\.1:\d+)", self.read())) is None:
            assert self.thread.is_alive(), f"listen ended before it listened: {self.err}"
            assert time.monotonic() < deadline, "listen did not start listening"
            time.sleep(0.02)
        self.url = found.group(1)

    def read(self) -> str:
        out, err = self.capsys.readouterr()
        self.out, self.err = self.out + out, self.err + err
        return self.out

    def code(self) -> int:
        """The exit code, once the command has ended (it ends after --count requests)."""
        self.thread.join(60)
        assert not self.thread.is_alive(), "listen did not end"
        self.read()
        return int(self.result["code"])


def _send(url: str, body: bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret:
        headers.update([sign(HOOK, secret, body)])
    return httpx.post(url, content=body, headers=headers).status_code


def _event(n: int, **extra: Any) -> bytes:
    return orjson.dumps({"id": f"evt_{n}", "type": "charge.succeeded", "amount": 100 * n, **extra})


def test_listen_captures_verifies_saves_and_replays(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keep = tmp_path / "captured.json"
    argv = ["listen", str(shop), "--webhook", "Shop/order paid", "--path", "/hooks/stripe"]
    argv += ["--signature", "stripe", "--count", "2", "--save"]
    listener = _Listener(capsys, [*argv, "--keep", str(keep), "--status", "202"])
    url = f"{listener.url}/hooks/stripe"
    assert _send(url, _event(1), CANARY) == 202
    assert _send(url, _event(2, coupon=None), CANARY) == 202
    assert listener.code() == 0
    captured = listener
    assert captured.out.startswith(f"Listening on {url} for the next 2 POST request(s)")
    assert "[1] POST /hooks/stripe · " in captured.out
    assert "signature verified" in captured.out
    assert "coupon?: null" in captured.out  # merged: seen in one sample of two
    hook = wf.load(shop).apis[0].webhooks[0]
    assert (hook.name, hook.path, hook.signature) == ("order paid", "/hooks/stripe", "stripe")
    assert hook.structure is not None
    assert "Added webhook 'Shop/order paid'" in captured.err

    # Replay to a second listener: signatures recomputed from the stored secret.
    second = _Listener(
        capsys, ["listen", str(shop), "--webhook", "Shop/order paid", "--count", "2"]
    )
    to = f"{second.url}/hooks/stripe"
    replay = ["listen", str(shop), "--webhook", "Shop/order paid", "--replay", str(keep)]
    assert cli.main([*replay, "--to", to]) == 0
    assert second.code() == 0
    out = second
    assert "→ 200 (signed anew)" in out.out
    assert out.out.count("signature verified") == 2

    everything = out.out + out.err + captured.out + captured.err
    for text in (everything, shop.read_text(), keep.read_text()):
        assert CANARY not in text


def test_wrong_secret_is_reported_and_fails(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["listen", str(shop), "--webhook", "Shop/order paid", "--path", "/hooks/stripe"]
    listener = _Listener(capsys, [*argv, "--signature", "stripe"])
    assert _send(f"{listener.url}/hooks/stripe", _event(1), "whsec_wrong") == 200
    assert listener.code() == 1
    out = listener
    assert (
        "signature NOT verified: the Stripe-Signature does not match the signing secret" in out.out
    )
    assert CANARY not in out.out + out.err
    assert wf.load(shop).apis[0].webhooks == []  # nothing saved without --save


def test_bad_input_is_one_line(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["listen", str(shop), "--webhook", "order paid"]) == 1
    assert capsys.readouterr().err.strip() == (
        "connector-designer: error: --webhook takes API/NAME, not 'order paid': "
        "for example 'Shop/order paid'"
    )
    assert cli.main(["listen", str(shop), "--webhook", "Nope/x"]) == 1
    assert "No API 'Nope'" in capsys.readouterr().err


def test_malformed_stripe_signatures_are_answered_and_reported(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["listen", str(shop), "--webhook", "Shop/order paid", "--path", "/hooks/stripe"]
    listener = _Listener(capsys, [*argv, "--signature", "stripe", "--count", "4"])
    url = f"{listener.url}/hooks/stripe"
    body = _event(1)
    good = sign(HOOK, CANARY, body)[1]
    stamp = good.split(",")[0]
    forged = [
        b"t=\xb2,v1=00",  # "²" (Latin-1): a digit to str.isdigit(), not to int()
        "t=²,v1=00".encode(),  # the same in UTF-8
        f"{stamp},v1=é{'0' * 63}".encode(),  # a signature that is not ASCII
        b"t=" + b"9" * 5000 + b",v1=00",  # a timestamp longer than int() reads
    ]
    codes = [
        httpx.post(url, content=body, headers={"Stripe-Signature": value}).status_code
        for value in forged
    ]
    assert listener.code() == 1
    assert codes == [200, 200, 200, 200]
    out, err = listener.out, listener.err
    assert "Traceback" not in out + err
    lines = [line for line in out.splitlines() if line.startswith("[")]
    no_stamp = (
        "signature NOT verified: the Stripe-Signature header has no t= timestamp or v1= signature"
    )
    assert [line.split(" · ")[-1] for line in lines] == [
        no_stamp,
        no_stamp,
        "signature NOT verified: the Stripe-Signature does not match the signing secret",
        no_stamp,
    ]


@pytest.mark.parametrize("status", ["1000", "99", "100", "600", "-1", "²", "ok"])
def test_an_answer_status_out_of_range_is_refused(
    shop: Path, capsys: pytest.CaptureFixture[str], status: str
) -> None:
    argv = ["listen", str(shop), "--webhook", "Shop/order paid", "--port", "0"]
    assert cli.main([*argv, "--status", status]) == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.endswith(
        f"argument --status: an answer's status is 200 to 599, not {int(status)}"
        if status.lstrip("-").isascii() and status.lstrip("-").isdigit()
        else f"argument --status: '{status}' is not an HTTP status"
    ), last
    assert "Traceback" not in err


def test_requests_elsewhere_are_counted_not_printed_one_by_one(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["listen", str(shop), "--webhook", "Shop/order paid", "--path", "/hooks/stripe"]
    listener = _Listener(capsys, [*argv, "--count", "1"])
    base = listener.url
    _send(f"{base}/probe/first", b"{}", None)
    with httpx.Client(timeout=5) as client:
        answers = [client.get(f"{base}/probe/{n}").status_code for n in range(300)]
    assert _send(f"{base}/hooks/stripe", _event(1), CANARY) == 200
    assert listener.code() == 0
    assert answers == [404] * 300
    err = [line.removeprefix("connector-designer: ") for line in listener.err.split("\n")]
    assert sum(line.startswith("Ignored ") for line in err) == 20
    assert "Further requests to other paths or methods are counted, not shown" in err
    assert "301 requests to other paths or methods were ignored in all" in err
