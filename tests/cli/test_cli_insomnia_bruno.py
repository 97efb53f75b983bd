"""import and export of Insomnia v5 files and Bruno collections from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from designer import cli
from designer.core.workspace import file as wf
from tests.core.interop.conftest import DATA, rich_workspace

V5 = DATA / "insomnia-v5"
BRUNO = DATA / "bruno" / "shop"
PREFIX = "connector-designer: error: "


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("source", [[], ["--from", "insomnia"]])
def test_import_insomnia_v5_detected_or_named(
    capsys: pytest.CaptureFixture[str], source: list[str]
) -> None:
    code, out, err = run(capsys, "import", *source, str(V5 / "shop.insomnia.yaml"), "--no-keychain")
    assert code == 0, err
    assert [a.name for a in wf.loads(out.encode()).apis] == ["Shop", "Orders", "Catalog"]
    assert "tok_local_123" not in out
    assert "tok_prod_456" not in out


def test_import_insomnia_with_an_environment_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "ws.json"
    code, out, err = run(
        capsys,
        "import",
        str(V5 / "shop.insomnia.yaml"),
        "--env-file",
        str(V5 / "shop-secrets.environment.yaml"),
        "-o",
        str(target),
        "--no-keychain",
    )
    assert code == 0, err
    orders = next(a for a in wf.load(target).apis if a.name == "Orders")
    assert [e.name for e in orders.environments] == ["Local", "Production", "Staging"]
    assert "tok_staging_789" not in target.read_text()


def test_an_insomnia_environment_file_alone_says_what_to_do(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "import", str(V5 / "shop-secrets.environment.yaml"))
    assert code != 0
    assert err.startswith(PREFIX)
    assert "environment file: it holds variables, no requests" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("where", [BRUNO, BRUNO / "bruno.json"])
def test_import_a_bruno_collection_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, where: Path
) -> None:
    target = tmp_path / "ws.json"
    code, out, err = run(capsys, "import", str(where), "-o", str(target), "--no-keychain")
    assert code == 0, err
    assert "Imported 10 calls" in out
    assert [a.name for a in wf.load(target).apis] == ["Shop API", "Orders", "Catalog", "Accounts"]
    assert "tok_local_123" not in target.read_text()


def test_import_a_single_bru_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import", str(BRUNO / "Orders" / "Create order.bru"))
    assert code == 0, err
    (api,) = wf.loads(out.encode()).apis
    assert [c.name for c in api.calls] == ["Create order"]
    assert "not valid YAML" not in err


def test_export_insomnia_and_import_it_back(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    workspace = tmp_path / "ws.json"
    wf.save(rich_workspace(), workspace)
    out_file = tmp_path / "shop.insomnia.yaml"
    code, _, err = run(capsys, "export", str(workspace), "--to", "insomnia", "-o", str(out_file))
    assert code == 0, err
    assert "Wrote an Insomnia v5 collection of 6 calls" in err
    assert yaml.safe_load(out_file.read_text())["type"] == "collection.insomnia.rest/5.0"
    code, out, err = run(capsys, "import", str(out_file))
    assert code == 0, err
    assert [a.name for a in wf.loads(out.encode()).apis] == ["Shop", "CRM", "Legacy"]


def test_export_bruno_writes_a_new_folder_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    workspace = tmp_path / "ws.json"
    wf.save(rich_workspace(), workspace)
    code, _, err = run(capsys, "export", str(workspace), "--to", "bruno")
    assert code != 0
    assert "name a new folder with -o FOLDER" in err
    folder = tmp_path / "collection"
    code, _, err = run(capsys, "export", str(workspace), "--to", "bruno", "-o", str(folder))
    assert code == 0, err
    assert "Wrote a Bruno collection folder of 6 calls" in err
    assert "Bruno reads them from the environment variables CD_SECRET_SHOP_AUTH_TOKEN" in err
    assert (folder / "bruno.json").is_file()
    assert (folder / "Shop" / "List orders.bru").is_file()
    before = sorted(p.name for p in folder.rglob("*"))
    # A folder with files in it is never overwritten.
    code, _, err = run(capsys, "export", str(workspace), "--to", "bruno", "-o", str(folder))
    assert code != 0
    assert "a folder with files in it" in err
    assert sorted(p.name for p in folder.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    code, out, err = run(capsys, "import", str(folder))
    assert code == 0, err
    assert [a.name for a in wf.loads(out.encode()).apis] == ["Shop", "CRM", "Legacy"]
