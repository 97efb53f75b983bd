"""Webhook signatures, the listener over real HTTP, merged samples, replay and exports."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import orjson
import pytest

from designer.core.models import Api, Webhook, Workspace
from designer.core.webhooks.capture import CapturedRequest, merge_samples
from designer.core.webhooks.listener import Answer, WebhookListener
from designer.core.webhooks.replay import replay_request
from designer.core.webhooks.signature import sign, verify

SECRET = "whsec_test_5f2b"
STRIPE = Webhook(name="charge", path="/hooks/stripe", signature="stripe")
GITHUB = Webhook(name="push", path="/hooks/github", signature="github")
SHOPIFY = Webhook(
    name="order",
    path="/hooks/shop",
    signature="hmac",
    signature_header="X-Shopify-Hmac-Sha256",
    signature_encoding="base64",
)
BODY = b'{"id":"evt_1","type":"charge.succeeded","data":{"object":{"amount":1200}}}'


@pytest.mark.parametrize("hook", [STRIPE, GITHUB, SHOPIFY])
def test_signatures_verify_and_reject_a_wrong_secret(hook: Webhook) -> None:
    name, value = sign(hook, SECRET, BODY)
    assert verify(hook, SECRET, {name: value}, BODY).verified is True
    wrong = verify(hook, "whsec_other", {name: value}, BODY)
    assert wrong.verified is False
    assert "does not match the signing secret" in wrong.reason
    tampered = verify(hook, SECRET, {name: value}, BODY.replace(b"1200", b"9999"))
    assert tampered.verified is False
    missing = verify(hook, SECRET, {}, BODY)
    assert missing.reason == f"the request has no {name} header"


def test_the_common_header_formats() -> None:
    name, value = sign(GITHUB, SECRET, BODY)
    assert (name, value[:7]) == ("X-Hub-Signature-256", "sha256=")
    name, value = sign(STRIPE, SECRET, BODY, now=1_700_000_000)
    assert name == "Stripe-Signature"
    assert value.startswith("t=1700000000,v1=")
    # Shopify's documented example form: the Base64 of the raw digest.
    import base64
    import hashlib
    import hmac

    expected = base64.b64encode(hmac.new(SECRET.encode(), BODY, hashlib.sha256).digest())
    assert sign(SHOPIFY, SECRET, BODY)[1] == expected.decode()


def test_a_stale_stripe_timestamp_is_rejected() -> None:
    old = time.time() - 600
    name, value = sign(STRIPE, SECRET, BODY, now=old)
    verdict = verify(STRIPE, SECRET, {name: value}, BODY)
    assert verdict.verified is False
    assert "timestamp is 6" in verdict.reason
    assert "(over 300 s)" in verdict.reason
    assert verify(STRIPE, SECRET, {name: value}, BODY, tolerance=900).verified is True


def test_an_unsigned_webhook_is_neither_verified_nor_rejected() -> None:
    assert verify(Webhook(name="plain"), None, {}, BODY).verified is None
    unset = verify(STRIPE, None, {}, BODY)
    assert unset.verified is False
    assert "no signing secret" in unset.reason


async def _post(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(url, content=body, headers=headers)


def test_listener_captures_signed_and_unsigned_requests(run_async: Any) -> None:
    async def go() -> tuple[WebhookListener, list[httpx.Response], bool]:
        listener = WebhookListener(STRIPE, SECRET, count=3, answer=Answer(202, '{"ok": 1}'))
        url = await listener.start()
        assert url.endswith("/hooks/stripe")
        replies = []
        first = orjson.dumps({"id": "evt_1", "livemode": False, "data": {"amount": 1200}})
        second = orjson.dumps(
            {"id": "evt_2", "livemode": False, "data": {"amount": 80, "refunded": True}}
        )
        json = {"Content-Type": "application/json"}
        replies.append(
            await _post(url + "?try=1", first, {**json, **dict([sign(STRIPE, SECRET, first)])})
        )
        # Another path is answered 404 and not captured.
        replies.append(await _post(url.replace("/hooks/stripe", "/other"), first, json))
        replies.append(await _post(url, second, json))  # unsigned
        assert not listener.done.is_set()
        replies.append(
            await _post(url, second, {**json, **dict([sign(STRIPE, "whsec_wrong", second)])})
        )
        await asyncio.wait_for(listener.wait(), 5)
        await listener.stop()
        return listener, replies, listener.done.is_set()

    listener, replies, done = run_async(go())
    assert [r.status_code for r in replies] == [202, 404, 202, 202]
    assert replies[0].json() == {"ok": 1}
    assert done
    verdicts = [(s.verified, s.reason) for s in listener.captured]
    assert verdicts == [
        (True, ""),
        (False, "the request has no Stripe-Signature header"),
        (False, "the Stripe-Signature does not match the signing secret"),
    ]
    shape = None
    for sample in listener.captured:
        shape = merge_samples(shape, sample)
    assert shape is not None
    body = shape.fields["body"]
    assert body.fields["data"].fields["refunded"].optional  # seen in 2 of 3 samples
    assert not body.fields["data"].fields["amount"].optional
    assert shape.fields["query"].fields["try"].optional
    assert "stripe-signature" in shape.fields["headers"].fields
    assert "host" not in shape.fields["headers"].fields


def test_cancel_stops_listening_and_keeps_what_came(run_async: Any) -> None:
    async def go() -> tuple[list[CapturedRequest], str]:
        listener = WebhookListener(Webhook(name="any", path="/in"), None, count=0)
        url = await listener.start()
        await _post(url, b"a=1&b=two", {"Content-Type": "application/x-www-form-urlencoded"})
        waiting = asyncio.ensure_future(listener.wait())
        await asyncio.sleep(0.05)
        waiting.cancel()  # what Ctrl+C and the app's Cancel do
        await listener.stop()
        return listener.captured, url

    captured, url = run_async(go())
    assert len(captured) == 1
    assert captured[0].verified is None
    shape = merge_samples(None, captured[0])
    assert set(shape.fields["body"].fields) == {"a", "b"}  # a form post's fields
    with pytest.raises(httpx.ConnectError):
        httpx.post(url, content=b"late")


def test_replay_recomputes_the_signature(run_async: Any) -> None:
    old = time.time() - 3600
    stale = dict([sign(STRIPE, SECRET, BODY, now=old)])
    sample = CapturedRequest("POST", "/hooks/stripe?try=2", tuple(stale.items()), BODY)

    async def go() -> WebhookListener:
        listener = WebhookListener(STRIPE, SECRET, count=1)
        url = await listener.start()
        async with httpx.AsyncClient() as client:
            response = await client.send(replay_request(STRIPE, sample, url, SECRET))
        assert response.status_code == 200
        await listener.stop()
        return listener

    listener = run_async(go())
    (received,) = listener.captured
    assert received.verified is True  # a fresh timestamp, within the tolerance
    assert received.body == BODY
    assert received.target == "/hooks/stripe?try=2"


def test_openapi_31_webhooks_and_bundles(tmp_path: Any) -> None:
    from openapi_spec_validator import validate as validate_spec

    from designer.core.interop.bundle import export_bundle, import_bundle
    from designer.core.interop.openapi.exporter import export_openapi
    from designer.core.models import Call

    sample = CapturedRequest("POST", "/hooks/stripe", (("Content-Type", "application/json"),), BODY)
    hook = STRIPE.model_copy(update={"structure": merge_samples(None, sample)})
    api = Api(name="Shop", base_url="https://shop.example", calls=[Call(name="Ping", path="/ping")])
    api.webhooks.append(hook)
    ws = Workspace(apis=[api])
    doc = export_openapi(ws, [api])
    validate_spec(doc)
    operation = doc["webhooks"]["charge"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert "body" in schema["properties"]
    assert operation["x-signature"] == "stripe"

    data = export_bundle(ws)
    assert b"evt_1" not in data  # samples stay out unless asked for
    (restored,) = import_bundle(orjson.loads(data), "b.json").result.apis
    assert restored.webhooks[0].name == "charge"
    assert restored.webhooks[0].structure is not None
    assert restored.webhooks[0].signature == "stripe"


def test_the_typed_client_parses_each_webhook_body(tmp_path: Any) -> None:
    import importlib.util
    import subprocess
    import sys

    from pydantic import BaseModel, ValidationError

    from designer.core.interop.python.client import export_python
    from designer.core.models import Call

    first = orjson.dumps({"id": "evt_1", "created": 1700000000, "data": {"amount": 1200}})
    second = orjson.dumps({"id": "evt_2", "created": 1700000100, "data": {"amount": 80}})
    shape = None
    for body in (first, second):
        shape = merge_samples(None if shape is None else shape, _captured(body))
    hook = STRIPE.model_copy(update={"structure": shape})
    api = Api(name="Shop", base_url="https://shop.example", calls=[Call(name="Ping", path="/p")])
    api.webhooks.append(hook)
    module_path = tmp_path / "shop_client.py"
    module_path.write_text(export_python(Workspace(apis=[api]), [api]))
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,I,B,UP,W"]
        + ["--line-length", "100", str(module_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ruff.returncode == 0, ruff.stdout
    spec = importlib.util.spec_from_file_location("shop_client", module_path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["shop_client"] = module
    spec.loader.exec_module(module)
    event = module.parse_shop_charge(b'{"id": "evt_9", "created": 1, "data": {"amount": 1200}}')
    assert isinstance(event, BaseModel)
    assert event.data.amount == 1200
    with pytest.raises(ValidationError):
        module.parse_shop_charge(b'{"id": 3}')


def _captured(body: bytes) -> CapturedRequest:
    return CapturedRequest("POST", "/hooks/stripe", (("Content-Type", "application/json"),), body)


def test_credential_headers_are_never_kept(tmp_path: Any) -> None:
    from designer.core.webhooks.capture import samples_from_json, samples_to_json

    token = "Bearer sk_live_CANARY_42"
    sample = CapturedRequest(
        "POST",
        "/in",
        (("Authorization", token), ("Content-Type", "application/json"), ("X-Event", "paid")),
        b'{"id": 1}',
    )
    shape = merge_samples(None, sample)
    assert shape.fields["headers"].fields["authorization"].samples == ["<redacted>"]
    assert shape.fields["headers"].fields["x-event"].samples == ["paid"]
    data = samples_to_json([sample])
    assert b"CANARY" not in data
    (back,) = samples_from_json(data, "kept.json")
    replayed = replay_request(Webhook(name="in", path="/in"), back, "http://127.0.0.1:9/in", None)
    assert "authorization" not in replayed.headers
    assert replayed.headers["x-event"] == "paid"
