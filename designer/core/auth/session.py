"""Valid access tokens for every request: fetched, cached, refreshed, refetched on demand.

:class:`Authenticator` keeps tokens: :meth:`~Authenticator.ensure_token` gives
a token that is not about to expire (refreshing it, or asking the token
endpoint again), or a new one after a 401 (``force``). :func:`authorize` is how
a token is applied to a built request. Sending, and the one retry after a 401,
belong to the call service (:mod:`designer.core.calls.service`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from designer.core.auth.browser import DEFAULT_TIMEOUT
from designer.core.auth.browser import sign_in as browser_sign_in
from designer.core.auth.grants import ClientOptions, fetch_token, refresh_token
from designer.core.errors import SignInRequiredError
from designer.core.http.execute import Executor
from designer.core.http.request import BuiltRequest, in_environment, secret_forms
from designer.core.http.tls import TlsSettings, ssl_context
from designer.core.models import TOKEN_AUTH_TYPES, Api, OAuth2AuthorizationCodeAuth
from designer.core.secrets.store import SecretStore
from designer.core.secrets.tokens import Token, load_token, refresh_ref, save_token

__all__ = ["Authenticator", "authorize"]


class Authenticator:
    """Gets and renews the access tokens of APIs; tokens live in ``store``."""

    def __init__(
        self, store: SecretStore, executor: Executor, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.store, self.executor = store, executor
        #: The time (epoch seconds) a cached token's expiry is compared with.
        self.clock = clock
        self._locks: dict[tuple[str, str | None], asyncio.Lock] = {}

    def _options(self, api: Api) -> ClientOptions:
        settings = self.executor.settings
        context = ssl_context(TlsSettings(ca_bundle=api.ca_bundle.strip()), settings.verify)
        return ClientOptions(context, settings.read_timeout, self.executor.transport)

    async def ensure_token(
        self, api: Api, environment: str | None = None, *, force: bool = False
    ) -> Token | None:
        """A usable token of ``api`` (None for APIs without a token endpoint).

        ``force`` replaces the cached token even if it looks valid (after a 401).
        """
        if api.auth.type not in TOKEN_AUTH_TYPES:
            return None
        scoped, store = in_environment(api, self.store, environment)
        lock = self._locks.setdefault((api.id, environment), asyncio.Lock())
        async with lock:
            cached = load_token(store, scoped)
            if cached is not None and not force and not cached.expires_soon(now=self.clock()):
                return cached
            token = await self._renew(scoped, store)
            save_token(store, scoped, token)
            return token

    async def _renew(self, api: Api, store: SecretStore) -> Token:
        options = self._options(api)
        refresh = store.get(refresh_ref(api))
        url = getattr(api.auth, "token_url", "").strip()
        if refresh and url:
            try:
                return await refresh_token(api, url, refresh, store, options)
            except SignInRequiredError:
                store.delete(refresh_ref(api))
                save_token(store, api, None)
                if isinstance(api.auth, OAuth2AuthorizationCodeAuth):
                    raise
                # The other grants can simply ask again with their credentials.
        return await fetch_token(api, store, options)

    async def sign_in(
        self,
        api: Api,
        environment: str | None = None,
        *,
        open_url: Callable[[str], Any] | None = None,
        wait: float = DEFAULT_TIMEOUT,
    ) -> Token:
        """The browser sign-in of the authorization-code flow; the token is cached."""
        scoped, store = in_environment(api, self.store, environment)
        kwargs: dict[str, Any] = {"wait": wait}
        if open_url is not None:
            kwargs["open_url"] = open_url
        token = await browser_sign_in(scoped, store, self._options(scoped), **kwargs)
        save_token(store, scoped, token)
        return token


def authorize(request: BuiltRequest, token: Token | None) -> BuiltRequest:
    """``request`` carrying ``token`` as its bearer credential (unchanged without one).

    The request was built with the cached token, or a placeholder when none was
    cached; the token's forms join the secrets, so every rendering masks them.
    """
    if token is None:
        return request
    bearer = f"Bearer {token.access_token}"
    # In place: the builder put the header where the token goes.
    headers = [(n, bearer if n.lower() == "authorization" else v) for n, v in request.headers]
    if not any(n.lower() == "authorization" for n, _ in headers):
        headers.append(("Authorization", bearer))
    forms = secret_forms(token.access_token) | secret_forms(bearer)
    return replace(
        request,
        headers=tuple(headers),
        secrets=request.secrets | forms,
        token_pending=False,
    )
