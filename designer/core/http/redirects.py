"""Following redirects without handing credentials to another origin.

httpx drops ``Authorization`` when a redirect leaves the origin, but sends
every other header along, API-key headers included, keeps the query string
the server chose, and presents the client certificate to whoever answers.
:func:`send_following_redirects` follows redirects itself: while they stay on
the origin of the first request (same scheme, host and port) the request
keeps everything; once one leaves it, :func:`strip_credentials` removes
every credential from the request (``Authorization``,
``Proxy-Authorization``, the cookies the call set, API-key and other
private headers, query values that are secrets) and it is sent through a
client without the certificate. Nothing is put back for later hops, even
one that returns to the origin.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from designer.core.secrets.detector import is_credential

__all__ = ["redirect_request", "same_origin", "send_following_redirects", "strip_credentials"]

_REDIRECTS = (301, 302, 303, 307, 308)
_ALWAYS_CREDENTIALS = ("authorization", "proxy-authorization", "cookie")


def same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    """Whether two URLs share scheme, host and (effective) port."""
    return (a.scheme, a.host, _port(a)) == (b.scheme, b.host, _port(b))


def _port(url: httpx.URL) -> int | None:
    return url.port or {"http": 80, "https": 443}.get(url.scheme)


def _carries_secret(value: str, secrets: Iterable[str]) -> bool:
    return any(secret and secret in value for secret in secrets)


def strip_credentials(request: httpx.Request, secrets: frozenset[str]) -> httpx.Request:
    """``request`` without any credential: for a server of another origin."""
    headers = [
        (name, value)
        for name, value in request.headers.multi_items()
        if name.lower() not in _ALWAYS_CREDENTIALS
        and not is_credential(name, "header")
        and not _carries_secret(value, secrets)
    ]
    query = [
        (name, value)
        for name, value in request.url.params.multi_items()
        if not is_credential(name, "query") and not _carries_secret(value, secrets)
    ]
    url = request.url.copy_with(params=query) if query else request.url.copy_with(query=None)
    return httpx.Request(
        request.method, url, headers=headers, content=request.content, extensions=request.extensions
    )


def redirect_request(request: httpx.Request, response: httpx.Response) -> httpx.Request:
    """The request that follows ``response``'s redirect, as httpx and browsers would send it.

    303 (and 302, and 301 after a POST) turn into a GET without a body; other
    redirects repeat method and body. Headers are kept whole: whether they may
    go along is :func:`send_following_redirects`'s decision.
    """
    location = response.headers.get("location", "")
    try:
        url = request.url.join(location)
    except httpx.InvalidURL as exc:
        raise httpx.RemoteProtocolError(
            f"Invalid URL in location header: {exc}.", request=request
        ) from None
    method = request.method
    if response.status_code in (302, 303) and method != "HEAD":
        method = "GET"
    if response.status_code == 301 and method == "POST":
        method = "GET"
    keep_body = method == request.method
    drop = {"host", "content-length", "transfer-encoding"}
    if not keep_body:
        drop.add("content-type")
    headers = [(n, v) for n, v in request.headers.multi_items() if n.lower() not in drop]
    if request.url.fragment and not url.fragment:
        url = url.copy_with(fragment=request.url.fragment)
    content = request.content if keep_body else None
    return httpx.Request(
        method, url, headers=headers, content=content, extensions=request.extensions
    )


async def send_following_redirects(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    secrets: frozenset[str],
    max_redirects: int,
    plain_client: httpx.AsyncClient | None = None,
) -> httpx.Response:
    """Send ``request`` with ``client``, following redirects; the last response, streamed.

    ``plain_client`` (the same settings without a client certificate) sends
    every request after the redirects left the origin.
    """
    origin = request.url
    left = False
    for _ in range(max_redirects + 1):
        response = await client.send(request, stream=True, follow_redirects=False)
        if response.status_code not in _REDIRECTS or "location" not in response.headers:
            return response
        await response.aclose()
        request = redirect_request(request, response)
        if not left and not same_origin(request.url, origin):
            left = True
            request = strip_credentials(request, secrets)
            client = plain_client or client
    raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=request)
