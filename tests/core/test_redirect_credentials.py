"""Redirects to another origin drop every credential; redirects on the origin keep them.

Two real servers on 127.0.0.1, on different ports (so different origins): the
first redirects, the second records what arrived.
"""

from __future__ import annotations

import asyncio
import secrets as random
from typing import Any

import pytest

from designer.core.http.execute import ExecutionSettings, Executor
from designer.core.http.request import build_request
from designer.core.models import (
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BasicAuth,
    BearerAuth,
    Call,
    Parameter,
    Placement,
    secret_ref,
)
from designer.core.secrets.store import MemorySecretStore
from tests.helpers.recording_server import RecordingServer, Seen

AUTHS = [
    BearerAuth(),
    ApiKeyHeaderAuth(header="X-API-Key"),
    ApiKeyHeaderAuth(header="Ocp-Apim-Subscription-Key"),
    ApiKeyQueryAuth(parameter="api_key"),
    BasicAuth(username="ada"),
]


def _send(auth: Any, origin: str, target: str, status: int = 302) -> tuple[str, str]:
    """Send a call with every kind of credential to /redirect; returns (credential, private)."""
    credential, private = "cred" + random.token_hex(8), "priv" + random.token_hex(8)
    call = Call(
        name="Go",
        path="/redirect",
        parameters=[
            Parameter(name="to", value=target, placement=Placement.QUERY),
            Parameter(name="status", value=str(status), placement=Placement.QUERY),
            Parameter(name="reflect", value="1", placement=Placement.QUERY),
            Parameter(name="Cookie", private=True, placement=Placement.HEADER),
            Parameter(name="X-Request-Sig", private=True, placement=Placement.HEADER),
            Parameter(name="Accept-Language", value="fr", placement=Placement.HEADER),
        ],
    )
    api = Api(name="A", base_url=origin, auth=auth, calls=[call])
    field = {"bearer": "token", "basic": "password"}.get(auth.type, "key")
    store = MemorySecretStore(
        {
            secret_ref(api, f"auth.{field}"): credential,
            secret_ref(api, "param.Cookie", call): f"session={private}",
            secret_ref(api, "param.X-Request-Sig", call): private,
        }
    )
    request = build_request(api, call, store)

    async def go() -> None:
        async with Executor(ExecutionSettings(connect_timeout=5, read_timeout=5)) as executor:
            result = await executor.send(request)
            assert result.status == 200

    asyncio.run(go())
    return credential, private


def _text(seen: Seen) -> str:
    return repr((seen.path, seen.query, seen.headers))


@pytest.mark.parametrize("auth", AUTHS, ids=lambda a: a.type + getattr(a, "header", ""))
@pytest.mark.parametrize("status", [302, 307])
def test_another_origin_gets_no_credential(auth: Any, status: int) -> None:
    with RecordingServer() as first, RecordingServer() as second:
        credential, private = _send(auth, first.url, f"{second.url}/landing", status)
        # The first server got everything: it is the API's own origin.
        assert credential in _text(first.seen[0]) or auth.type == "basic"
        assert private in _text(first.seen[0])
        (landed,) = second.seen
        assert landed.path == "/landing"
        assert credential not in _text(landed)
        assert private not in _text(landed)
        assert "authorization" not in landed.headers
        assert "cookie" not in landed.headers
        assert "x-api-key" not in landed.headers
        assert "ocp-apim-subscription-key" not in landed.headers
        assert "api_key" not in dict(landed.query)
        # What is not a credential still goes along.
        assert landed.headers.get("accept-language") == "fr"


@pytest.mark.parametrize("auth", AUTHS, ids=lambda a: a.type + getattr(a, "header", ""))
def test_the_same_origin_keeps_every_credential(auth: Any) -> None:
    with RecordingServer() as server:
        credential, private = _send(auth, server.url, f"{server.url}/landing")
        landed = server.seen[-1]
        assert landed.path == "/landing"
        if auth.type == "basic":
            assert landed.headers["authorization"].startswith("Basic ")
        elif auth.type == "api_key_query":
            assert dict(landed.query)["api_key"] == credential
        else:
            assert credential in _text(landed)
        assert landed.headers["cookie"] == f"session={private}"
        assert landed.headers["x-request-sig"] == private


def test_another_port_on_the_same_host_is_another_origin() -> None:
    with RecordingServer() as first, RecordingServer() as second:
        # localhost and 127.0.0.1 differ by host too; here only the port differs.
        assert first.url.rpartition(":")[0] == second.url.rpartition(":")[0]
        credential, _ = _send(BearerAuth(), first.url, f"{second.url}/landing")
        assert credential not in _text(second.seen[0])
