"""Every token flow against a real authlib authorization server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey

from designer.core.auth import Authenticator
from designer.core.calls.service import CallService
from designer.core.errors import AuthenticationError, SignInRequiredError
from designer.core.http.execute import ExecutionSettings, Executor
from designer.core.models import (
    Api,
    Call,
    CustomTokenAuth,
    JwtBearerAuth,
    OAuth2AuthorizationCodeAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2PasswordAuth,
    secret_ref,
)
from designer.core.secrets.store import MemorySecretStore
from designer.core.secrets.tokens import load_token, refresh_ref
from tests.helpers import oauth_server as srv

Run = Callable[[Any], Any]


@pytest.fixture(scope="module")
def rsa_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
def server(rsa_pem: str) -> Iterator[srv.OAuthServer]:
    public = RSAKey.import_key(rsa_pem).as_dict(private=False)
    started = srv.OAuthServer(lifetime=3, public_key=RSAKey.import_key(public)).start()
    yield started
    started.stop()


def api_with(auth: Any, server: srv.OAuthServer) -> tuple[Api, Call]:
    call = Call(name="Resource", path="/resource")
    return Api(name="Auth test", base_url=server.url, auth=auth, calls=[call]), call


def run_send(
    run_async: Run,
    api: Api,
    call: Call,
    store: MemorySecretStore,
    clock: Callable[[], float] = time.time,
) -> Any:
    async def go() -> Any:
        async with Executor(ExecutionSettings()) as executor:
            authenticator = Authenticator(store, executor, clock=clock)
            return await CallService(executor, store, authenticator=authenticator).send(api, call)

    return run_async(go())


def client_credentials(server: srv.OAuthServer) -> OAuth2ClientCredentialsAuth:
    return OAuth2ClientCredentialsAuth(
        token_url=server.url + "/token",
        client_id=srv.CLIENT_ID,
        token_headers={"X-Tenant": "acme"},
    )


def test_client_credentials_fetches_caches_and_refetches_after_expiry(
    run_async: Run, server: srv.OAuthServer
) -> None:
    api, call = api_with(client_credentials(server), server)
    store = MemorySecretStore({secret_ref(api, "auth.client_secret"): srv.CLIENT_SECRET})
    built, response = run_send(run_async, api, call, store)
    assert response.status == 200
    token = load_token(store, api)
    assert token is not None
    assert token.access_token in built.secrets
    assert "Authorization: ••••" in built.describe()
    # Cached: a second call asks the token endpoint nothing.
    run_send(run_async, api, call, store)
    assert server.state.grants_seen == ["client_credentials"]
    # Expired on the server though not locally: one 401, one new token, one retry.
    server.expire_all()
    _, response = run_send(run_async, api, call, store)
    assert response.status == 200
    assert server.state.grants_seen == ["client_credentials"] * 2
    assert all(h.get("X-Tenant") == "acme" for h in server.state.token_headers)


def test_a_401_with_a_fresh_token_is_retried_once_not_in_a_loop(
    run_async: Run, server: srv.OAuthServer
) -> None:
    api, _ = api_with(client_credentials(server), server)
    store = MemorySecretStore({secret_ref(api, "auth.client_secret"): srv.CLIENT_SECRET})
    call = Call(name="Nowhere", path="/resource?always=401")
    # The server ignores the query but we make every token look dead to it.
    original = server.state.tokens
    server.state.tokens = _Forgetful()
    try:
        _, response = run_send(run_async, api, call, store)
    finally:
        server.state.tokens = original
    assert response.status == 401
    assert server.state.grants_seen == ["client_credentials"] * 2


class _Forgetful(dict):  # type: ignore[type-arg]
    """A token table that remembers nothing, so every resource call answers 401."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def test_wrong_client_secret_is_reported_plainly(run_async: Run, server: srv.OAuthServer) -> None:
    api, call = api_with(client_credentials(server), server)
    store = MemorySecretStore({secret_ref(api, "auth.client_secret"): "wrong"})
    with pytest.raises(AuthenticationError) as info:
        run_send(run_async, api, call, store)
    message = str(info.value)
    assert message.startswith("The token endpoint 127.0.0.1:")
    assert "invalid_client" in message
    assert "check the client id, the secret" in message
    assert "wrong" not in message


