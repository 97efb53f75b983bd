"""The import and export commands: formats, merging, conflicts, secrets, failures change nothing."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from openapi_spec_validator import validate

from designer import cli
from designer.core import workspace_file as wf
from tests.core.interop.conftest import DATA, rich_workspace

PREFIX = "connector-designer: error: "


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "ws.json"
    wf.save(rich_workspace(), path)
    return path


@pytest.mark.parametrize(
    ("name", "apis"),
    [
        ("petstore-3.0.yaml", ["Pet Shop", "Pet Shop (apiKey)"]),
        ("weather-swagger-2.0.json", ["Weather"]),
        ("helpdesk.postman_collection.json", ["Helpdesk", "Tickets", "Customers"]),
        ("demo-server.har", ["127.0.0.1"]),
        ("notes.insomnia.json", ["Notes API", "Notes"]),
    ],
)
def test_import_detects_and_prints(
    capsys: pytest.CaptureFixture[str], name: str, apis: list[str]
) -> None:
    code, out, err = run(capsys, "import", str(DATA / name))
    assert code == 0, err
    assert [a.name for a in wf.loads(out.encode()).apis] == apis
    for secret in ("hd_live_0123456789abcdef", "ck_test_42", "nt_secret_value", "demo-key"):
        assert secret not in out
        assert secret not in err


def test_import_reports_secrets_from_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "team.bundle.json"
    code, _, err = run(capsys, "export", str(_ws(tmp_path)), "--to", "bundle", "-o", str(bundle))
    assert code == 0
    assert "Secrets are not included; they are named CD_SECRET_SHOP_AUTH_TOKEN" in err
    monkeypatch.setenv("CD_SECRET_SHOP_AUTH_TOKEN", "tok-from-env")
    target = tmp_path / "mine.json"
    code, out, err = run(capsys, "import", str(bundle), "-o", str(target))
    assert code == 0
    assert out == f"Imported 6 calls from {bundle} into {target}: Added 3 APIs\n"
    assert (
        "connector-designer: Secret CD_SECRET_SHOP_AUTH_TOKEN (The bearer token of API 'Shop'): "
        "provided by the environment\n"
    ) in err
    assert "CD_SECRET_CRM_AUTH_KEY (The API key of API 'CRM'): needed, not set" in err
    assert "tok-from-env" not in err + out + target.read_text()
    assert wf.load(target).apis == rich_workspace_apis(bundle)


def _ws(tmp_path: Path) -> Path:
    path = tmp_path / "source.json"
    wf.save(rich_workspace(), path)
    return path


def rich_workspace_apis(bundle: Path) -> object:
    from designer.core.interop.service import merge_import, read_import

    return merge_import(None, read_import(bundle.read_bytes(), "b")).outcome.workspace.apis


@pytest.mark.parametrize(
    ("policy", "names"),
    [
        ("keep-both", ["Shop", "CRM", "Legacy", "Shop (2)", "CRM (2)", "Legacy (2)"]),
        ("replace", ["Shop", "CRM", "Legacy"]),
        ("skip", ["Shop", "CRM", "Legacy"]),
    ],
)
def test_import_into_an_existing_workspace(
    capsys: pytest.CaptureFixture[str],
    workspace: Path,
    tmp_path: Path,
    policy: str,
    names: list[str],
) -> None:
    bundle = tmp_path / "b.json"
    assert run(capsys, "export", str(workspace), "--to", "bundle", "-o", str(bundle))[0] == 0
    code, _, err = run(capsys, "import", str(bundle), "-o", str(workspace), "--on-conflict", policy)
    assert code == 0, err
    assert [a.name for a in wf.load(workspace).apis] == names


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (b'{"openapi": "3.1.0", "paths": {', "the file ends too early"),
        (b"openapi: 3.0.0\npaths: !!python/object:os.system {}\n", "the YAML tag"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"openapi": "9.0"}', "$.openapi: version '9.0' is not supported"),
        (b'{"hello": 1}', "cannot tell the format"),
    ],
)
def test_failed_import_changes_nothing(
    capsys: pytest.CaptureFixture[str], workspace: Path, tmp_path: Path, content: bytes, text: str
) -> None:
    before = workspace.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, out, err = run(capsys, "import", str(bad), "-o", str(workspace))
    assert (code, out) == (1, "")
    assert err.startswith(f"{PREFIX}{bad}")
    assert err.count("\n") == 1
    assert text in err
    assert workspace.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "ws.json"]


def test_tampered_bundle_changes_nothing(
    capsys: pytest.CaptureFixture[str], workspace: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "b.json"
    run(capsys, "export", str(workspace), "--to", "bundle", "-o", str(bundle))
    bundle.write_bytes(bundle.read_bytes().replace(b"shop.example.com", b"evil.example.com"))
    before = workspace.read_bytes()
    code, _, err = run(capsys, "import", str(bundle), "-o", str(workspace))
    assert code == 1
    assert err == (
        f"{PREFIX}{bundle}: $.checksum: does not match the content: the bundle was changed or "
        f"damaged after export; ask for a fresh copy\n"
    )
    assert workspace.read_bytes() == before


def test_export_formats(
    capsys: pytest.CaptureFixture[str], workspace: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "export", str(workspace), "--to", "openapi", "--api", "Shop")
    assert code == 0
    validate(orjson.loads(out))
    yaml_out = tmp_path / "shop.yaml"
    assert run(capsys, "export", str(workspace), "--to", "openapi", "-o", str(yaml_out))[0] == 0
    assert yaml_out.read_text().startswith("openapi: 3.1.0\n")
    code, out, _ = run(capsys, "export", str(workspace), "--to", "postman")
    assert orjson.loads(out)["info"]["name"] == "Rich"
    code, out, _ = run(capsys, "export", str(workspace), "--to", "curl", "--call", "CRM/Search")
    assert out.startswith("# CRM / Search\ncurl 'https://crm.example.org/contacts?q=ana'")
    code, out, _ = run(
        capsys, "export", str(workspace), "--to", "jsonschema", "--call", "Shop/List orders"
    )
    schema = orjson.loads(out)
    assert (schema["$schema"], schema["title"]) == (
        "https://json-schema.org/draft/2020-12/schema",
        "List orders",
    )
    bundle_a = run(capsys, "export", str(workspace), "--to", "bundle")[1]
    assert bundle_a == run(capsys, "export", str(workspace), "--to", "bundle")[1]


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (["--to", "openapi", "--api", "Nope"], "No API 'Nope' in the workspace; its APIs are"),
        (["--to", "jsonschema"], "choose one with --call API/CALL; its calls are 'Shop/"),
        (["--to", "jsonschema", "--call", "Shop/Create order"], "has no structure yet"),
        (["--to", "bundle", "--sample", "Shop/List orders=x.json"], "--sample needs --include"),
    ],
)
def test_export_errors(
    capsys: pytest.CaptureFixture[str], workspace: Path, argv: list[str], text: str
) -> None:
    code, out, err = run(capsys, "export", str(workspace), *argv)
    assert (code, out) == (1, "")
    assert err.startswith(PREFIX)
    assert text in err


def test_schema_of_the_bundle(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "--bundle")
    assert code == 0
    assert orjson.loads(out)["title"] == "Connector Designer bundle"


def test_python_export_into_a_folder_named_with_a_slash(
    capsys: pytest.CaptureFixture[str], workspace: Path, tmp_path: Path
) -> None:
    """The README's ``-o clients/``: the folder is made and the module written inside it."""
    folder = tmp_path / "clients"
    code, _, err = run(capsys, "export", str(workspace), "--to", "python", "-o", f"{folder}/")
    assert code == 0
    assert folder.is_dir()
    written = sorted(p.name for p in folder.iterdir())
    assert written == ["rich_client.py"]
    compile((folder / "rich_client.py").read_text(), "rich_client.py", "exec")
    assert f"to {folder}/rich_client.py" in err


def test_other_formats_refuse_a_folder(
    capsys: pytest.CaptureFixture[str], workspace: Path, tmp_path: Path
) -> None:
    code, out, err = run(
        capsys, "export", str(workspace), "--to", "openapi", "-o", f"{tmp_path}/new/"
    )
    assert (code, out) == (1, "")
    assert (
        err == f"{PREFIX}-o {tmp_path}/new/ names a folder: give the file to write OpenAPI 3.1 to\n"
    )
    assert not (tmp_path / "new").exists()
