"""The secrets command, import → init through the keychain, and variable names after renames."""

from __future__ import annotations

import io
import re
import secrets as random
import sys
from pathlib import Path

import keyring
import pytest

from designer import cli
from designer.core.models import Api, BearerAuth, Call, Environment, Parameter, Placement, Workspace
from designer.core.models import secret_ref as ref_of
from designer.core.secrets.keychain import service_name
from designer.core.workspace import file as wf
from tests.helpers.recording_server import RecordingServer

PREFIX = "connector-designer: "


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rows(out: str) -> dict[str, str]:
    """The listing as variable: state."""
    table = [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()]
    assert table[0] == ["SECRET", "VARIABLE", "STATE"]
    return {row[1]: row[2] for row in table[1:]}


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    call = Call(
        name="Get order",
        path="/orders",
        parameters=[Parameter(name="sig", private=True, placement=Placement.QUERY)],
    )
    api = Api(
        name="Shop",
        base_url="https://shop.test",
        auth=BearerAuth(),
        calls=[call],
        environments=[Environment(name="live")],
    )
    path = tmp_path / "shop.json"
    wf.save(Workspace(apis=[api]), path)
    return path


def test_set_from_stdin_then_list_unset_and_forget(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, shop: Path
) -> None:
    backend = keyring.get_keyring()
    ws = wf.load(shop)
    api = ws.apis[0]
    canary = "cnry" + random.token_hex(10)
    code, out, err = run(capsys, "secrets", "list", str(shop))
    assert code == 0, err
    assert rows(out) == {
        "CD_SECRET_SHOP_AUTH_TOKEN": "not set",
        "CD_SECRET_SHOP_GET_ORDER_PARAM_SIG": "not set",
    }

    stdin(monkeypatch, canary + "\n")
    code, out, err = run(capsys, "secrets", "set", str(shop), "cd_secret_shop_auth_token")
    assert code == 0, err
    assert err == (
        f"{PREFIX}Stored CD_SECRET_SHOP_AUTH_TOKEN (The bearer token of API 'Shop') in the "
        "keychain\n"
    )
    assert backend.entries == {(service_name(ws.id), ref_of(api, "auth.token")): canary}
    stdin(monkeypatch, "live-" + canary)
    code, _, err = run(
        capsys, "secrets", "set", str(shop), "SHOP_GET_ORDER_PARAM_SIG", "--env", "live"
    )
    assert code == 0, err
    sig = ref_of(api, "param.sig", api.calls[0], api.environments[0])
    assert backend.entries[(service_name(ws.id), sig)] == "live-" + canary

    monkeypatch.setenv("CD_SECRET_SHOP_GET_ORDER_PARAM_SIG", "from-env")
    code, out, _ = run(capsys, "secrets", "list", str(shop))
    assert rows(out) == {
        "CD_SECRET_SHOP_AUTH_TOKEN": "set",
        "CD_SECRET_SHOP_GET_ORDER_PARAM_SIG": "from environment",
    }
    monkeypatch.delenv("CD_SECRET_SHOP_GET_ORDER_PARAM_SIG")
    code, out, _ = run(capsys, "secrets", "list", str(shop), "--env", "live")
    assert rows(out)["CD_SECRET_SHOP_GET_ORDER_PARAM_SIG"] == "set (environment 'live')"
    assert canary not in out + err

    code, _, err = run(capsys, "secrets", "unset", str(shop), "CD_SECRET_SHOP_AUTH_TOKEN")
    assert code == 0, err
    assert (service_name(ws.id), ref_of(api, "auth.token")) not in backend.entries
    code, _, err = run(capsys, "secrets", "forget", str(shop))
    assert code == 0, err
    assert err == f"{PREFIX}Removed 1 keychain entry of workspace '{ws.name}'\n"
    assert backend.entries == {}


def test_set_refuses_unknown_names_and_empty_values(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, shop: Path
) -> None:
    code, _, err = run(capsys, "secrets", "set", str(shop), "CD_SECRET_NOPE")
    assert code == 1
    assert "No secret 'CD_SECRET_NOPE' in the workspace; its secrets are CD_SECRET_SHOP" in err
    stdin(monkeypatch, "\n")
    code, _, err = run(capsys, "secrets", "set", str(shop), "CD_SECRET_SHOP_AUTH_TOKEN")
    assert code == 1
    assert "No value was given for CD_SECRET_SHOP_AUTH_TOKEN: nothing was stored" in err
    assert keyring.get_keyring().entries == {}  # type: ignore[attr-defined]


