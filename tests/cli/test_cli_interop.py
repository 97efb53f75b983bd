"""The import and export commands: formats, merging, conflicts, secrets, failures change nothing."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from openapi_spec_validator import validate

from designer import cli
from designer.core.workspace import file as wf
from tests.core.interop.conftest import DATA, rich_workspace
from tests.helpers.sync_records import without_sync_records

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
    assert without_sync_records(wf.load(target).apis) == without_sync_records(
        rich_workspace_apis(bundle)
    )


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


# --- import --on-conflict update -------------------------------------------------------------


def _petstore(path: Path, *, limit_required: bool = False, limit_text: str = "") -> Path:
    import yaml

    from tests.core.interop.test_sync import PETSTORE

    if not PETSTORE.is_file():
        pytest.skip(f"the public spec corpus is not at {PETSTORE.parent}")
    doc = yaml.safe_load(PETSTORE.read_text())
    limit = doc["paths"]["/pets"]["get"]["parameters"][1]
    limit["required"] = limit_required
    if limit_text:
        limit["description"] = limit_text
    path.write_text(yaml.safe_dump(doc))
    return path


def test_update_from_the_cli_previews_applies_and_reports_conflicts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    spec = _petstore(tmp_path / "petstore.yaml")
    target = tmp_path / "ws.json"
    assert run(capsys, "import", str(spec), "-o", str(target))[0] == 0
    ws = wf.load(target)
    assert ws.apis[0].source is not None
    assert ws.apis[0].source.location == "petstore.yaml"
    limit = next(p for c in ws.apis[0].calls for p in c.parameters if p.name == "limit")
    limit.value = "25"
    wf.save(ws, target)
    saved = target.read_bytes()

    _petstore(spec, limit_required=True)
    code, out, err = run(
        capsys, "import", str(spec), "-o", str(target), "--on-conflict", "update", "--dry-run"
    )
    assert code == 0, err
    assert "Would update API 'Swagger Petstore'" in out
    assert "1 call changed" in out
    assert "~ findPets: parameter 'limit' now required" in out
    assert out.endswith("Dry run: nothing was changed\n")
    assert target.read_bytes() == saved

    code, out, err = run(capsys, "import", str(spec), "-o", str(target), "--on-conflict", "update")
    assert code == 0, err
    limit = next(
        p for c in wf.load(target).apis[0].calls for p in c.parameters if p.name == "limit"
    )
    assert (limit.optional, limit.value) == (False, "25")

    # Both sides change the description: exit 1, the user's kept, the document's offered.
    ws = wf.load(target)
    limit = next(p for c in ws.apis[0].calls for p in c.parameters if p.name == "limit")
    limit.description = "ours"
    wf.save(ws, target)
    _petstore(spec, limit_required=True, limit_text="theirs")
    args = ("import", str(spec), "-o", str(target), "--on-conflict", "update")
    code, out, err = run(capsys, *args)
    assert code == 1
    assert "! call 'findPets': parameter 'limit' was changed both here" in out
    assert "--prefer document" in err
    code, out, err = run(capsys, *args, "--prefer", "document")
    assert code == 0, err
    limit = next(
        p for c in wf.load(target).apis[0].calls for p in c.parameters if p.name == "limit"
    )
    assert (limit.description, limit.value) == ("theirs", "25")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((), "--on-conflict update needs the workspace to update: add -o WORKSPACE"),
        (("-o", "{ws}", "--api", "Nope"), "no API named 'Nope' in"),
    ],
)
def test_update_usage_errors_exit_2_and_change_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: tuple[str, ...], message: str
) -> None:
    spec = _petstore(tmp_path / "petstore.yaml")
    target = tmp_path / "ws.json"
    assert run(capsys, "import", str(spec), "-o", str(target))[0] == 0
    saved = target.read_bytes()
    argv = [a.replace("{ws}", str(target)) for a in extra]
    code, out, err = run(capsys, "import", str(spec), "--on-conflict", "update", *argv)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1
    assert target.read_bytes() == saved


def test_dry_run_and_prefer_belong_to_update(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    spec = _petstore(tmp_path / "petstore.yaml")
    code, _, err = run(capsys, "import", str(spec), "--dry-run")
    assert code == 1
    assert "--dry-run and --prefer apply to --on-conflict update" in err
