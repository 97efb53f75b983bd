"""Names from strangers' documents cannot run as code in an exported client or shell script.

Each test writes a name an attacker chose into an export and then uses the
export as its user would: the Python client is imported and called against a
local server, the curl commands are run by bash with ``curl`` standing in as
a function that records its arguments.
"""

from __future__ import annotations

import importlib.util
import shlex
import sys
from pathlib import Path
from types import ModuleType

import pytest

from designer import cli
from designer.core.http.request import build_request
from designer.core.interop.curl.exporter import export_curl
from designer.core.interop.python.client import export_python
from designer.core.models import Api, BodyType, Call, Method, Parameter, Placement, Workspace
from designer.core.secrets.store import MemorySecretStore
from designer.core.workspace import file as wf
from tests.helpers.hostile import run_curl_script
from tests.helpers.recording_server import RecordingServer


def _load(source: str, folder: Path, name: str) -> ModuleType:
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _api(name: str, base_url: str, *calls: Call) -> Api:
    return Api(name=name, base_url=base_url, calls=list(calls))


def test_a_call_name_cannot_close_the_docstring_and_run(tmp_path: Path) -> None:
    sentinel = tmp_path / "ran"
    name = f'Get x"""; open({str(sentinel)!r}, "w").close(); """'
    with RecordingServer() as server:
        api = _api("Shop", server.url, Call(name=name, method=Method.GET, path="/x"))
        module = _load(export_python(Workspace(apis=[api]), [api]), tmp_path, "docstring_client")
        client = module.ShopClient()
        try:
            method = next(v for k, v in vars(module.ShopClient).items() if k.startswith("get_x"))
            method(client)
        finally:
            client.close()
        assert [seen.path for seen in server.seen] == ["/x"]
    assert not sentinel.exists()
    # The docstring holds the name as it is (wrapped at spaces).
    assert " ".join(name.split()) in " ".join((method.__doc__ or "").split())


@pytest.mark.parametrize(
    "title",
    ["C:\\Users\\x\\new", 'Title """ with quotes', "\\N{BULLET} \\u12"],
)
def test_titles_with_backslashes_and_quotes_compile(tmp_path: Path, title: str) -> None:
    api = _api(title, "https://api.example.com", Call(name=title, path="/p"))
    ws = Workspace(name=title, apis=[api])
    api.webhooks = []
    source = export_python(ws, [api])
    compile(source, "client.py", "exec")
    module = _load(source, tmp_path, "titled_client")
    assert title in (module.__doc__ or "")


def test_apis_whose_names_differ_by_punctuation_stay_two_classes(tmp_path: Path) -> None:
    with RecordingServer() as first, RecordingServer() as second:
        apis = [
            _api("Shop v1", first.url, Call(name="List", path="/one")),
            _api("Shop-v1", second.url, Call(name="List", path="/two")),
        ]
        notes: list[str] = []
        module = _load(export_python(Workspace(apis=apis), apis, notes), tmp_path, "twins")
        clients = [module.ShopV1Client(), module.ShopV1_2Client()]
        try:
            for client in clients:
                client.list()
        finally:
            for client in clients:
                client.close()
        assert [s.path for s in first.seen] == ["/one"]
        assert [s.path for s in second.seen] == ["/two"]
    assert notes == [
        "API 'Shop-v1' is the class ShopV1_2Client in the Python client: another API's name "
        "makes the same identifier"
    ]


