"""The proxy the environment sets for a URL, so that messages blame it and not the server.

httpx reads ``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` from
the environment; then every connection goes to the proxy, and a failure to
connect is the proxy's. The standard library's reading of the same variables
(:func:`urllib.request.getproxies`, :func:`urllib.request.proxy_bypass`) says
which proxy that is. The proxy is named by host and port only: its URL may
hold a user name and password.
"""

from __future__ import annotations

import os
import urllib.request
from dataclasses import dataclass

import httpx

__all__ = ["Proxy", "environment_proxy"]


@dataclass(frozen=True, slots=True)
class Proxy:
    """A proxy's ``host:port`` and the environment variable that sets it."""

    address: str
    variable: str

    @property
    def named(self) -> str:
        return f"the proxy {self.address} (set by {self.variable})"


def environment_proxy(url: httpx.URL | str) -> Proxy | None:
    """The proxy requests to ``url`` go through, or None (none set, or bypassed)."""
    try:
        url = httpx.URL(url)
    except httpx.InvalidURL:
        return None
    if url.scheme not in ("http", "https") or not url.host:
        return None
    proxies = urllib.request.getproxies()
    key = url.scheme if proxies.get(url.scheme) else "all"
    value = proxies.get(key)
    if not value or urllib.request.proxy_bypass(url.host):
        return None
    try:
        parsed = httpx.URL(value if "://" in value else f"http://{value}")
    except httpx.InvalidURL:
        return None
    host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
    address = f"{host}:{parsed.port}" if parsed.port else host
    names = [n for n in os.environ if n.lower() == f"{key}_proxy"]
    return Proxy(address, names[0] if names else f"{key.upper()}_PROXY")
