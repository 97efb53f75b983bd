"""Export a workspace as a typed Python client: one module, pydantic v2 models and httpx.

The generated module needs only ``httpx`` and ``pydantic`` (and ``keyring``,
if installed, for secrets kept in the keychain). For each API it defines a
client class and an async one; each call is a method taking the call's
dynamic parameters as typed keyword arguments (their samples as defaults)
and returning the model of the call's response structure
(:mod:`.python_models`). Secrets are read when a request is built, from the
``CD_SECRET_*`` variables of :mod:`.secret_names` or else from the
keychain entry the app uses; they are never written into the module.

The generator is written by hand rather than with datamodel-code-generator:
the structures are already a typed tree (a JSON Schema round trip would lose
the overrides' labels and the per-call naming), and that tool would bring
black, isort, inflect and typeguard into the app for one exporter.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from designer.core.escaping import python_docstring, python_string, unique_name
from designer.core.interop.python.models import FORMAT_ALIASES, ModelWriter, identifier, pascal
from designer.core.interop.python.streams import (
    STREAM_RUNTIME,
    is_stream_call,
    stream_methods,
    stream_opener,
    stream_reader,
)
from designer.core.interop.python.template import (
    RUNTIME,
    SIMPLE_AUTH,
    client_class,
    docstring,
    long_lines,
    params,
)
from designer.core.models import Api, BodyType, Call, Parameter, Placement, ValueType, Workspace
from designer.core.secrets.keychain import service_name
from designer.core.secrets.names import required_secrets
from designer.core.structure import ResponseType, Shape

__all__ = ["export_python", "module_name"]

#: Names an argument of a builder never takes: the locals it reads after the arguments,
#: and the modules and built-ins its body uses.
_BUILDER_NAMES = frozenset(
    {"self", "request", "pairs", "text", "token", "base64", "importlib", "isinstance", "str"}
)
#: Names a call's method never takes: those of the client classes themselves.
_CLIENT_NAMES = frozenset({"close", "aclose", "base_url"})

_PARAM_TYPES = {
    ValueType.INTEGER: ("int", int),
    ValueType.NUMBER: ("float", float),
    ValueType.BOOLEAN: ("bool", bool),
}


def _argument(parameter: Parameter) -> str:
    """The annotation and default of a parameter's argument, from its type and sample.

    A required parameter without a sample is a required argument; an optional
    one accepts None, which leaves it out of the request.
    """
    kind = getattr(parameter, "type", ValueType.TEXT)
    annotation, convert = _PARAM_TYPES.get(kind, ("str", str))
    value = parameter.value.strip()
    if parameter.optional:
        annotation += " | None"
    if not value:
        return f"{annotation} = None" if parameter.optional else annotation
    try:
        if convert is bool:
            default = repr(value.lower() in ("true", "1", "yes"))
        elif convert is str:
            default = python_string(parameter.value)
        else:
            default = repr(convert(parameter.value))
    except ValueError:
        annotation, default = "str", python_string(parameter.value)
    return f"{annotation} = {default}"


class _Writer:
    def __init__(self, ws: Workspace, apis: Sequence[Api], notes: list[str] | None) -> None:
        self.ws = ws
        self.apis = apis
        self.notes = notes if notes is not None else []
        self.models = ModelWriter()
        self.secrets = {s.ref: s.env for s in required_secrets(apis)}
        self.xml = False
        self.basic = any(a.auth.type == "basic" for a in apis)
        self.streams = any(is_stream_call(c) for a in apis for c in a.calls)

    def _secret_expr(self, ref: str) -> str:
        env = self.secrets.get(ref, "CD_SECRET_UNKNOWN")
        return f"_secret({python_string(env)}, {python_string(ref)})"

    def _build(self, api: Api, call: Call, func: str) -> tuple[list[str], list[str]]:
        """The builder function's source, and the signature of the call's methods."""
        from designer.core.models import secret_ref

        args: list[str] = []
        body = [f"def _build_{func}({{args}}) -> _Request:"]
        method, path = python_string(call.method.value), python_string(call.path)
        body.append(f"    request = _Request({method}, {path})")
        sources = [
            (p, secret_ref(api, f"header.{p.name}"), Placement.HEADER) for p in api.headers
        ] + [(p, secret_ref(api, f"param.{p.name}"), p.placement) for p in api.parameters]
        sources += [
            (p, secret_ref(api, f"param.{p.name}", call), p.placement) for p in call.parameters
        ]
        body_pairs = False
        names: set[str] = set()
        for parameter, ref, placement in sources:
            if parameter.private:
                value = self._secret_expr(ref)
            elif parameter.dynamic:
                arg = identifier(parameter.name)
                while arg in names or arg in _BUILDER_NAMES:
                    arg += "_"
                names.add(arg)
                args.append(f"{arg}: {_argument(parameter)}")
                value = arg
            else:
                value = python_string(parameter.value)
            guard = f"if {value} is not None:" if value.isidentifier() else "if True:"
            name = python_string(parameter.name)
            if placement is Placement.PATH:
                # Percent-encoded as the app encodes it: a value cannot add path segments.
                holder = python_string("{" + parameter.name + "}")
                line = f"request.path = request.path.replace({holder}, _segment({value}))"
            elif placement is Placement.QUERY:
                line = f"request.params.append(({name}, _text({value})))"
            elif placement is Placement.HEADER:
                line = f"request.headers[{name}] = _text({value})"
            else:
                body_pairs = True
                line = f"pairs.append(({name}, {value}))"
            if guard == "if True:":
                body.append(f"    {line}")
            else:
                body += [f"    {guard}", f"        {line}"]
        if body_pairs:
            body.insert(2, "    pairs: list[tuple[str, object]] = []")
        body += self._encode(call, body_pairs)
        body += self._auth(api)
        body.append("    return request")
        body[0] = body[0].format(args=params(["*", *args] if args else [], 0))
        return body, args

    def _encode(self, call: Call, has_pairs: bool) -> list[str]:
        if call.graphql is not None:  # the GraphQL envelope; its variables are the pairs
            variables = "_nest([(k, v) for k, v in pairs if v is not None])" if has_pairs else "{}"
            query = python_string(call.graphql.query)
            envelope = f"{{'query': {query}, 'variables': {variables}"
            if call.graphql.operation_name:
                envelope += f", 'operationName': {python_string(call.graphql.operation_name)}"
            if call.method.value == "GET":
                return [
                    f"    envelope = {envelope}}}",
                    "    request.params += [(k, v if isinstance(v, str) else "
                    "importlib.import_module('json').dumps(v)) for k, v in envelope.items()]",
                ]
            return [f"    request.json = {envelope}}}"]
        template = call.body_template
        if call.body_type is BodyType.NONE or (not has_pairs and not template.strip()):
            return []
        if template.strip():
            fill = [f"    text = {python_string(template)}"]
            if has_pairs:
                fill += [
                    "    for key, value in pairs:",
                    "        text = text.replace(f'<{key}>', _text(value) if value is not None "
                    "else '')",
                ]
            media = call.content_type or {
                BodyType.JSON: "application/json",
                BodyType.FORM: "application/x-www-form-urlencoded",
            }.get(call.body_type, "text/plain; charset=utf-8")
            return [
                *fill,
                "    request.content = text.encode()",
                f"    request.headers.setdefault('Content-Type', {python_string(media)})",
            ]
        if call.body_type is BodyType.JSON:
            return ["    request.json = _nest([(k, v) for k, v in pairs if v is not None])"]
        return ["    request.data = {k: _text(v) for k, v in pairs if v is not None}"]

    def _auth(self, api: Api) -> list[str]:
        from designer.core.models import (
            AUTH_SECRET_FIELD,
            ApiKeyHeaderAuth,
            ApiKeyQueryAuth,
            BasicAuth,
            BearerAuth,
            secret_ref,
        )

        auth = api.auth
        if auth.type not in SIMPLE_AUTH or auth.type == "none":
            return []
        secret = self._secret_expr(secret_ref(api, f"auth.{AUTH_SECRET_FIELD[auth.type]}"))
        if isinstance(auth, ApiKeyQueryAuth):
            return [f"    request.params.append(({python_string(auth.parameter)}, {secret}))"]
        if isinstance(auth, ApiKeyHeaderAuth):
            header, prefix = python_string(auth.header), python_string(auth.prefix)
            return [f"    request.headers[{header}] = {prefix} + {secret}"]
        if isinstance(auth, BearerAuth):
            return [f"    request.headers['Authorization'] = 'Bearer ' + {secret}"]
        assert isinstance(auth, BasicAuth)
        if auth.key_as_username:
            return [
                f"    token = base64.b64encode(({secret} + ':').encode()).decode()",
                "    request.headers['Authorization'] = 'Basic ' + token",
            ]
        return [
            f"    token = base64.b64encode(({python_string(auth.username)} + ':' + {secret})"
            ".encode()).decode()",
            "    request.headers['Authorization'] = 'Basic ' + token",
        ]

    def _parse(self, call: Call, func: str) -> tuple[list[str], str]:
        shape: Shape | None = call.structure
        if shape is None:
            return [
                f"def _parse_{func}(response: httpx.Response) -> Any:",
                "    response.raise_for_status()",
                "    return response.json() if response.content else None",
            ], "Any"
        returns = self.models.annotation(shape, call.overrides, "", pascal(call.name) + "Response")
        envelope = call.include_errors or call.capture_headers
        body_shape = shape.fields.get("body") if envelope and shape.fields else shape
        xml = call.response_type is ResponseType.XML
        self.xml = self.xml or xml
        text_body = body_shape is not None and body_shape.content_type is not None
        if xml:
            read = "_xml(response.content)"
        elif body_shape is not None and body_shape.type.value == "binary":
            read = "response.content"
        elif text_body:
            read = "response.text"
        else:
            read = "response.json()"
        if call.graphql is not None:  # the structure is that of the answer's data
            read = "response.json()['data']"
        lines = [f"def _parse_{func}(response: httpx.Response) -> {returns}:"]
        if not call.include_errors:
            lines.append("    response.raise_for_status()")
        data = read
        if envelope:
            errors, headers = call.include_errors, call.capture_headers
            data = f"_envelope(response, {read}, {errors}, {headers})"
        # Assigned first: TypeAdapter of a union is TypeAdapter[Any] to a type checker.
        lines += [
            f"    data = {data}",
            f"    result: {returns} = TypeAdapter({returns}).validate_python(data)",
            "    return result",
        ]
        return lines, returns

    def _api_names(self) -> list[tuple[str, str]]:
        """Each API's prefix of module functions and client class name, distinct in the module.

        Names that differ only by punctuation (``Shop v1``, ``Shop-v1``) would
        make the same identifiers: the later ones are numbered, with a note.
        """
        prefixes: set[str] = set()
        classes: set[str] = set()
        out = []
        for api in self.apis:
            prefix = unique_name(identifier(api.name), prefixes, separator="_")
            base = pascal(api.name)
            cls = unique_name(base, classes, separator="_") + "Client"
            prefixes.add(prefix)
            classes.add(cls.removesuffix("Client"))
            if cls != base + "Client":
                self.notes.append(
                    f"API {python_string(api.name)} is the class {cls} in the Python client: "
                    f"another API's name makes the same identifier"
                )
            out.append((prefix, cls))
        # A model class never takes a client's name.
        self.models.taken.update(name for _, cls in out for name in (cls, f"Async{cls}"))
        return out

    def module(self) -> str:
        functions: list[str] = []
        classes: list[str] = []
        for api, (stem, cls) in zip(self.apis, self._api_names(), strict=True):
            sync_methods: list[str] = []
            async_methods: list[str] = []
            taken: set[str] = set(_CLIENT_NAMES)
            for call in api.calls:
                func = identifier(call.name)
                while func in taken:
                    func += "_"
                taken.add(func)
                unique = f"{stem}_{func}"
                build, args = self._build(api, call, unique)
                names = [a.split(":", 1)[0] for a in args]
                passed = params([f"{n}={n}" for n in names], 8)
                signature = params(["self", *(["*", *args] if args else [])], 4)
                doc = docstring(f"{call.method.value} {call.path}: {call.name}.", 8)
                if is_stream_call(call):
                    reader, data_type = stream_reader(call, unique, self.models)
                    functions += ["\n".join(build), "\n".join(reader)]
                    sync, asynchronous = stream_methods(
                        func, unique, signature, passed, doc, data_type
                    )
                    sync_methods.append(sync)
                    async_methods.append(asynchronous)
                    continue
                parse, returns = self._parse(call, unique)
                functions += ["\n".join(build), "\n".join(parse)]
                for methods, prefix, wait in (
                    (sync_methods, "def", ""),
                    (async_methods, "async def", "await "),
                ):
                    methods.append(
                        f"    {prefix} {func}({signature}) -> {returns}:\n{doc}\n"
                        f"        request = _build_{unique}({passed})\n"
                        f"        return _parse_{unique}({wait}self._send(request))"
                    )
            if any(is_stream_call(c) for c in api.calls):
                sync_methods.insert(0, stream_opener(False))
                async_methods.insert(0, stream_opener(True))
            classes.append(client_class(api, cls, sync_methods, async_methods))
            functions += self._webhook_parsers(api, stem)
        return self._assemble(functions, classes)

    def _webhook_parsers(self, api: Api, prefix: str) -> list[str]:
        """A ``parse_<api>_<webhook>`` function per webhook with a JSON body structure."""
        out = []
        taken: set[str] = set()
        for hook in api.webhooks:
            fields = hook.structure.fields if hook.structure is not None else None
            body = fields.get("body") if fields else None
            if body is None or body.content_type is not None or body.type.value == "null":
                continue  # no sample yet, or a body that is not JSON
            name = pascal(f"{api.name} {hook.name}") + "Event"
            returns = self.models.annotation(body, hook.overrides, "body", name)
            func = unique_name(f"parse_{prefix}_{identifier(hook.name)}", taken, separator="_")
            taken.add(func)
            doc = docstring(
                f"The body of webhook {python_string(hook.name)} of {api.name} "
                f"({hook.method.value} {hook.path}), checked and typed.",
                4,
            )
            out.append(
                f"def {func}(body: bytes | str) -> {returns}:\n{doc}\n"
                f"    result: {returns} = TypeAdapter({returns}).validate_json(body)\n"
                "    return result"
            )
        return out

    def _assemble(self, functions: list[str], classes: list[str]) -> str:
        uses = set(self.models.uses)
        aliases = [name for name in FORMAT_ALIASES if name in uses]
        for name in aliases:
            uses |= FORMAT_ALIASES[name][0]
        typing = ", ".join(
            sorted(
                {"Any"}
                | (uses & {"Annotated"})
                | ({"Generic", "TypeVar"} if self.streams else set())
            )
        )
        imports = [
            "from __future__ import annotations",
            "",
            *(["import base64"] if self.basic else []),
            *(["import email.utils"] if "email" in uses else []),
            "import importlib",
            "import os",
        ]
        if self.streams:
            imports += [
                "from collections.abc import AsyncIterator, Iterator",
                "from contextlib import AbstractAsyncContextManager, AbstractContextManager",
                "from dataclasses import dataclass",
            ]
        if uses & {"date", "datetime"}:
            imports.append(f"from datetime import {', '.join(sorted(uses & {'date', 'datetime'}))}")
        addresses = sorted(uses & {"IPv4Address", "IPv6Address"})
        if addresses:
            imports.append(f"from ipaddress import {', '.join(addresses)}")
        imports.append(f"from typing import {typing}")
        imports.append("from urllib.parse import quote")
        if "UUID" in uses:
            imports.append("from uuid import UUID")
        imports.append("from xml.etree import ElementTree")
        imports += ["", "import httpx"]
        pydantic = {"BaseModel", "ConfigDict", "TypeAdapter"} | (
            uses & {"AnyUrl", "Field", "BeforeValidator", "PlainSerializer", "IPvAnyInterface"}
        )
        imports.append(_from_import("pydantic", sorted(pydantic)))
        title = textwrap.fill(
            python_docstring(
                f"Typed client of {', '.join(a.name for a in self.apis)}: generated by "
                f"Connector Designer from workspace {python_string(self.ws.name)}."
            ),
            96,
            break_on_hyphens=False,
            break_long_words=False,
        )
        header = (
            f'"""{title}\n\n'
            "Secrets are read from CD_SECRET_* environment variables, else from the keychain\n"
            'entry the app keeps; none is written here. Regenerate instead of editing.\n"""'
        )
        constants = [f"KEYCHAIN_SERVICE = {python_string(service_name(self.ws.id))}"]
        top = f"{header}\n\n" + "\n".join(imports) + "\n\n" + "\n".join(constants)
        parts = [
            top,
            RUNTIME.strip(),
            *([STREAM_RUNTIME.strip()] if self.streams else []),
            *(FORMAT_ALIASES[name][1] for name in aliases),
            *self.models.classes,
            *functions,
            *classes,
        ]
        return long_lines("\n\n\n".join(parts)) + "\n"


def _from_import(module: str, names: list[str]) -> str:
    """``from module import a, b`` as ruff's isort writes it: one name a line when long."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 100:
        return line
    return f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"


def export_python(ws: Workspace, apis: Sequence[Api], notes: list[str] | None = None) -> str:
    """The source of one module with a typed client for ``apis`` of ``ws``.

    Remarks (an API whose class name had to be numbered) go to ``notes``.
    """
    return _Writer(ws, apis, notes).module()


def module_name(ws: Workspace, apis: Sequence[Api]) -> str:
    """The file name of the module: after the API when there is one, else the workspace."""
    name = apis[0].name if len(apis) == 1 else ws.name
    return identifier(name) + "_client.py"