def test_the_cli_notes_a_renamed_class(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    apis = [_api(n, "https://api.example.com", Call(name="List", path="/")) for n in ("A b", "A-b")]
    workspace = tmp_path / "ws.json"
    wf.save(Workspace(apis=apis), workspace)
    assert cli.main(["export", str(workspace), "--to", "python", "-o", str(tmp_path)]) == 0
    assert "Note: API 'A-b' is the class AB_2Client" in capsys.readouterr().err


def test_path_parameters_are_percent_encoded_as_the_app_encodes_them(tmp_path: Path) -> None:
    value = "../../admin/users"
    with RecordingServer() as server:
        parameter = Parameter(name="id", placement=Placement.PATH, value="1", dynamic=True)
        call = Call(name="Get user", path="/users/{id}", parameters=[parameter])
        api = _api("Shop", server.url, call)
        module = _load(export_python(Workspace(apis=[api]), [api]), tmp_path, "path_client")
        client = module.ShopClient()
        try:
            client.get_user(id=value)
        finally:
            client.close()
        app = build_request(api, call, MemorySecretStore(), {"id": value})
        assert app.url == f"{server.url}/users/..%2F..%2Fadmin%2Fusers"
        assert [s.path for s in server.seen] == ["/users/..%2F..%2Fadmin%2Fusers"]


def _run_commands(script: str, folder: Path) -> list[list[str]]:
    """The arguments of each curl call of ``script`` run by bash, without ``curl`` itself."""
    return [words[1:] for words in run_curl_script(script, folder)]


def test_a_line_break_in_a_name_stays_in_the_comment(tmp_path: Path) -> None:
    api = _api(
        "Shop\ntouch api-ran",
        "https://api.example.com",
        Call(name="List\r\ntouch call-ran #", path="/items"),
    )
    script = export_curl([api])
    assert script.splitlines()[0] == "# Shop\\ntouch api-ran / List\\r\\ntouch call-ran #"
    calls = _run_commands(script, tmp_path)
    assert calls == [["https://api.example.com/items"]]
    assert not (tmp_path / "api-ran").exists()
    assert not (tmp_path / "call-ran").exists()


def test_values_are_not_expanded_by_the_shell(tmp_path: Path) -> None:
    value = "a!!b $(touch ran) `touch ran2` ${HOME} it's \\ \" !-1"
    header = Parameter(name="X-Note", placement=Placement.HEADER, value=value)
    call = Call(name="Echo", method=Method.POST, path="/e", parameters=[header])
    call.body_type, call.body_template = BodyType.RAW, value
    api = _api("Shop", "https://api.example.com", call)
    script = "echo first\n" + export_curl([api])  # a history entry for !! to find
    calls = _run_commands(script, tmp_path)
    assert len(calls) == 1
    args = calls[0]
    assert f"X-Note: {value}" in args
    assert args[args.index("--data-raw") + 1] == value
    assert not (tmp_path / "ran").exists()
    assert not (tmp_path / "ran2").exists()
    words = shlex.split(export_curl([api]).replace("\\\n", " "), comments=True)
    assert words == ["curl", *args]
    # The app's Copy as cURL writes the same words.
    copied = build_request(api, call, MemorySecretStore()).to_curl()
    assert _run_commands("echo first\n" + copied + "\n", tmp_path) == [args]
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize("name", ["x" * 95 + '\x1b"\\' + "y" * 95, "a " * 60 + '"""\\x'])
def test_long_names_wrap_without_splitting_an_escape(tmp_path: Path, name: str) -> None:
    api = _api("Shop", "https://api.example.com", Call(name=name, path="/p"))
    module = _load(export_python(Workspace(apis=[api]), [api]), tmp_path, "long_client")
    docs = [m.__doc__ or "" for m in vars(module.ShopClient).values() if callable(m)]
    assert any(" ".join(name.split()) in " ".join(doc.split()) for doc in docs)


def test_a_field_named_like_a_type_builds_its_model(tmp_path: Path) -> None:
    from designer.core.inference import infer_value

    call = Call(name="Get", path="/p")
    call.structure = infer_value({"INT": 1, "Str": "a", "id": 2})
    api = _api("Shop", "https://api.example.com", call)
    module = _load(export_python(Workspace(apis=[api]), [api]), tmp_path, "typed_fields")
    parsed = module.GetResponse.model_validate({"INT": 7, "Str": "b", "id": 3})
    assert (parsed.int_, parsed.str_, parsed.id) == (7, "b", 3)
