"""Every exporter, fed names and values an attacker chose (strategies in tests/helpers/hostile).

* Python: the module compiles and imports without running anything, each
  API keeps its own client class, and each docstring holds its name as it is.
* curl: the script parses under ``bash -n``; run by bash (history expansion
  on, ``curl`` a function recording its arguments) and read by ``shlex`` it
  gives the request's own arguments, and the app's Copy as cURL gives the same.
* OpenAPI, Postman, JSON Schema: valid JSON that holds every name as it is.
* JUnit: well-formed XML that the JUnit schema accepts.
"""

from __future__ import annotations

import shlex
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

import orjson
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.cli.options import call_spec, find_call
from designer.core.check.drift import CallResult, Finding
from designer.core.check.report import junit_xml
from designer.core.http.request import BuiltRequest, build_request
from designer.core.inference import infer_value
from designer.core.inference.diff import Change
from designer.core.interop.curl.exporter import export_curl
from designer.core.interop.postman.importer import import_postman
from designer.core.interop.python.client import export_python
from designer.core.interop.service import export_workspace
from designer.core.models import (
    Api,
    BodyType,
    Call,
    Method,
    Parameter,
    Placement,
    Workspace,
)
from designer.core.secrets.store import MemorySecretStore
from tests.helpers.hostile import (
    RAN,
    hostile_names,
    hostile_text,
    hostile_values,
    run_curl_script,
)

JUNIT_XSD = Path(__file__).parents[2] / "data" / "junit" / "junit.xsd"
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_TOKEN = "abcdefXYZ0123456789-_!#$%&'*+.^`|~"
header_names = st.text(alphabet=_TOKEN, min_size=1, max_size=8)
#: HTTP cannot carry control characters in a header value but the tab.
header_values = hostile_values.filter(
    lambda text: not any(ord(c) < 0x20 and c != "\t" or ord(c) == 0x7F for c in text)
)


@st.composite
def workspaces(draw: st.DrawFn) -> Workspace:
    apis = []
    for _ in range(draw(st.integers(1, 2))):
        calls = []
        for _ in range(draw(st.integers(1, 2))):
            parameters = [
                Parameter(name="id", placement=Placement.PATH, value=draw(hostile_values)),
                Parameter(
                    name=draw(hostile_names), placement=Placement.QUERY, value=draw(hostile_values)
                ),
                Parameter(
                    name=draw(header_names), placement=Placement.HEADER, value=draw(header_values)
                ),
            ]
            call = Call(
                name=draw(hostile_names),
                method=draw(st.sampled_from([Method.GET, Method.POST])),
                path="/items/{id}",
                parameters=parameters,
                description=draw(hostile_text()),
            )
            if call.method is Method.POST:
                call.body_type, call.body_template = BodyType.RAW, draw(hostile_values)
            call.structure = infer_value({draw(hostile_names): 1, "id": draw(hostile_text())})
            calls.append(call)
        apis.append(
            Api(
                name=draw(hostile_names),
                base_url="https://api.example.com/v1",
                description=draw(hostile_text()),
                calls=calls,
            )
        )
    return Workspace(name=draw(hostile_names), apis=apis)


def _words(text: str) -> str:
    return " ".join(text.split())


@SETTINGS
@given(ws=workspaces())
def test_python_client_compiles_and_imports_without_running_anything(ws: Workspace) -> None:
    notes: list[str] = []
    source = export_python(ws, ws.apis, notes)
    code = compile(source, "hostile_client.py", "exec")
    module = types.ModuleType("hostile_client")
    sys.modules["hostile_client"] = module
    try:
        exec(code, module.__dict__)
    finally:
        del sys.modules["hostile_client"]
    assert not RAN.exists()
    clients = [
        value
        for name, value in vars(module).items()
        if isinstance(value, type) and name.endswith("Client") and not name.startswith("Async")
    ]
    assert len(clients) == len(ws.apis)  # no API lost to a colliding name
    docs = [_words(m.__doc__ or "") for c in clients for m in vars(c).values() if callable(m)]
    for api in ws.apis:
        for call in api.calls:
            assert any(_words(call.name) in doc for doc in docs)


