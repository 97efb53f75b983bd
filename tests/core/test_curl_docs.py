"""curl commands as API docs write them: saved in a file, credentials as shell variables,
``-u key:`` for Basic with the key as user name.

The docs of OpenAI, Anthropic and most vendors write ``-H "Authorization: Bearer
$OPENAI_API_KEY"``: the variable is what the reader sets, never the secret itself.
"""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import orjson
import pytest

from designer import cli
from designer.core.errors import MissingSecretError
from designer.core.http.execute import ExecutionSettings, Executor
from designer.core.http.request import build_request
from designer.core.interop.curl.importer import curl_to_workspace
from designer.core.models import BasicAuth, BearerAuth, Workspace, secret_ref
from designer.core.secrets.names import required_secrets
from designer.core.secrets.scope import EnvironmentVariableStore
from designer.core.secrets.store import MemorySecretStore
from designer.core.workspace import file as wf

OPENAI = """\
curl {url}/v1/chat/completions \\
  -H "Content-Type: application/json" \\
  -H "Authorization: Bearer $OPENAI_API_KEY" \\
  -d '{{"model": "gpt-4o", "messages": [{{"role": "user", "content": "Hello!"}}]}}'
"""


def _headers(ws: Workspace, environ: dict[str, str], inner: MemorySecretStore) -> dict[str, str]:
    store = EnvironmentVariableStore(inner, lambda: ws, environ)
    api = ws.apis[0]
    return dict(build_request(api, api.calls[0], store).headers)


def test_import_file_from_curl_reads_the_file_and_refers_to_the_variable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    command = tmp_path / "openai.sh"
    command.write_text(OPENAI.format(url="https://api.openai.com"))
    out = tmp_path / "ws.json"
    code = cli.main(["import", str(command), "--from", "curl", "-o", str(out), "--no-keychain"])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert "OPENAI_API_KEY" in err  # the note says where the token comes from
    ws = wf.load(out)
    (api,) = ws.apis
    assert api.auth == BearerAuth()
    assert api.secret_variables == {"auth.token": "OPENAI_API_KEY"}
    assert [s.env for s in required_secrets(ws.apis)] == ["OPENAI_API_KEY"]
    assert b"$OPENAI" not in out.read_bytes()
    inner = MemorySecretStore()
    # Read when the request is built, from the variable as it is then.
    headers = _headers(ws, {"OPENAI_API_KEY": "sk-proj-first"}, inner)
    assert headers["Authorization"] == "Bearer sk-proj-first"
    headers = _headers(ws, {"OPENAI_API_KEY": "sk-proj-second"}, inner)
    assert headers["Authorization"] == "Bearer sk-proj-second"
    with pytest.raises(MissingSecretError, match="OPENAI_API_KEY"):
        _headers(ws, {}, inner)
    assert inner._values == {}


@pytest.mark.parametrize(
    ("command", "field", "variable"),
    [
        ("curl https://h/x -H 'Authorization: Bearer ${TOKEN}'", "auth.token", "TOKEN"),
        ("curl https://h/x -H 'x-api-key: $ANTHROPIC_API_KEY'", "auth.key", "ANTHROPIC_API_KEY"),
        ("curl https://h/x -u $STRIPE_KEY:", "auth.password", "STRIPE_KEY"),
        ("curl 'https://h/x?api_key=$NYT_KEY'", "auth.key", "NYT_KEY"),
    ],
)
def test_no_variable_name_is_stored_as_a_secret(command: str, field: str, variable: str) -> None:
    secrets = MemorySecretStore()
    ws, api, call = curl_to_workspace(command, None, secrets)
    assert secrets._values == {}
    assert api.secret_variables == {field: variable}
    assert "$" not in orjson.dumps([p.value for p in call.parameters]).decode()
    headers_or_url = _headers(ws, {variable: "v4lue"}, secrets)
    built = build_request(
        api, call, EnvironmentVariableStore(secrets, lambda: ws, {variable: "v4lue"})
    )
    assert "v4lue" in built.url or any(
        "v4lue" in v or base64.b64encode(b"v4lue:").decode() in v for v in headers_or_url.values()
    )


def test_a_variable_inside_other_text_is_not_stored() -> None:
    secrets = MemorySecretStore()
    notes: list[str] = []
    _, api, _ = curl_to_workspace(
        "curl https://h/x -H 'Authorization: Bearer sk-$SUFFIX'", None, secrets, notes
    )
    assert secrets._values == {}
    assert api.secret_variables == {}
    assert any("not stored" in n for n in notes)


def test_user_with_empty_password_is_basic_with_the_key_as_user_name() -> None:
    secrets = MemorySecretStore()
    ws, api, _ = curl_to_workspace(
        "curl https://api.stripe.com/v1/charges -u sk_test_123:", None, secrets
    )
    assert api.auth == BasicAuth(key_as_username=True)
    ref = secret_ref(api, "auth.password")
    assert secrets._values == {ref: "sk_test_123"}
    assert b"sk_test_123" not in wf.dumps(ws)
    expected = "Basic " + base64.b64encode(b"sk_test_123:").decode()
    assert _headers(ws, {}, secrets)["Authorization"] == expected
    # The variable that overrides it holds the key itself; it is encoded when sent.
    (secret,) = required_secrets(ws.apis)
    override = _headers(ws, {secret.env: "sk_test_456"}, secrets)["Authorization"]
    assert override == "Basic " + base64.b64encode(b"sk_test_456:").decode()


def test_a_variable_credential_reaches_a_real_server(httpbin: Any) -> None:
    secrets = MemorySecretStore()
    ws, api, call = curl_to_workspace(
        f"curl {httpbin.url}/headers -H 'Authorization: Bearer $SERVICE_TOKEN'", None, secrets
    )
    store = EnvironmentVariableStore(secrets, lambda: ws, {"SERVICE_TOKEN": "t0ken-from-env"})
    built = build_request(api, call, store)

    async def send() -> Any:
        async with Executor(ExecutionSettings()) as executor:
            return await executor.send(built)

    result = asyncio.run(send())
    assert orjson.loads(result.body)["headers"]["Authorization"] == "Bearer t0ken-from-env"


def test_a_call_secret_read_from_a_variable_follows_the_call_through_a_merge() -> None:
    from designer.core.interop.merge import OnConflict, merge_apis

    first, _, old_call = curl_to_workspace("curl https://h/x -d q=1", None, MemorySecretStore())
    secrets = MemorySecretStore()
    again, api, call = curl_to_workspace(
        "curl 'https://h/x' -d 'api_key=$SHOP_KEY' -d q=1", None, secrets
    )
    assert secrets._values == {}
    assert api.secret_variables == {f"{call.id}/param.api_key": "SHOP_KEY"}
    merged = merge_apis(first, again.apis, OnConflict.REPLACE).workspace
    (api,) = merged.apis
    assert api.calls[0].id == old_call.id  # the replaced call's id is kept
    assert api.secret_variables == {f"{old_call.id}/param.api_key": "SHOP_KEY"}
    assert [s.env for s in required_secrets(merged.apis)] == ["SHOP_KEY"]


def test_user_and_password_as_variables() -> None:
    secrets = MemorySecretStore()
    notes: list[str] = []
    ws, api, _ = curl_to_workspace("curl -u $API_USER:$API_PASS https://h/x", None, secrets, notes)
    assert api.auth == BasicAuth(username="")  # never the text "$API_USER"
    assert api.secret_variables == {"auth.password": "API_PASS"}
    assert secrets._values == {}
    assert any("'$API_USER' is a shell variable" in n for n in notes)
    assert b"$API_USER" not in wf.dumps(ws)
