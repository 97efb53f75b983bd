"""OAuth2 authorization code with PKCE, signed in through the system browser (RFC 8252).

:func:`sign_in` listens on ``127.0.0.1`` (the API's redirect port, or any free
one), opens the authorization URL in the browser, waits for the redirect,
checks ``state``, and exchanges the code and the PKCE verifier for a token.
Cancelling the awaiting task (the GUI's Cancel button) or the timeout closes
the listener; nothing is left running.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import webbrowser
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from designer.core.auth import _authlib
from designer.core.auth.grants import (
    ClientOptions,
    _guarded,
    _secret,
    _to_token,
    _token_url,
    address,
)
from designer.core.errors import AuthenticationError, SignInRequiredError
from designer.core.models import Api, OAuth2AuthorizationCodeAuth
from designer.core.secrets.store import SecretStore
from designer.core.secrets.tokens import Token

__all__ = ["DEFAULT_TIMEOUT", "sign_in"]

#: Seconds to wait for the user to finish in the browser.
DEFAULT_TIMEOUT = 300.0
_PAGE = (
    "<!doctype html><meta charset=utf-8><title>Connector Designer</title>"
    "<p style='font:16px sans-serif'>{text}</p>"
)


async def _listen(
    port: int, state: str
) -> tuple[asyncio.Server, int, asyncio.Future[dict[str, str]]]:
    """A one-shot HTTP listener whose future resolves to the redirect's query.

    Only a request to ``/callback`` carrying ``state`` is the answer: any other
    request (a stray tab, another program, a forged redirect) is told so and the
    sign-in keeps waiting.
    """
    answer: asyncio.Future[dict[str, str]] = asyncio.get_running_loop().create_future()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(10):
                line = await reader.readline()
                for _ in range(100):  # the headers are not needed
                    if not (await reader.readline()).strip():
                        break
            target = line.decode("latin-1").split(" ")[1] if line.count(b" ") >= 2 else "/"
            url = urlsplit(target)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            given = query.get("state", "").encode("utf-8", "surrogatepass")
            done = (
                url.path == "/callback"
                and hmac.compare_digest(given, state.encode())
                and not answer.done()
            )
            if done:
                status, text = (
                    "200 OK",
                    "Signed in. You can close this tab and return to Connector Designer.",
                )
            elif answer.done():
                status, text = "410 Gone", "This sign-in is over. You can close this tab."
            else:
                status, text = (
                    "400 Bad Request",
                    "This is not the sign-in answer Connector Designer is waiting for.",
                )
            body = _PAGE.format(text=text).encode()
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n".encode()
                + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
            if done:
                answer.set_result(query)
        except (OSError, TimeoutError, IndexError, ValueError):
            pass  # a stray, slow or broken connection (a line past the reader's limit)
        finally:
            writer.close()

    try:
        server = await asyncio.start_server(handle, "127.0.0.1", port)
    except OSError as exc:
        raise AuthenticationError(
            f"Could not listen for the sign-in answer on 127.0.0.1:{port} ({exc}): choose "
            f"another redirect port, or 0 for any free one"
        ) from exc
    bound = server.sockets[0].getsockname()[1]
    return server, int(bound), answer


async def sign_in(
    api: Api,
    store: SecretStore,
    options: ClientOptions,
    *,
    open_url: Callable[[str], Any] = webbrowser.open,
    wait: float = DEFAULT_TIMEOUT,
) -> Token:
    """Sign in through the browser and return the token (the caller caches it)."""
    auth = api.auth
    if not isinstance(auth, OAuth2AuthorizationCodeAuth):
        raise AuthenticationError(f"API '{api.name}' does not sign in through a browser")
    if not auth.authorize_url.strip():
        raise AuthenticationError(
            f"API '{api.name}' has no authorization URL: set it in the API's authentication "
            f"settings"
        )
    token_url = _token_url(api, auth.token_url)
    client_secret = _secret(store, api, "client_secret", required=False)
    method = "client_secret_basic" if auth.client_auth == "basic" else "client_secret_post"
    state, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(64)
    server, port, answer = await _listen(auth.redirect_port, state)
    redirect_uri = f"http://127.0.0.1:{port}/callback"
    try:
        async with _authlib.AsyncOAuth2Client(
            client_id=auth.client_id,
            client_secret=client_secret or None,
            token_endpoint_auth_method=method if client_secret else "none",
            scope=auth.scope or None,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            **options.kwargs(auth.token_headers),
        ) as client:
            url, _ = client.create_authorization_url(
                auth.authorize_url.strip(), state=state, code_verifier=verifier
            )
            await asyncio.to_thread(open_url, url)
            try:
                query = await asyncio.wait_for(answer, wait)
            except TimeoutError:
                raise SignInRequiredError(
                    f"Nobody finished signing in to API '{api.name}' within {wait:g} s: "
                    f"press Sign in to try again"
                ) from None
            if query.get("state") != state:
                raise AuthenticationError(
                    f"The sign-in answer for API '{api.name}' does not belong to this sign-in "
                    f"(its state does not match): sign in again"
                )
            if "error" in query or "code" not in query:
                reason = query.get("error_description") or query.get("error", "no code")
                raise SignInRequiredError(
                    f"{address(auth.authorize_url)} did not sign you in to API '{api.name}' "
                    f"({reason}): sign in again"
                )

            async def exchange() -> Any:
                return await client.fetch_token(
                    token_url,
                    grant_type="authorization_code",
                    code=query["code"],
                    code_verifier=verifier,
                    redirect_uri=redirect_uri,
                )

            data = await _guarded(api, token_url, exchange)
    finally:
        server.close()
        await server.wait_closed()
    return _to_token(api, token_url, data)