def test_password_grant_refreshes_before_expiry_and_keeps_headers(
    run_async: Run, server: srv.OAuthServer
) -> None:
    auth = OAuth2PasswordAuth(
        token_url=server.url + "/token",
        client_id=srv.CLIENT_ID,
        username=srv.USERNAME,
        token_headers={"X-Tenant": "acme"},
    )
    api, call = api_with(auth, server)
    store = MemorySecretStore(
        {
            secret_ref(api, "auth.password"): srv.PASSWORD,
            secret_ref(api, "auth.client_secret"): srv.CLIENT_SECRET,
        }
    )
    assert run_send(run_async, api, call, store)[1].status == 200
    assert store.get(refresh_ref(api))
    token = load_token(store, api)
    assert token is not None
    assert token.expires_at is not None
    # 2.5 s after it was issued, past three quarters of its 3 s lifetime (the
    # authenticator's clock moves on instead of the test sleeping): refreshed first.
    later = token.expires_at - 3 + 2.5
    assert run_send(run_async, api, call, store, lambda: later)[1].status == 200
    assert server.state.grants_seen == ["password", "refresh_token"]
    assert [h.get("X-Tenant") for h in server.state.token_headers] == ["acme", "acme"]


def test_dead_refresh_token_of_password_grant_signs_in_again(
    run_async: Run, server: srv.OAuthServer
) -> None:
    auth = OAuth2PasswordAuth(
        token_url=server.url + "/token", client_id=srv.CLIENT_ID, username=srv.USERNAME
    )
    api, call = api_with(auth, server)
    store = MemorySecretStore(
        {
            secret_ref(api, "auth.password"): srv.PASSWORD,
            secret_ref(api, "auth.client_secret"): srv.CLIENT_SECRET,
        }
    )
    run_send(run_async, api, call, store)
    server.revoke_refresh_tokens()
    server.expire_all()
    assert run_send(run_async, api, call, store)[1].status == 200
    assert server.state.grants_seen == ["password", "refresh_token", "password"]


def _play_browser(url: str) -> None:
    """What the user does: open the page, press Allow, land on the loopback redirect."""
    with httpx.Client() as browser:
        page = browser.get(url)
        assert page.status_code == 200
        consent = browser.post(url, data={"confirm": "yes"})
        assert consent.status_code == 302
        landing = browser.get(consent.headers["Location"])
        assert "Signed in" in landing.text


def code_auth(server: srv.OAuthServer) -> OAuth2AuthorizationCodeAuth:
    return OAuth2AuthorizationCodeAuth(
        authorize_url=server.url + "/authorize",
        token_url=server.url + "/token",
        client_id=srv.PUBLIC_CLIENT_ID,
        scope="profile",
    )


def test_authorization_code_with_pkce_then_refresh_then_dead_refresh(
    run_async: Run, server: srv.OAuthServer
) -> None:
    api, call = api_with(code_auth(server), server)
    store = MemorySecretStore()

    async def sign_in_then_call() -> Any:
        async with Executor() as executor:
            authenticator = Authenticator(store, executor)
            opened: list[str] = []

            def browser(url: str) -> None:
                opened.append(url)
                _play_browser(url)

            await authenticator.sign_in(api, open_url=browser, wait=10)
            assert "code_challenge_method=S256" in opened[0]
            return await CallService(executor, store, authenticator=authenticator).send(api, call)

    _, response = run_async(sign_in_then_call())
    assert response.status == 200
    assert server.state.grants_seen == ["authorization_code"]
    server.expire_all()
    assert run_send(run_async, api, call, store)[1].status == 200
    assert server.state.grants_seen[-1] == "refresh_token"
    server.revoke_refresh_tokens()
    server.expire_all()
    with pytest.raises(SignInRequiredError) as info:
        run_send(run_async, api, call, store)
    port = server.url.rsplit(":", 1)[1]
    assert str(info.value) == (
        f"The refresh token was rejected by 127.0.0.1:{port}: sign in again."
    )
    assert store.get(refresh_ref(api)) is None


def test_sign_in_checks_state(run_async: Run, server: srv.OAuthServer) -> None:
    """A redirect with another state is turned away; the real one still signs in."""
    api, call = api_with(code_auth(server), server)
    store = MemorySecretStore()
    pages: list[httpx.Response] = []

    def forged_then_real(url: str) -> None:
        redirect = httpx.URL(url).params["redirect_uri"]
        pages.append(httpx.get(redirect, params={"code": "x", "state": "forged"}))
        pages.append(httpx.get(redirect, params={"code": "x"}))  # no state at all
        _play_browser(url)

    async def go() -> Any:
        async with Executor() as executor:
            authenticator = Authenticator(store, executor)
            await authenticator.sign_in(api, open_url=forged_then_real, wait=10)
            return await CallService(executor, store, authenticator=authenticator).send(api, call)

    _, response = run_async(go())
    assert response.status == 200
    assert [p.status_code for p in pages] == [400, 400]
    assert all("Signed in" not in p.text for p in pages)
    assert server.state.grants_seen == ["authorization_code"]


