"""The fixed parts of the generated Python client: its runtime helpers and client classes.

:mod:`.python_client` writes what differs per call (builders, parsers,
models); what every generated module holds is here, as source text: reading
secrets, nesting dotted body names, reading XML the way the app does,
building the data envelope of calls that capture errors or headers, and the
sync and async client classes around httpx.
"""

from __future__ import annotations

import textwrap

from designer.core.escaping import python_docstring, python_string
from designer.core.models import Api

__all__ = ["RUNTIME", "SIMPLE_AUTH", "client_class", "docstring", "long_lines", "params"]

#: The auth types the generated code sends itself; token endpoints need an httpx.Auth.
SIMPLE_AUTH = frozenset({"none", "api_key_header", "api_key_query", "bearer", "basic"})

RUNTIME = '''
def _secret(variable: str, ref: str) -> str:
    """A secret: from the environment variable, else from the app's keychain entry."""
    value = os.environ.get(variable)
    if value:
        return value
    try:
        keyring: Any = importlib.import_module("keyring")
    except ImportError:
        keyring = None
    if keyring is not None:
        stored: object = keyring.get_password(KEYCHAIN_SERVICE, ref)
        if isinstance(stored, str) and stored:
            return stored
    raise LookupError(f"Secret {variable} is not set: set the environment variable {variable}")


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _segment(value: object) -> str:
    """A path parameter's value, percent-encoded as one segment ("/" included)."""
    return quote(_text(value), safe="")


def _nest(pairs: list[tuple[str, object]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for name, value in pairs:
        *parents, leaf = name.split(".")
        node = root
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return root


def _xml(text: bytes) -> Any:
    """An XML body as nested dicts, the way Connector Designer reads it."""
    root = ElementTree.fromstring(text)

    def tag(element: ElementTree.Element) -> str:
        return str(element.tag).rsplit("}", 1)[-1]

    def convert(element: ElementTree.Element) -> Any:
        children = list(element)
        body = (element.text or "").strip()
        if not children and not element.attrib:
            return body
        node: dict[str, Any] = {f"@{k.rsplit('}', 1)[-1]}": v for k, v in element.attrib.items()}
        for child in children:
            name, value = tag(child), convert(child)
            if name in node:
                existing = node[name]
                node[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
            else:
                node[name] = value
        if body:
            node["#text"] = body
        return node

    return {tag(root): convert(root)}


def _envelope(response: httpx.Response, body: Any, errors: bool, headers: bool) -> Any:
    out: dict[str, Any] = {"body": body}
    if errors:
        out["status_code"] = response.status_code
        out["returned_an_error"] = response.is_error
        out["error_message"] = response.reason_phrase if response.is_error else None
    if headers:
        out["headers"] = {k.lower(): v for k, v in response.headers.items()}
    return out


class _Request:
    """What one call sends, built before choosing the sync or async client."""

    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.path = path
        self.params: list[tuple[str, str]] = []
        self.headers: dict[str, str] = {}
        self.content: bytes | None = None
        self.data: dict[str, str] | None = None
        self.json: Any = None
'''


def params(items: list[str], indent: int) -> str:
    """A parameter or argument list: on one line when short, else one item per line."""
    line = ", ".join(items)
    if len(line) + indent < 50:
        return line
    pad = " " * (indent + 4)
    return "\n" + "".join(f"{pad}{item},\n" for item in items) + " " * indent


def docstring(text: str, indent: int) -> str:
    """A docstring whose value is ``text`` (escaped: a name cannot end it), wrapped at 100."""
    pad = " " * indent
    text = python_docstring(text)
    if len(text) + indent + 6 <= 100:
        return f'{pad}"""{text}"""'
    # Breaks fall on spaces only, never inside an escape such as \" or \x1b.
    wrapped = textwrap.fill(
        text,
        96 - indent,
        initial_indent=pad,
        subsequent_indent=pad,
        break_on_hyphens=False,
        break_long_words=False,
    )
    return f'{pad}"""\n{wrapped}\n{pad}"""'


def long_lines(source: str) -> str:
    """Generated lines longer than ruff's 100 (long names, secrets' references) say so."""
    return "\n".join(
        f"{line}  # noqa: E501" if len(line) > 100 and "#" not in line else line
        for line in source.split("\n")
    )


def client_class(api: Api, name: str, sync: list[str], asynchronous: list[str]) -> str:
    """The sync client class ``name`` and its async twin ``Async<name>``."""
    tail = (
        ""
        if api.auth.type in SIMPLE_AUTH
        else f" Authentication ({api.auth.type}) is not generated: pass an httpx ``auth``."
    )
    out = []
    for cls, client, prefix, wait, methods in (
        (name, "httpx.Client", "def", "", sync),
        (f"Async{name}", "httpx.AsyncClient", "async def", "await ", asynchronous),
    ):
        close = "aclose" if wait else "close"
        enter, leave = ("aenter", "aexit") if wait else ("enter", "exit")
        out.append(
            f"class {cls}:\n"
            f"{docstring(f'The calls of API {python_string(api.name)}.{tail}', 4)}\n\n"
            f"    def __init__(\n"
            f"        self,\n"
            f"        base_url: str = {python_string(api.base_url)},\n"
            f"        *,\n"
            f"        client: {client} | None = None,\n"
            f"        auth: httpx.Auth | None = None,\n"
            f"        timeout: float = 30.0,\n"
            f"    ) -> None:\n"
            f"        self.base_url = base_url.rstrip('/')\n"
            f"        self._client = client or {client}(timeout=timeout, auth=auth)\n\n"
            f"    {prefix} {close}(self) -> None:\n"
            f"        {wait}self._client.{close}()\n\n"
            f"    {prefix} __{enter}__(self) -> {cls}:\n"
            f"        return self\n\n"
            f"    {prefix} __{leave}__(self, *exc_info: object) -> None:\n"
            f"        {wait}self.{close}()\n\n"
            f"    {prefix} _send(self, request: _Request) -> httpx.Response:\n"
            f"        url = self.base_url + '/' + request.path.lstrip('/')\n"
            f"        return {wait}self._client.request(\n"
            f"            request.method,\n"
            f"            url,\n"
            f"            params=tuple(request.params),\n"
            f"            headers=request.headers,\n"
            f"            content=request.content,\n"
            f"            data=request.data,\n"
            f"            json=request.json,\n"
            f"        )\n\n" + "\n\n".join(methods)
        )
    return "\n\n\n".join(out)
