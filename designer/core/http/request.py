"""Turn a call and its values into a request, and render it for people.

:func:`build_request` resolves every parameter (explicit values first, then the
secret store for private parameters, then the sample), fills the path, the
query, the headers and the body, and applies the API's authentication. The
result, a :class:`BuiltRequest`, is immutable and knows which secret values
went into it, so both renderings (:meth:`BuiltRequest.describe` and
:meth:`BuiltRequest.to_curl`) mask them unless the user asks to reveal them.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, quote_plus, urlencode, urlsplit, urlunsplit

import orjson

from designer.core.errors import (
    MissingSecretError,
    MissingValueError,
    PlaceholderError,
    RequestBuildError,
)
from designer.core.escaping import shell_argument
from designer.core.http.body import (
    FileMode,
    Resolved,
    bad_value,
    describe_multipart,
    encode_body,
)
from designer.core.http.checks import check_header, check_url
from designer.core.http.tls import TlsSettings
from designer.core.models import (
    AUTH_SECRET_FIELD,
    TOKEN_AUTH_TYPES,
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BasicAuth,
    BearerAuth,
    Call,
    ClientCertificateAuth,
    Environment,
    Parameter,
    Placement,
    ValueType,
    path_placeholders,
    secret_ref,
)
from designer.core.secrets.scope import EnvironmentSecrets
from designer.core.secrets.store import SecretStore, mask_secrets
from designer.core.values import BadValue, sent_forms, text_value

if TYPE_CHECKING:
    import httpx

    from designer.core.http.file_choices import ChosenFiles

__all__ = ["BuiltRequest", "build_request", "missing_placeholders", "secret_forms"]

_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")
_CONTINUATION = " \\\n  "
_AUTH_LABEL = {
    "api_key_header": "an API key",
    "api_key_query": "an API key",
    "bearer": "a bearer token",
    "basic": "a Basic auth password",
}


@dataclass(frozen=True, slots=True)
class BuiltRequest:
    """A request ready to send, with the secrets used to build it.

    ``headers`` are the ones the call sets (shared headers, call headers,
    authentication and the body's Content-Type); the HTTP client adds its own
    (Host, Content-Length, User-Agent, Accept-Encoding) when sending.
    ``secrets`` holds every private value and the encoded forms it took in the
    request (URL-encoded, JSON-escaped, Base64), so masking finds them all.
    ``multipart_fields`` repeats the fields of a multipart body so that
    :meth:`to_curl` can render them as ``--form-string`` options, and
    ``multipart_files`` its file parts (name and path) as ``-F name=@path``.
    """

    api_name: str
    call_name: str
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    content: bytes | None
    secrets: frozenset[str]
    multipart_fields: tuple[tuple[str, str], ...] = ()
    multipart_files: tuple[tuple[str, str], ...] = ()
    tls: TlsSettings = TlsSettings()
    #: the API gets its access token from a token endpoint and none is cached yet
    token_pending: bool = False

    def to_httpx(self) -> httpx.Request:
        """The request as httpx sends it, secrets included."""
        import httpx  # here, not at the top: building a preview must not wait for it

        # Values go out as UTF-8 bytes: httpx would reject non-ASCII text.
        headers = [(n.encode("ascii"), v.encode("utf-8")) for n, v in self.headers]
        return httpx.Request(self.method, self.url, headers=headers, content=self.content)

    def describe(self, *, reveal: bool = False) -> str:
        """Method and URL, one header a line, a blank line and the body."""
        lines = [f"{self.method} {self.url}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        text = "\n".join(lines)
        if self.content:
            text += "\n\n" + _body_text(self.content, self.multipart_fields, self.multipart_files)
        return text if reveal else mask_secrets(text, self.secrets)

    def to_curl(self, *, reveal: bool = False) -> str:
        """A curl command line, each argument quoted for a POSIX shell."""

        def shown(text: str) -> str:
            # Mask before quoting: quoting may split a secret that holds a quote.
            return shell_argument(text if reveal else mask_secrets(text, self.secrets))

        first = ["curl"]
        if self.method == "HEAD":
            first.append("--head")
        elif self.method != "GET" or self.content:
            first += ["-X", self.method]
        first.append(shown(self.url))
        parts = [" ".join(first)]
        for name, value in self.headers:
            if (self.multipart_fields or self.multipart_files) and name.lower() == "content-type":
                continue  # curl writes its own multipart boundary
            parts.append(f"-H {shown(f'{name}: {value}')}")
        if self.multipart_fields or self.multipart_files:
            parts += [f"--form-string {shown(f'{k}={v}')}" for k, v in self.multipart_fields]
            parts += [f"-F {shown(f'{k}=@{v}')}" for k, v in self.multipart_files]
        elif self.content:
            parts.append(f"--data-raw {shown(_body_text(self.content))}")
        return _CONTINUATION.join(parts)


def _body_text(
    content: bytes,
    fields: tuple[tuple[str, str], ...] = (),
    files: tuple[tuple[str, str], ...] = (),
) -> str:
    if files:  # the files are named, not shown (and a preview does not read them)
        return describe_multipart(fields, files)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(content)} bytes of binary data>"


def missing_placeholders(api: Api, call: Call) -> list[str]:
    """The ``{name}`` placeholders of the call's path that no path parameter fills."""
    names = {p.name for p in (*api.parameters, *call.parameters) if p.placement == Placement.PATH}
    return [name for name in path_placeholders(call.path) if name not in names]


def build_request(
    api: Api,
    call: Call,
    secrets: SecretStore,
    values: Mapping[str, str] | None = None,
    environment: str | None = None,
    *,
    files: FileMode = "read",
    chosen: ChosenFiles | None = None,
) -> BuiltRequest:
    """Build the request of ``call``, raising :class:`RequestBuildError` if it can't be.

    ``values`` overrides parameter values by name (for example from the command
    line). Blank optional parameters are left out; a blank required one raises
    :class:`MissingValueError`. ``environment`` names one of the API's
    environments, whose base URL, shared values and secrets then win.

    An API whose token comes from a token endpoint uses the cached token; with
    none cached the request is marked ``token_pending`` and cannot be sent
    (:class:`designer.core.auth.Authenticator` fetches one first).
    ``files`` says what to do with the files of a multipart body: ``"read"``
    them to send, only ``"check"`` that they could be read (a preview, whose
    body then lists the files instead of holding them), or just ``"name"``
    them (an export, which must not depend on this machine's files). Only the
    files in ``chosen`` (what the user chose for this workspace, see
    :mod:`designer.core.http.file_choices`) are read or checked; without it, none.
    """
    api, secrets = in_environment(api, secrets, environment)
    api = _with_demo_server(api)
    missing = missing_placeholders(api, call)
    if missing:
        raise PlaceholderError(
            f"Path placeholder '{{{missing[0]}}}' of call '{call.name}' in API '{api.name}' "
            f"has no path parameter: add a path parameter named '{missing[0]}'"
        )
    resolved = _resolve(api, call, secrets, values or {})
    resolved.files = files
    if chosen is not None:
        resolved.chosen = chosen.allows
    used = resolved.secrets

    url = _fill_path(_join_url(api, call), resolved.path)
    query = list(resolved.query)
    headers = list(resolved.headers)
    pending = _apply_auth(api, secrets, headers, query, used)
    if call.graphql is not None and str(call.method) == "GET":
        from designer.core.http.graphql_body import graphql_query

        query += graphql_query(api, call, resolved)
    if query:
        url = _add_query(url, query)
    check_url(api, call, url)
    for name, value in headers:
        check_header(api, call, name, value)

    body = encode_body(api, call, resolved)
    if body.content_type and (
        body.multipart or not any(n.lower() == "content-type" for n, _ in headers)
    ):
        headers = [(n, v) for n, v in headers if n.lower() != "content-type"]
        headers.append(("Content-Type", body.content_type))

    forms: set[str] = set()
    for value in used:
        forms |= secret_forms(value)
    return BuiltRequest(
        api_name=api.name,
        call_name=call.name,
        method=str(call.method),
        url=url,
        headers=tuple(headers),
        content=body.content,
        secrets=frozenset(forms),
        multipart_fields=body.multipart,
        multipart_files=body.files,
        tls=_tls(api, secrets, used),
        token_pending=pending,
    )


def in_environment(
    api: Api, secrets: SecretStore, environment: str | None
) -> tuple[Api, SecretStore]:
    """``api`` with the overrides of its environment ``environment``, and its secrets."""
    if environment is None:
        return api, secrets
    env = api.environment(environment)
    if env is None:
        names = ", ".join(f"'{e.name}'" for e in api.environments) or "none"
        raise RequestBuildError(
            f"API '{api.name}' has no environment '{environment}' (its environments: {names}): "
            f"choose one of them or add it"
        )
    return _overridden(api, env), EnvironmentSecrets(secrets, env)


def _with_demo_server(api: Api) -> Api:
    """``api`` with the demo API's address in place of ``{demo_server}`` in its base URL
    (see :func:`designer.core.demo.server.resolve_demo_server`)."""
    if "{demo_server}" not in api.base_url:
        return api
    from designer.core.demo.server import resolve_demo_server  # only the example needs it

    return api.model_copy(update={"base_url": resolve_demo_server(api.base_url)})


def _overridden(api: Api, env: Environment) -> Api:
    def values(params: list[Parameter]) -> list[Parameter]:
        return [
            p.model_copy(update={"value": env.parameters[p.name]})
            if p.name in env.parameters and not p.private
            else p
            for p in params
        ]

    return api.model_copy(
        update={
            "base_url": env.base_url.strip() or api.base_url,
            "headers": values(api.headers),
            "parameters": values(api.parameters),
        }
    )


def _tls(api: Api, secrets: SecretStore, used: set[str]) -> TlsSettings:
    if not isinstance(api.auth, ClientCertificateAuth):
        return TlsSettings(ca_bundle=api.ca_bundle.strip())
    key = secrets.get(secret_ref(api, "auth.private_key")) or ""
    password = secrets.get(secret_ref(api, "auth.key_password")) or ""
    used.update(v for v in (key, password) if v)
    return TlsSettings(api.ca_bundle.strip(), api.auth.certificate.strip(), key, password)


def _missing_secret(api: Api, call: Call, param: Parameter, ref: str) -> MissingSecretError:
    """A private value that is set nowhere: say where to enter it, not "mark it optional"."""
    from designer.core.secrets.names import secret_variable

    # The reference says whose secret it is: the call's, or the API's shared one.
    owner = call if ref.startswith(f"{api.id}/{call.id}/") else None
    prefix = f"{api.id}/{call.id}/" if owner is not None else f"{api.id}/"
    variable = secret_variable(api, ref[len(prefix) :], owner)
    return MissingSecretError(
        f"Parameter '{param.name}' of call '{call.name}' in API '{api.name}' is private and its "
        f"secret is not set: enter it in Secrets… or set {variable}",
        variable,
    )


def _resolve(api: Api, call: Call, store: SecretStore, values: Mapping[str, str]) -> Resolved:
    # Keyed by placement and name (headers case-insensitively), so a call
    # parameter replaces the shared one of the same name in its position.
    chosen: dict[tuple[Placement, str], tuple[Parameter, str]] = {}

    def key(placement: Placement, name: str) -> tuple[Placement, str]:
        return placement, name.lower() if placement == Placement.HEADER else name

    for p in api.headers:
        chosen[key(Placement.HEADER, p.name)] = (
            p.model_copy(update={"placement": Placement.HEADER}),
            secret_ref(api, f"header.{p.name}"),
        )
    for p in api.parameters:
        chosen[key(p.placement, p.name)] = (p, secret_ref(api, f"param.{p.name}"))
    for p in call.parameters:
        chosen[key(p.placement, p.name)] = (p, secret_ref(api, f"param.{p.name}", call))

    out = Resolved({}, [], [], [], set(), set())
    for param, ref in chosen.values():
        if param.name in values:
            value = values[param.name]
        elif param.private and (stored := store.get(ref)):
            value = stored
        else:
            value = param.value
        if param.private and value:
            out.secrets.add(value)
            out.secrets.update(sent_forms(param.type, value))
        if param.placement == Placement.BODY:
            if param.type != ValueType.TEXT:
                out.types[param.name] = param.type  # blank too: a template writes null
            if param.private:
                out.private.add(param.name)
        if not value.strip():
            if not param.optional and param.private:
                raise _missing_secret(api, call, param, ref)
            if not param.optional:
                raise MissingValueError(api.name, call.name, param.name)
            if param.placement == Placement.BODY:
                out.omitted_body.add(param.name)
            continue
        if param.placement != Placement.BODY:
            # Outside a body every value is text: checked, and a yes/no as true/false.
            try:
                value = text_value(param.type, value)
            except BadValue as exc:
                message = bad_value(api, call, param.name, value, param.private, exc)
                raise RequestBuildError(message) from exc
        if param.placement == Placement.PATH:
            out.path[param.name] = value
        elif param.placement == Placement.QUERY:
            out.query.append((param.name, value))
        elif param.placement == Placement.HEADER:
            out.headers.append((param.name, value))
        else:
            out.body.append((param.name, value))
    return out


def secret_forms(value: str) -> set[str]:
    """A secret as written in a URL, a form body and a JSON string, for masking."""
    return {value, quote(value, safe=""), quote_plus(value), orjson.dumps(value).decode()[1:-1]}


def _join_url(api: Api, call: Call) -> str:
    path = call.path.strip()
    if re.match(r"^https?://", path, re.IGNORECASE):
        return path
    base = api.base_url.strip()
    if not base:
        raise RequestBuildError(
            f"API '{api.name}' has no base URL and call '{call.name}' has a relative path: "
            f"set the API's base URL"
        )
    if not path:
        return base
    if path.startswith(("?", "#")):
        return base + path
    return base.rstrip("/") + "/" + path.lstrip("/")


def _fill_path(url: str, path_values: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name not in path_values:
            # A blank optional path parameter: the segment is left empty.
            return ""
        value = path_values[name]
        if match.start() == 0 and re.match(r"^https?://", value, re.IGNORECASE):
            # "{host}/v1": the whole server comes from a value, sent as a URL.
            return value.rstrip("/")
        return quote(value, safe="")

    return _PLACEHOLDER.sub(replace, url)


def _add_query(url: str, pairs: list[tuple[str, str]]) -> str:
    # %20 rather than '+' for spaces: it means the same everywhere in a URL.
    extra = urlencode(pairs, quote_via=quote, safe="")
    scheme, netloc, path, query, fragment = urlsplit(url)
    query = f"{query}&{extra}" if query else extra
    return urlunsplit((scheme, netloc, path, query, fragment))


def _apply_auth(
    api: Api,
    secrets: SecretStore,
    headers: list[tuple[str, str]],
    query: list[tuple[str, str]],
    used: set[str],
) -> bool:
    """Add the API's credentials; True if its access token is still to be fetched."""
    auth = api.auth
    if auth.type in ("none", "client_certificate"):
        return False
    if auth.type in TOKEN_AUTH_TYPES:
        from designer.core.secrets.tokens import load_token

        cached = load_token(secrets, api)
        bearer = f"Bearer {cached.access_token}" if cached else "Bearer <access token>"
        if cached:
            used.update((cached.access_token, bearer))
        headers[:] = [(n, v) for n, v in headers if n.lower() != "authorization"]
        headers.append(("Authorization", bearer))
        return cached is None
    field = AUTH_SECRET_FIELD[auth.type]
    credential = secrets.get(secret_ref(api, f"auth.{field}"))
    if not credential:
        from designer.core.secrets.names import secret_variable

        variable = secret_variable(api, f"auth.{field}")
        raise MissingSecretError(
            f"API '{api.name}' uses {_AUTH_LABEL[auth.type]} but none is set: enter it in the "
            f"API's authentication settings or Secrets…, or set {variable}",
            variable,
        )
    used.add(credential)
    if isinstance(auth, ApiKeyQueryAuth):
        query[:] = [(k, v) for k, v in query if k != auth.parameter]
        query.append((auth.parameter, credential))
        return False
    if isinstance(auth, ApiKeyHeaderAuth):
        name, value = auth.header, auth.prefix + credential
    elif isinstance(auth, BearerAuth):
        name, value = "Authorization", f"Bearer {credential}"
    elif isinstance(auth, BasicAuth):
        user = f"{credential}:" if auth.key_as_username else f"{auth.username}:{credential}"
        token = base64.b64encode(user.encode()).decode("ascii")
        used.add(token)
        name, value = "Authorization", f"Basic {token}"
    else:  # pragma: no cover - a new auth type must be handled above
        raise RequestBuildError(f"API '{api.name}' uses unsupported auth type '{auth.type}'")
    used.add(value)
    # Authentication wins over a header of the same name set by hand.
    headers[:] = [(n, v) for n, v in headers if n.lower() != name.lower()]
    headers.append((name, value))
    return False