def test_stray_requests_to_the_redirect_port_do_not_end_the_sign_in(
    run_async: Run, server: srv.OAuthServer
) -> None:
    api, call = api_with(code_auth(server), server)
    store = MemorySecretStore()
    pages: list[httpx.Response] = []

    def strays_then_real(url: str) -> None:
        redirect = httpx.URL(url).params["redirect_uri"]
        state = httpx.URL(url).params["state"]
        base = redirect.rsplit("/", 1)[0]
        for stray in (
            f"{base}/?sign-in",
            f"{base}/favicon.ico?x=1",
            f"{redirect}?sign-in",
            f"{base}/elsewhere?code=x&state={state}",  # the right state on the wrong path
        ):
            pages.append(httpx.get(stray))
        host, port = httpx.URL(redirect).host, httpx.URL(redirect).port
        with socket.create_connection((host, port or 80)) as raw:  # a line past the limit
            raw.sendall(b"GET /callback?" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n")
            raw.recv(100)
        _play_browser(url)
        pages.append(httpx.get(f"{redirect}?code=again&state={state}"))

    async def go() -> Any:
        async with Executor() as executor:
            authenticator = Authenticator(store, executor)
            await authenticator.sign_in(api, open_url=strays_then_real, wait=10)
            return await CallService(executor, store, authenticator=authenticator).send(api, call)

    _, response = run_async(go())
    assert response.status == 200
    assert [p.status_code for p in pages] == [400, 400, 400, 400, 410]
    assert all("Signed in" not in p.text for p in pages)
    assert server.state.grants_seen == ["authorization_code"]


def test_sign_in_times_out_and_can_be_cancelled(run_async: Run, server: srv.OAuthServer) -> None:
    api, _ = api_with(code_auth(server), server)

    async def go(wait: float) -> Any:
        async with Executor() as executor:
            return await Authenticator(MemorySecretStore(), executor).sign_in(
                api, open_url=lambda url: None, wait=wait
            )

    with pytest.raises(SignInRequiredError, match="within 0.2 s"):
        run_async(go(0.2))

    async def cancelled() -> None:
        task = asyncio.ensure_future(go(30))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run_async(cancelled())


def test_jwt_bearer_signs_an_assertion(
    run_async: Run, server: srv.OAuthServer, rsa_pem: str
) -> None:
    auth = JwtBearerAuth(token_url=server.url + "/token", issuer=srv.JWT_ISSUER, scope="read")
    api, call = api_with(auth, server)
    store = MemorySecretStore({secret_ref(api, "auth.private_key"): rsa_pem})
    assert run_send(run_async, api, call, store)[1].status == 200
    assert server.state.grants_seen == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]


def test_custom_token_endpoint(run_async: Run, server: srv.OAuthServer) -> None:
    auth = CustomTokenAuth(
        token_url=server.url + "/custom-token",
        body='{"apiKey": "<secret>"}',
        token_headers={"X-Tenant": "acme"},
    )
    api, call = api_with(auth, server)
    store = MemorySecretStore({secret_ref(api, "auth.secret"): srv.CUSTOM_KEY})
    assert run_send(run_async, api, call, store)[1].status == 200
    server.expire_all()
    assert run_send(run_async, api, call, store)[1].status == 200
    assert len(server.state.token_headers) == 2
    store.set(secret_ref(api, "auth.secret"), "bad")
    server.expire_all()
    with pytest.raises(AuthenticationError, match="answered 403"):
        run_send(run_async, api, call, store)


def test_a_proxy_that_is_down_is_named_for_the_token_endpoint(
    run_async: Run, server: srv.OAuthServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers.servers import free_port

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    dead = free_port()
    monkeypatch.setenv("HTTP_PROXY", f"http://someone:CANARY_pw@127.0.0.1:{dead}")
    auth = OAuth2PasswordAuth(
        token_url=server.url + "/token", client_id=srv.CLIENT_ID, username=srv.USERNAME
    )
    api, call = api_with(auth, server)
    store = MemorySecretStore(
        {
            secret_ref(api, "auth.password"): srv.PASSWORD,
            secret_ref(api, "auth.client_secret"): srv.CLIENT_SECRET,
        }
    )
    with pytest.raises(AuthenticationError) as info:
        run_send(run_async, api, call, store)
    port = server.url.rsplit(":", 1)[1]
    message = str(info.value)
    assert message.startswith(
        f"Could not connect to the proxy 127.0.0.1:{dead} (set by HTTP_PROXY), on the way to "
        f"the token endpoint 127.0.0.1:{port} of API "
    ), message
    assert message.endswith("check the proxy, or unset HTTP_PROXY")
    assert "CANARY_pw" not in message
    assert server.state.grants_seen == []
