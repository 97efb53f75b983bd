"""Access tokens for APIs that authenticate through a token endpoint.

- :mod:`.tokens`: the token and its cache in the secret store;
- :mod:`.grants`: asking a token endpoint (client credentials, password,
  refresh, JWT bearer, custom token), through authlib;
- :mod:`.browser`: authorization code with PKCE through the system browser;
- :mod:`.session`: :class:`Authenticator`, which keeps tokens valid, and
  :func:`authorize`, which applies one to a built request.
"""

from __future__ import annotations

from designer.core.auth.session import Authenticator, authorize
from designer.core.secrets.tokens import Token

__all__ = ["Authenticator", "Token", "authorize"]
