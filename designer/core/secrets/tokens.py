"""Access tokens, cached in the secret store with their expiry.

A token is kept as one small JSON document under the API's
``auth.access_token`` reference (scoped to the active environment like every
secret), so the keychain holds it between sessions and the workspace file
never does. The refresh token of the authorization-code flow is a secret of
its own (``auth.refresh_token``) so that CI can supply it as a variable.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import orjson

from designer.core.models import Api, secret_ref
from designer.core.secrets.store import SecretStore

__all__ = ["REFRESH_LEEWAY", "Token", "load_token", "save_token", "token_ref"]

#: Seconds before its expiry that a token is refreshed, so it never lapses in flight.
REFRESH_LEEWAY = 30.0


def token_ref(api: Api) -> str:
    return secret_ref(api, "auth.access_token")


def refresh_ref(api: Api) -> str:
    return secret_ref(api, "auth.refresh_token")


@dataclass(frozen=True, slots=True)
class Token:
    """An access token, when it expires (epoch seconds; None: unknown) and how to renew it."""

    access_token: str = field(repr=False)
    expires_at: float | None = None
    refresh_token: str = field(default="", repr=False)
    lifetime: float | None = None

    def expires_soon(self, leeway: float = REFRESH_LEEWAY, now: float | None = None) -> bool:
        """Whether to renew now: within ``leeway`` seconds of expiry, or a quarter of
        the lifetime for short-lived tokens."""
        if self.expires_at is None:
            return False
        if self.lifetime:
            leeway = min(leeway, self.lifetime / 4)
        return (now if now is not None else time.time()) >= self.expires_at - leeway

    @classmethod
    def from_response(
        cls,
        data: dict[str, Any],
        token_field: str = "access_token",
        expires_field: str = "expires_in",
    ) -> Token | None:
        """The token of a token endpoint's JSON answer; None if it holds none."""
        value = data.get(token_field)
        if not isinstance(value, str) or not value:
            return None
        expires_at = seconds = None
        lifetime = data.get(expires_field)
        if isinstance(lifetime, int | float) or (isinstance(lifetime, str) and lifetime.isdigit()):
            seconds = float(lifetime)
            expires_at = time.time() + seconds
        elif isinstance(data.get("expires_at"), int | float):
            expires_at = float(data["expires_at"])
        refresh = data.get("refresh_token")
        return cls(value, expires_at, refresh if isinstance(refresh, str) else "", seconds)


def load_token(store: SecretStore, api: Api) -> Token | None:
    """The cached token of ``api``, if any (a damaged cache reads as none)."""
    raw = store.get(token_ref(api))
    if not raw:
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
        return None
    expires, lifetime = data.get("expires_at"), data.get("lifetime")
    return Token(
        data["access_token"],
        float(expires) if isinstance(expires, int | float) else None,
        lifetime=float(lifetime) if isinstance(lifetime, int | float) else None,
    )


def save_token(store: SecretStore, api: Api, token: Token | None) -> None:
    """Cache ``token`` (None forgets it); its refresh token goes to its own entry."""
    if token is None:
        store.delete(token_ref(api))
        return
    document = {
        "access_token": token.access_token,
        "expires_at": token.expires_at,
        "lifetime": token.lifetime,
    }
    store.set(token_ref(api), orjson.dumps(document).decode())
    if token.refresh_token:
        store.set(refresh_ref(api), token.refresh_token)