def _intended(built: BuiltRequest) -> list[str]:
    words = ["curl"]
    if built.method != "GET" or built.content:
        words += ["-X", built.method]
    words.append(built.url)
    for name, value in built.headers:
        words += ["-H", f"{name}: {value}"]
    if built.content:
        words += ["--data-raw", built.content.decode()]
    return words


@SETTINGS
@given(ws=workspaces())
def test_curl_commands_parse_to_the_requests_own_arguments(ws: Workspace) -> None:
    script = export_curl(ws.apis)
    pairs = [(api, call) for api in ws.apis for call in api.calls]
    intended = [_intended(build_request(a, c, MemorySecretStore())) for a, c in pairs]
    # shlex reads each line continuation as a word "\n": leave those out on both sides.
    words = [w for w in shlex.split(script, comments=True) if w != "\n"]
    assert words == [w for command in intended for w in command if w != "\n"]
    assert len([line for line in script.splitlines() if line.startswith("# ")]) >= len(pairs)
    copied = "\n".join(build_request(a, c, MemorySecretStore()).to_curl() for a, c in pairs)
    # An argument cannot hold a NUL: bash leaves it out (only a body can hold one).
    ran = [[word.replace("\0", "") for word in words] for words in intended]
    with tempfile.TemporaryDirectory() as folder:
        assert run_curl_script(script, Path(folder)) == ran
        assert run_curl_script(copied + "\n", Path(folder)) == ran
    assert not RAN.exists()


def _strings(doc: Any) -> set[str]:
    found: set[str] = set()
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            found.add(node)
        elif isinstance(node, dict):
            found.update(k for k in node if isinstance(k, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


@SETTINGS
@given(ws=workspaces())
def test_json_documents_hold_every_name_as_it_is(ws: Workspace) -> None:
    openapi = orjson.loads(export_workspace(ws, "openapi"))
    postman = orjson.loads(export_workspace(ws, "postman"))
    call_names = {c.name for a in ws.apis for c in a.calls}
    assert call_names <= _strings(openapi)
    assert call_names <= _strings(postman)
    assert {a.name for a in ws.apis} <= _strings(postman)
    # Postman keeps names as they are, so the collection imports back to the same ones
    # (repeated names are told apart on import, with "(2)": only distinct ones compare).
    names = [c.name for a in ws.apis for c in a.calls]
    if len(set(names)) == len(names) and len({a.name for a in ws.apis}) == len(ws.apis):
        back = import_postman(postman, "hostile.postman_collection.json")
        assert [c.name for a in back.apis for c in a.calls] == names
    # A JSON Schema is one call's: as the command line picks the only call of a workspace.
    call = ws.apis[0].calls[0]
    one = Workspace(apis=[ws.apis[0].model_copy(update={"calls": [call]})])
    spec = call_spec(*find_call(one, None, one.apis))
    schema = orjson.loads(export_workspace(one, "jsonschema", call=spec))
    assert schema["title"] == call.name
    assert call.structure is not None
    assert set(schema["properties"]) == set(call.structure.fields or {})


@SETTINGS
@given(ws=workspaces(), error=hostile_text(), path=hostile_names)
def test_junit_is_well_formed_whatever_the_names(ws: Workspace, error: str, path: str) -> None:
    results = []
    for api in ws.apis:
        for n, call in enumerate(api.calls):
            if n % 2:
                results.append(CallResult(api, call, "failed", error=error))
            else:
                change = Change("removed", path)
                results.append(CallResult(api, call, "breaking", [Finding(change, "breaking")]))
    data = junit_xml(results)
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.xml"
        report.write_bytes(data)
        xmlschema.XMLSchema(str(JUNIT_XSD)).validate(str(report))
