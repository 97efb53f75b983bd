"""A call as the request a collection tool stores: what the Insomnia and Bruno exports share.

Each exporter names variables its own way (``{{ _.name }}`` in Insomnia,
``{{name}}`` in Bruno); :class:`Requests` gives it every request of an API
with:

- the URL on the API's base URL variable, with ``{name}`` path placeholders
  as ``:name`` segments (both tools fill those from the request's path
  parameters) and a placeholder inside a segment (``celeb_{username}``) as a
  variable whose sample is collected in :attr:`Requests.inner`;
- the query, headers and path parameters with their samples, an optional
  parameter with no sample disabled;
- the body: JSON with typed values (``7``, ``true``; optional fields with no
  sample left out), form fields, raw text, or a GraphQL query with its
  variables;
- every secret as the variable :mod:`.secret_names` names
  (``CD_SECRET_SHOP_AUTH_TOKEN``), never its value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from designer.core.http.body import nest_dotted
from designer.core.interop.common import effective_parameters
from designer.core.interop.examples import typed_value
from designer.core.models import (
    AUTH_SECRET_FIELD,
    Api,
    BodyType,
    Call,
    Parameter,
    Placement,
    secret_ref,
)
from designer.core.secrets.names import required_secrets, snake

__all__ = ["Entry", "ExportedRequest", "Requests"]

_BODY_PLACEHOLDER = re.compile(r"<([A-Za-z_][\w.\-]*)>")
_FORM = "application/x-www-form-urlencoded"


@dataclass(slots=True)
class Entry:
    """A query parameter, header, path parameter or form field as written."""

    name: str
    value: str
    enabled: bool = True
    description: str = ""


@dataclass(slots=True)
class ExportedRequest:
    """One call as a request: URL, entries and body, with variables already written."""

    name: str
    method: str
    url: str
    query: list[Entry] = field(default_factory=list)
    headers: list[Entry] = field(default_factory=list)
    path: list[Entry] = field(default_factory=list)
    #: none, json, form, multipart, raw or graphql
    body: str = "none"
    body_text: str = ""
    form: list[Entry] = field(default_factory=list)
    content_type: str = ""
    graphql_variables: str = ""
    operation_name: str = ""
    description: str = ""
    expect_success: bool = True


class Requests:
    """The requests of ``apis``; ``var`` writes a variable reference in the tool's syntax."""

    def __init__(self, apis: Sequence[Api], var: Callable[[str], str]) -> None:
        self.var = var
        self.envs = {s.ref: s.env for s in required_secrets(apis)}
        self.several = len(apis) > 1
        #: Samples of placeholders inside a path segment, by variable name.
        self.inner: dict[str, str] = {}

    def base_var(self, api: Api) -> str:
        """The name of the variable holding ``api``'s base URL."""
        return f"base_url_{snake(api.name).lower()}" if self.several else "base_url"

    def base_url(self, api: Api, url: str | None = None) -> str:
        """``api``'s base URL (or ``url``, an environment's) as the tool sends it.

        A shared placeholder (``https://{region}.example.com``) becomes a variable,
        whose sample (the shared parameter's) is collected in :attr:`inner`.
        """
        samples = {p.name: p.value for p in api.parameters if p.placement is Placement.PATH}

        def variable(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            self.inner.setdefault(name, samples.get(name, ""))
            return self.var(name)

        return re.sub(r"\{([^{}/]+)\}", variable, api.base_url if url is None else url)

    def secret(self, api: Api, field_name: str, call: Call | None = None) -> str:
        """A reference to the variable of a secret field (``auth.token``, ``param.X``)."""
        ref = secret_ref(api, field_name, call)
        return self.var(self.envs.get(ref, snake(field_name.rpartition(".")[2])))

    def auth_secret(self, api: Api) -> str:
        return self.secret(api, f"auth.{AUTH_SECRET_FIELD[api.auth.type]}")

    def _value(self, api: Api, call: Call, p: Parameter) -> str:
        if not p.private:
            return p.value
        mine = any(q.name == p.name and q.placement is p.placement for q in call.parameters)
        if mine:
            return self.secret(api, f"param.{p.name}", call)
        is_header = p.placement is Placement.HEADER and any(h.name == p.name for h in api.headers)
        return self.secret(api, f"{'header' if is_header else 'param'}.{p.name}")

    def request(self, api: Api, call: Call) -> ExportedRequest:
        params = effective_parameters(api, call)
        values = {id(p): self._value(api, call, p) for p in params}

        def entry(p: Parameter) -> Entry:
            value = values[id(p)]
            return Entry(p.name, value, not (p.optional and not value.strip()), p.description)

        out = ExportedRequest(
            name=call.name,
            method=call.method.value,
            url="",
            description=call.description,
            expect_success=not call.include_errors,
        )
        by_name = {p.name: p for p in params if p.placement is Placement.PATH}
        out.url = self._url(api, call, by_name, values)
        out.path = [
            entry(p) for p in params if p.placement is Placement.PATH and f":{p.name}" in out.url
        ]
        out.query = [entry(p) for p in params if p.placement is Placement.QUERY]
        out.headers = [entry(p) for p in params if p.placement is Placement.HEADER]
        body = [p for p in params if p.placement is Placement.BODY]
        self._body(out, call, body, values)
        return out

    def _url(
        self, api: Api, call: Call, by_name: dict[str, Parameter], values: dict[int, str]
    ) -> str:
        path = call.path.strip().split("#", 1)[0].split("?", 1)[0]
        absolute = re.match(r"^(https?://[^/]+)(.*)$", path, re.IGNORECASE)
        if absolute:
            host, path = absolute.group(1), absolute.group(2)
        else:
            host = self.var(self.base_var(api))

        def segment(text: str) -> str:
            whole = re.fullmatch(r"\{([^{}/]+)\}", text)
            if whole:
                return f":{whole.group(1).strip()}"

            def inner(match: re.Match[str]) -> str:
                name = match.group(1).strip()
                p = by_name.get(name)
                self.inner.setdefault(name, values[id(p)] if p is not None else "")
                return self.var(name)

            return re.sub(r"\{([^{}/]+)\}", inner, text)

        return host + "".join("/" + segment(s) for s in path.split("/") if s)

    def _body(
        self, out: ExportedRequest, call: Call, params: list[Parameter], values: dict[int, str]
    ) -> None:
        by_name = {p.name: values[id(p)] for p in params}
        if call.graphql is not None:
            variables: dict[str, Any] = {}
            for p in params:
                text = by_name.get(p.name, "")
                if not text.strip() and p.optional:
                    continue
                variables[p.name] = text if p.private else typed_value(p, text)
            out.body = "graphql"
            out.body_text = call.graphql.query
            out.operation_name = call.graphql.operation_name
            out.graphql_variables = orjson.dumps(variables, option=orjson.OPT_INDENT_2).decode()
            return
        kind = call.body_type
        if kind is BodyType.JSON:
            if call.body_template.strip():
                out.body_text = _BODY_PLACEHOLDER.sub(
                    lambda m: orjson.dumps(by_name.get(m.group(1), "")).decode()[1:-1],
                    call.body_template,
                )
            else:
                typed = {
                    p.name: values[id(p)] if p.private else typed_value(p, values[id(p)])
                    for p in params
                    if not (p.optional and not values[id(p)].strip())
                }
                out.body_text = orjson.dumps(
                    nest_dotted(typed.items()), option=orjson.OPT_INDENT_2
                ).decode()
            out.body, out.content_type = "json", "application/json"
        elif kind in (BodyType.FORM, BodyType.MULTIPART):
            out.body = "form" if kind is BodyType.FORM else "multipart"
            out.form = [
                Entry(p.name, values[id(p)], not (p.optional and not values[id(p)].strip()))
                for p in params
            ]
            form = kind is BodyType.FORM
            out.content_type = _FORM if form else "multipart/form-data"
        elif kind is BodyType.RAW and call.body_template:
            out.body = "raw"
            out.body_text = _BODY_PLACEHOLDER.sub(
                lambda m: by_name.get(m.group(1), m.group(0)), call.body_template
            )
            out.content_type = call.content_type.strip() or "text/plain"
