"""The command line on bodies whose keys are data: one map row in the tree, a small schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import orjson
import pytest

from designer import cli

DATA = Path(__file__).parents[1] / "data" / "maps"


def test_infer_shows_a_map_row_with_its_key_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["infer", str(DATA / "exchange_rates.json")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "  rates: map of number  [30 keys]" in lines
    assert lines[lines.index("  rates: map of number  [30 keys]") + 1].startswith(
        "    [key]: number  = "
    )
    assert len(lines) == 6  # the 30 currencies are one row


def test_infer_json_schema_of_a_collection_keyed_by_ids(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "firebase_tasks.json"
    assert cli.main(["infer", str(path), "--format", "json-schema"]) == 0
    schema = orjson.loads(capsys.readouterr().out)
    assert "properties" not in schema
    assert schema["additionalProperties"]["required"] == ["title", "done", "createdAt", "owner"]
    jsonschema.Draft202012Validator(schema).validate(orjson.loads(path.read_bytes()))
