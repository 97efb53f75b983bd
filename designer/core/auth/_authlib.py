"""authlib's httpx clients, imported in one place, on first use.

authlib 1.9 announces two migrations with a deprecation warning when its
httpx integration is imported: to the ``httpx2`` package, and from
``authlib.jose`` to ``joserfc``. Both old paths are supported until authlib
2.0 (the dependency is pinned below it); the warning is silenced here, for
these imports only, so it cannot fail strict test runs or alarm users. Keys
are handed over as ``joserfc`` keys, the non-deprecated form.

The import costs about 70 ms, so it happens when a name is first used
(module ``__getattr__``): calls without token authentication never pay it,
and the first Initialize does not freeze the window for it.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.httpx_client import AsyncAssertionClient, AsyncOAuth2Client
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

__all__ = [
    "AsyncAssertionClient",
    "AsyncOAuth2Client",
    "OAuthError",
    "create_s256_code_challenge",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from authlib.deprecate import AuthlibDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AuthlibDeprecationWarning)
        from authlib.integrations.base_client import OAuthError
        from authlib.integrations.httpx_client import AsyncAssertionClient, AsyncOAuth2Client
        from authlib.oauth2.rfc7636 import create_s256_code_challenge

    loaded = {
        "AsyncAssertionClient": AsyncAssertionClient,
        "AsyncOAuth2Client": AsyncOAuth2Client,
        "OAuthError": OAuthError,
        "create_s256_code_challenge": create_s256_code_challenge,
    }
    globals().update(loaded)
    return loaded[name]
