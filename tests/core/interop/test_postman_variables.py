"""Postman variables never go out literally: environment files, collection variables, and
the placeholders docs write in URLs (``{id}``, ``<id>``, ``:id``, ``{{id}}``).

``terms.postman_collection.json`` is shaped like a vendor collection whose ``{{host}}``,
``{{lang}}`` and credentials live in separate environment files.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from designer import cli
from designer.core.errors import ImportFormatError, InputError
from designer.core.http.request import build_request
from designer.core.interop.postman.environment import read_environments
from designer.core.interop.service import read_import
from designer.core.interop.source import read_source
from designer.core.models import Api, Placement, Workspace, secret_ref
from designer.core.secrets.store import MemorySecretStore
from designer.core.workspace import file as wf
from tests.core.interop.conftest import DATA

COLLECTION = DATA / "terms.postman_collection.json"
PRODUCTION = DATA / "terms.postman_environment.json"
STAGING = DATA / "terms-staging.postman_environment.json"
POSTMAN = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def _import(*env_files: Path) -> tuple[Api, dict[str, str]]:
    environment = read_environments([str(p) for p in env_files]) if env_files else None
    result = read_import(read_source(COLLECTION), COLLECTION.name, environment=environment).result
    (api,) = result.apis
    return api, result.secrets


def _paths(api: Api) -> dict[str, str]:
    return {c.name: c.path for c in api.calls}


def test_every_placeholder_form_is_a_path_parameter_and_no_segment_is_lost() -> None:
    api, _ = _import()
    # {{host}} is defined nowhere: a base URL parameter to fill, the segments after it kept.
    assert api.base_url == "{host}"
    assert [(p.name, p.placement) for p in api.parameters] == [("host", Placement.PATH)]
    assert _paths(api) == {
        "Terms": "/{version}/terms/default",
        "Term": "/{version}/terms/{id}",
        "Angle": "/{version}/angles/{angle_id}/x",
        "Order": "/{version}/orders/{order_id}",
        "Sign": "/{version}/sign",
    }
    calls = {c.name: c for c in api.calls}
    for name, param in (("Term", "id"), ("Angle", "angle_id"), ("Order", "order_id")):
        (found,) = [p for p in calls[name].parameters if p.name == param]
        assert found.placement is Placement.PATH
        assert found.value == ""  # ":order_id" = "{{order_id}}", empty: to fill, not sent as text
    store = MemorySecretStore({secret_ref(api, "auth.token"): "t"})
    built = build_request(
        api, calls["Order"], store, {"host": "https://api.example", "order_id": "42"}
    )
    assert built.url == "https://api.example/v1/orders/42"
    assert "%7B" not in built.url


def test_environment_files_fill_the_variables_and_keep_secrets_out() -> None:
    api, secrets = _import(PRODUCTION)
    assert api.base_url == "https://api.terms.example"
    assert api.parameters == []
    terms = next(c for c in api.calls if c.name == "Terms")
    values = {p.name: p.value for p in terms.parameters}
    assert values["X-Region"] == "eu-west"
    assert values["lang"] == ""  # only the staging file defines it
    assert secrets[secret_ref(api, "auth.token")] == "tok-prod-123"
    sign = next(c for c in api.calls if c.name == "Sign")
    (key,) = [p for p in sign.parameters if p.name == "signing_key"]
    assert key.private
    assert key.value == ""
    assert secrets[secret_ref(api, "param.signing_key", sign)] == "sig-secret-987"
    text = wf.dumps(Workspace(apis=[api])).decode()
    assert "sig-secret-987" not in text
    assert "tok-prod-123" not in text


def test_a_later_environment_file_wins() -> None:
    api, _ = _import(PRODUCTION, STAGING)
    assert api.base_url == "https://staging.terms.example"
    terms = next(c for c in api.calls if c.name == "Terms")
    assert {p.name: p.value for p in terms.parameters}["lang"] == "fr"


def test_cli_env_file_is_repeatable(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "ws.json"
    argv = ["import", str(COLLECTION), "-o", str(out), "--no-keychain"]
    argv += ["--env-file", str(PRODUCTION), "--env-file", str(STAGING)]
    assert cli.main(argv) == 0
    (api,) = wf.load(out).apis
    assert api.base_url == "https://staging.terms.example"
    assert b"tok-prod-123" not in out.read_bytes()


def test_env_file_errors_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "ws.json"
    code = cli.main(["import", str(COLLECTION), "--env-file", str(COLLECTION), "-o", str(out)])
    _, err = capsys.readouterr()
    assert code != 0
    assert len(err.strip().splitlines()) == 1
    assert "not a Postman environment" in err
    assert not out.exists()
    with pytest.raises(ImportFormatError, match="not a Postman environment"):
        read_environments([str(COLLECTION)])
    with pytest.raises(InputError, match="Postman collections only"):
        read_import(
            read_source(DATA / "petstore-3.0.yaml"),
            "petstore-3.0.yaml",
            environment=read_environments([str(PRODUCTION)]),
        )


def test_an_unsupported_auth_on_many_requests_is_one_note() -> None:
    items = [
        {
            "name": f"Request {i}",
            "request": {
                "method": "GET",
                "url": "https://api.example/x",
                "auth": {"type": "oauth1", "oauth1": []},
            },
        }
        for i in range(9)
    ]
    doc = {"info": {"name": "Social", "schema": POSTMAN}, "item": items}
    notes = read_import(orjson.dumps(doc), "social.json").result.notes
    (note,) = [n for n in notes if "oauth1" in n]
    assert "9 places" in note
    assert "and 6 more" in note
