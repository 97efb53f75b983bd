"""Tests of the command line: conventions, schema, validate, import, and bad input."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import keyring
import orjson
import pytest

from designer import __version__, cli
from designer.core.workspace import file as wf

GOLDEN = Path(__file__).parents[1] / "data" / "workspace_v1.json"
PREFIX = "connector-designer: error: "


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, text: str) -> None:
    assert err.startswith(PREFIX)
    assert err.count("\n") == 1
    assert text in err
    assert "Traceback" not in err


# -- conventions -------------------------------------------------------------------------


def test_top_level_help_lists_the_commands_and_the_app(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert out.startswith("usage: connector-designer")
    for command in ("infer", "init", "import", "validate", "schema"):
        assert command in out
    assert "desktop application opens" in " ".join(out.split())


def test_without_a_command_the_desktop_app_is_started(monkeypatch: pytest.MonkeyPatch) -> None:
    import designer.ui.app

    seen: list[object] = []
    monkeypatch.setattr(designer.ui.app, "run", lambda args: seen.append(args) or 0)
    assert cli.main(["ws.json", "--quit-after-load"]) == 0
    (args,) = seen
    assert (args.workspace, args.quit_after_load, args.example) == ("ws.json", True, False)


def test_command_names_match_the_registered_commands() -> None:
    parser = cli.build_parser()
    (subparsers,) = (a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert tuple(subparsers.choices) == cli.COMMANDS


def test_opening_the_app_does_not_import_the_commands() -> None:
    # The commands' modules (and httpx, pydantic's importers) cost start-up time.
    code = (
        "import sys, designer.ui.app as app; app.run = lambda args: 0; "
        "from designer import cli; assert cli.main(['ws.json']) == 0; "
        "print(sorted(m for m in sys.modules if m == 'httpx' or m.startswith('designer.cli.') "
        "and m.rsplit('.', 1)[1] not in ('main', 'output', 'options')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("argv", [["--help"], ["import", "--help"], ["validate", "-h"]])
def test_help_everywhere(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert "usage:" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"connector-designer {__version__}\n", "")


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "frobnicate")
    assert code == 2
    assert "connector-designer: error: argument COMMAND: invalid choice" in err


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "none.json")
    code, _, err = run(capsys, "validate", missing, "--debug")
    assert code == 1
    assert "Traceback" in err
    assert err.endswith(f"{PREFIX}{missing} does not exist: check the path\n")


def test_unexpected_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom() -> dict[str, object]:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(wf, "json_schema", boom)
    code, out, err = run(capsys, "schema")
    assert code == 1
    assert err == (
        f"{PREFIX}unexpected error: RuntimeError: boom second line (run with --debug for details)\n"
    )


def test_keyboard_interrupt_exits_130_quietly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted() -> dict[str, object]:
        raise KeyboardInterrupt

    monkeypatch.setattr(wf, "json_schema", interrupted)
    assert run(capsys, "schema") == (130, "", "")


# -- schema ------------------------------------------------------------------------------


def test_schema_is_deterministic_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = orjson.loads(out)
    assert schema == wf.json_schema()
    jsonschema.Draft202012Validator(schema).validate(orjson.loads(GOLDEN.read_bytes()))
    assert run(capsys, "schema")[1] == out


# -- validate ----------------------------------------------------------------------------


def test_validate_a_good_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "validate", str(GOLDEN)) == (0, f"{GOLDEN}: valid (3 APIs, 4 calls)\n", "")


def test_validate_lists_every_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = orjson.loads(GOLDEN.read_bytes())
    doc["apis"][0]["nmae"] = "x"
    doc["apis"][1]["calls"][0]["method"] = "FE TCH"
    path = tmp_path / "ws.json"
    path.write_bytes(orjson.dumps(doc))
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1
    assert out.splitlines() == [
        f"{path}: $.apis[0].nmae: unknown key 'nmae' (did you mean 'name'?)",
        f"{path}: $.apis[1].calls[0].method: must be an HTTP method such as GET, POST or "
        f"PURGE, not 'FE TCH': letters, digits and !#$%&'*+-.^_`|~ only, without spaces",
    ]
    assert err == ""


def test_validate_semantic_problems(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = orjson.loads(GOLDEN.read_bytes())
    doc["apis"][1]["name"] = "Internal"
    doc["apis"][2]["calls"][0]["path"] = "/files/{name}/{version}"
    path = tmp_path / "ws.json"
    path.write_bytes(orjson.dumps(doc))
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert [line.split(": ")[1] for line in out.splitlines()] == [
        "$.apis[2].name",
        "$.apis[2].calls[0].path",
    ]


def test_validate_reports_a_body_parameter_that_would_not_be_sent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = {
        "format": "connector-designer.workspace",
        "version": 1,
        "id": "w1",
        "name": "Shop",
        "apis": [
            {
                "id": "a1",
                "name": "Shop",
                "calls": [
                    {
                        "id": "c1",
                        "name": "Create order",
                        "method": "POST",
                        "path": "/orders",
                        "parameters": [
                            {"name": "sku", "placement": "query"},
                            {"name": "quantity", "placement": "body", "type": "integer"},
                        ],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "ws.json"
    path.write_bytes(orjson.dumps(doc))
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert out == (
        f"{path}: $.apis[0].calls[0].parameters[1]: body parameter 'quantity' of call "
        "'Create order' of API 'Shop' is not sent: the call has no body (body_type 'none'); "
        "set body_type to 'json' or change its placement\n"
    )
    doc["apis"][0]["calls"][0]["body_type"] = "json"  # type: ignore[index]
    path.write_bytes(orjson.dumps(doc))
    assert run(capsys, "validate", str(path))[:2] == (0, f"{path}: valid (1 API, 1 call)\n")


def test_validate_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"{")))
    code, out, _ = run(capsys, "validate", "-")
    assert code == 1
    assert out.startswith("<stdin>: $: is not valid JSON: line 1, column 2")


# -- import ------------------------------------------------------------------------------

BEARER = "curl https://api.example.com/v1/customers?limit=3 -H 'Authorization: Bearer sk_123'"


def test_import_prints_the_workspace(capsys: pytest.CaptureFixture[str]) -> None:
    backend = keyring.get_keyring()  # the in-memory keyring every test gets
    code, out, err = run(capsys, "import", "--from", "curl", BEARER)
    assert code == 0
    ws = wf.loads(out.encode())
    assert [c.name for a in ws.apis for c in a.calls] == ["GET /v1/customers"]
    assert "sk_123" not in out
    assert "sk_123" not in err
    assert err == (
        "connector-designer: Secret CD_SECRET_API_EXAMPLE_COM_AUTH_TOKEN (The bearer token of "
        "API 'api.example.com'): stored in the keychain; CD_SECRET_API_EXAMPLE_COM_AUTH_TOKEN "
        "overrides it\n"
    )
    # In the keychain the app reads, under the new workspace's service.
    assert backend.entries == {
        (f"connector-designer:{ws.id}", f"{ws.apis[0].id}/auth.token"): "sk_123"
    }


def test_import_no_keychain_stores_nothing_and_names_the_variable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    backend = keyring.get_keyring()
    code, out, err = run(capsys, "import", "--from", "curl", BEARER, "--no-keychain")
    assert code == 0
    assert "sk_123" not in out + err
    assert backend.entries == {}
    assert "not stored (--no-keychain); set CD_SECRET_API_EXAMPLE_COM_AUTH_TOKEN" in err


def test_import_detects_curl_and_reads_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = "$ curl https://h/x \\\n  -d a=1\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code, out, err = run(capsys, "import", "-")
    assert (code, err) == (0, "")
    assert wf.loads(out.encode()).apis[0].calls[0].name == "POST /x"


def test_import_from_curl_reads_the_command_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # "-" is standard input with --from curl too, as the help says, not a command "-".
    stdin = "curl -H 'Authorization: Bearer sk_live_abc123' https://api.example.com/v1/items\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code, out, err = run(capsys, "import", "--from", "curl", "-", "--no-keychain")
    assert code == 0, err
    assert wf.loads(out.encode()).apis[0].calls[0].path == "/v1/items"
    assert "sk_live_abc123" not in out + err


def test_import_refuses_unknown_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import", "wget https://h")
    assert (code, out) == (1, "")
    assert_one_line_error(err, "Cannot tell what kind of command this is")


def test_import_into_a_new_then_existing_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "ws.json"
    code, out, _ = run(capsys, "import", BEARER, "-o", str(path))
    assert code == 0
    assert out == f"Added call 'GET /v1/customers' to API 'api.example.com' in {path}\n"
    code, out, _ = run(
        capsys, "import", "curl -X DELETE https://api.example.com/v1/x", "-o", str(path)
    )
    assert out == f"Added call 'DELETE /v1/x' to API 'api.example.com' in {path}\n"
    ws = wf.load(path)
    assert [c.name for c in ws.apis[0].calls] == ["GET /v1/customers", "DELETE /v1/x"]
    assert b"sk_123" not in path.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["ws.json"]  # no temp files left


# -- bad input: one line, exit 1, nothing changed ------------------------------------------


def _bad_workspaces(tmp_path: Path) -> dict[str, tuple[bytes, str]]:
    good = GOLDEN.read_bytes()
    doc = orjson.loads(good)

    def variant(change: object) -> bytes:
        changed = orjson.loads(good)
        change(changed)  # type: ignore[operator]
        return orjson.dumps(changed)

    return {
        "truncated": (good[: len(good) // 2], "the file ends too early"),
        "malformed": (good.replace(b'"version": 1,', b'"version": 1,,'), "is not valid JSON"),
        "not-utf8": (good.replace("Zürich".encode(), b"Z\xfcrich"), "is not UTF-8 text"),
        "newer": (variant(lambda d: d.update(version=3)), "saved by a newer Connector Designer"),
        "unknown-key": (variant(lambda d: d["apis"][0].update(nmae=1)), "unknown key 'nmae'"),
        "wrong-type": (variant(lambda d: d["apis"][0].update(name=5)), "must be text"),
        "duplicate": (
            variant(lambda d: d["apis"][1].update(name=doc["apis"][0]["name"].upper())),
            "duplicate API name",
        ),
        "placeholder": (
            variant(lambda d: d["apis"][1]["calls"][0].update(path="/weather/{city}")),
            "placeholder {city}",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "truncated",
        "malformed",
        "not-utf8",
        "newer",
        "unknown-key",
        "wrong-type",
        "duplicate",
        "placeholder",
    ],
)
def test_import_into_a_bad_workspace_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    data, text = _bad_workspaces(tmp_path)[case]
    path = tmp_path / "ws.json"
    path.write_bytes(data)
    before = path.stat().st_mtime_ns
    code, out, err = run(capsys, "import", "curl https://h/x", "-o", str(path))
    assert (code, out) == (1, "")
    assert_one_line_error(err, text)
    assert str(path) in err
    assert path.read_bytes() == data
    assert path.stat().st_mtime_ns == before
    assert [p.name for p in tmp_path.iterdir()] == ["ws.json"]


def test_huge_workspace_is_refused_quickly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "ws.json"
    with path.open("wb") as f:
        f.truncate(1 << 30)
    before = path.stat().st_mtime_ns
    for argv in (["validate", str(path)], ["import", "curl https://h/x", "-o", str(path)]):
        code, _, err = run(capsys, *argv)
        assert code == 1
        assert_one_line_error(err, "is 1.0 GB, more than the 64 MB limit for a workspace")
    assert path.stat().st_mtime_ns == before
    assert path.stat().st_size == 1 << 30


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("curl -H 'Accept: x https://h", "the ' at line 1, column 9"),
        ("curl --frobnicate https://h", "--frobnicate is not supported"),
        ("curl -X POST", "has no URL"),
    ],
)
def test_unparsable_curl_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, text: str
) -> None:
    path = tmp_path / "ws.json"
    path.write_bytes(GOLDEN.read_bytes())
    before = path.stat().st_mtime_ns
    code, out, err = run(capsys, "import", "--from", "curl", command, "-o", str(path))
    assert (code, out) == (1, "")
    assert_one_line_error(err, text)
    assert path.read_bytes() == GOLDEN.read_bytes()
    assert path.stat().st_mtime_ns == before


def test_failed_save_keeps_the_old_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ws.json"
    path.write_bytes(GOLDEN.read_bytes())

    def no_space(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    code, _, err = run(capsys, "import", "curl https://h/x", "-o", str(path))
    assert code == 1
    assert_one_line_error(err, "No space left on device; the previous version")
    assert path.read_bytes() == GOLDEN.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["ws.json"]


# -- as a real process ---------------------------------------------------------------------


def _run_process(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "designer", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_process_version() -> None:
    result = _run_process("--version")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"connector-designer {__version__}\n",
        "",
    )


def test_process_error_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    path.write_bytes(b'{"format": "connector-designer.workspace", "version": 9}')
    result = _run_process("import", "curl https://h/x", "-o", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{PREFIX}{path} was saved by a newer Connector Designer "
        f"(format version 9; this one reads up to 1): update the app\n"
    )


def test_every_command_has_a_module_of_its_own_and_shares_public_helpers_only() -> None:
    """designer/cli/ holds one module per command; no command imports another's private names."""
    import ast
    from pathlib import Path

    package = Path(cli.__file__).parent
    modules = {p.stem for p in package.glob("*.py")} - {"__init__", "main", "output", "options"}
    expected = {c.replace("-", "_") for c in cli.COMMANDS} | {"imports"}
    assert modules == (expected - {"import"})  # `import` is a keyword: its module is imports
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert private == [], f"{path.name} imports {private} from .{node.module}"


def test_infer_run_in_process_leaves_the_garbage_collector_as_it_was(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import gc

    body = tmp_path / "body.json"
    body.write_bytes(b'{"id": 1}')
    assert gc.isenabled()
    code, out, _err = run(capsys, "infer", str(body))
    assert code == 0
    assert "id" in out
    assert gc.isenabled()  # switched off only while it inferred