def test_the_value_is_never_an_argument(capsys: pytest.CaptureFixture[str], shop: Path) -> None:
    code, _, err = run(capsys, "secrets", "set", str(shop), "CD_SECRET_SHOP_AUTH_TOKEN", "v4lue")
    assert code == 2
    assert "unrecognized arguments: v4lue" in err


def test_import_curl_with_a_bearer_token_then_init_gives_200(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    token = "cnry" + random.token_hex(10)
    with RecordingServer(expected_token=token) as server:
        target = tmp_path / "ws.json"
        command = f"curl {server.url}/need-bearer -H 'Authorization: Bearer {token}'"
        code, out, err = run(capsys, "import", "--from", "curl", command, "-o", str(target))
        assert code == 0, err
        assert "CD_SECRET_127_0_0_1_AUTH_TOKEN" in err
        code, out, err = run(capsys, "init", str(target))
        assert code == 0, err
        assert out.startswith("200 OK")
    assert token not in target.read_text() + out + err


def test_init_names_the_variable_and_the_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with RecordingServer(expected_token="x") as server:
        target = tmp_path / "ws.json"
        command = f"curl {server.url}/need-bearer -H 'Authorization: Bearer t0k'"
        assert (
            run(capsys, "import", "--from", "curl", command, "-o", str(target), "--no-keychain")[0]
            == 0
        )
        code, _, err = run(capsys, "init", str(target))
    assert code == 1
    assert err == (
        "connector-designer: error: API '127.0.0.1' uses a bearer token but none is set: enter "
        "it in the API's authentication settings or Secrets…, or set "
        f"CD_SECRET_127_0_0_1_AUTH_TOKEN; or run: connector-designer secrets set '{target}' "
        "CD_SECRET_127_0_0_1_AUTH_TOKEN\n"
    )


def test_bundle_imported_under_a_rename_names_the_renamed_variables(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    api = Api(
        name="127.0.0.1", base_url="http://127.0.0.1:1", auth=BearerAuth(), calls=[Call(name="c")]
    )
    source = tmp_path / "src.json"
    wf.save(Workspace(apis=[api]), source)
    bundle = tmp_path / "b.bundle.json"
    assert run(capsys, "export", str(source), "--to", "bundle", "-o", str(bundle))[0] == 0
    target = tmp_path / "mine.json"
    wf.save(Workspace(apis=[api.model_copy(update={"id": "otherid12345"})]), target)
    code, _, err = run(capsys, "import", str(bundle), "-o", str(target))
    assert code == 0, err
    assert "imported as '127.0.0.1 (2)'" in err
    assert "CD_SECRET_127_0_0_1_2_AUTH_TOKEN (The bearer token of API '127.0.0.1 (2)')" in err
    assert "CD_SECRET_127_0_0_1_AUTH_TOKEN " not in err


@pytest.mark.keychain
def test_import_init_and_forget_on_the_real_keychain(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tests.helpers.keyrings import designer_entries, forget_entries, real_secret_service

    backend = real_secret_service()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    before = designer_entries()
    token = "cnry" + random.token_hex(10)
    try:
        with RecordingServer(expected_token=token) as server:
            target = tmp_path / "ws.json"
            command = f"curl {server.url}/need-bearer -H 'Authorization: Bearer {token}'"
            assert run(capsys, "import", "--from", "curl", command, "-o", str(target))[0] == 0
            code, out, err = run(capsys, "init", str(target))
            assert code == 0, err
            assert out.startswith("200 OK")
        ws = wf.load(target)
        service = service_name(ws.id)
        assert {e for e in designer_entries() - before} == {
            (service, f"{ws.apis[0].id}/auth.token")
        }
        # An entry of a call deleted since: only listing the service finds it.
        backend.set_password(service, "deleted-api/param.sig", "old")
        code, _, err = run(capsys, "secrets", "forget", str(target))
        assert code == 0, err
        assert "Removed 2 keychain entries" in err
        assert {e for e in designer_entries() if e[0] == service} == set()
    finally:
        forget_entries(designer_entries() - before)
        keyring.set_keyring(previous)
