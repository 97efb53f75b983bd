"""JSON References wherever a vendor puts them: in place of ``paths``, ``properties``,
``securitySchemes``, a parameter list or a description, inside the document's folder tree.

Each document is written to a temporary folder the way a multi-file vendor
specification is laid out; the import reads it from there as the CLI does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.core.errors import ImportReferenceError
from designer.core.interop.common import ImportResult
from designer.core.interop.notes import FIRST_PLACES
from designer.core.interop.service import read_import
from designer.core.interop.source import read_source
from designer.core.models import BearerAuth, Placement


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "openapi.yaml"


def _import(path: Path) -> ImportResult:
    return read_import(read_source(path), str(path), base=str(path)).result


SPLIT = {
    "openapi.yaml": """
openapi: 3.0.3
info: {title: Split, version: '1', description: {$ref: 'texts.yml#/intro'}}
servers: [{url: 'https://api.split.example'}]
security: [{token: []}]
paths: {$ref: './paths/_index.yml'}
components:
  securitySchemes: {$ref: './security.yml'}
""",
    "texts.yml": "intro: Manage widgets.\n",
    "security.yml": "token: {type: http, scheme: bearer}\n",
    "paths/_index.yml": """
/widgets: {$ref: './widgets.yml'}
""",
    "paths/widgets.yml": """
get:
  summary: List widgets
  parameters: {$ref: '../shared/list_params.yml'}
  responses:
    '200':
      description: ok
      content:
        application/json:
          schema: {$ref: '../models/widget.yml'}
""",
    "shared/list_params.yml": """
- {name: per_page, in: query, schema: {type: integer, example: 20}}
- {$ref: './cursor.yml'}
""",
    "shared/cursor.yml": "{name: cursor, in: query, schema: {type: string}}\n",
    "models/widget.yml": """
type: object
properties: {$ref: './widget_attributes.yml'}
""",
    "models/widget_attributes.yml": """
id: {type: integer}
name: {type: string}
size: {$ref: './size.yml'}
""",
    "models/size.yml": "type: object\nproperties: {width: {type: number}}\n",
}


def test_references_in_place_of_maps_lists_and_values(tmp_path: Path) -> None:
    result = _import(_write(tmp_path, SPLIT))
    (api,) = result.apis
    assert api.description == "Manage widgets."
    assert isinstance(api.auth, BearerAuth)
    (call,) = api.calls
    assert call.name == "List widgets"
    assert [(p.name, p.placement) for p in call.parameters] == [
        ("per_page", Placement.QUERY),
        ("cursor", Placement.QUERY),
    ]
    assert call.structure is not None
    assert call.structure.fields is not None
    assert set(call.structure.fields) == {"id", "name", "size"}
    size = call.structure.fields["size"].fields
    assert size is not None
    assert set(size) == {"width"}
    assert result.notes == []


def test_a_property_named_ref_is_not_a_reference(tmp_path: Path) -> None:
    files = dict(SPLIT)
    files["models/widget_attributes.yml"] = "$ref: {type: string}\nname: {type: string}\n"
    (api,) = _import(_write(tmp_path, files)).apis
    structure = api.calls[0].structure
    assert structure is not None
    assert structure.fields is not None
    assert set(structure.fields) == {"$ref", "name"}


def test_confinement_holds_for_references_in_any_place(tmp_path: Path) -> None:
    root = tmp_path / "spec"
    (tmp_path / "secret.yml").write_text("token: {type: http, scheme: bearer}\n")
    files = dict(SPLIT)
    files["openapi.yaml"] = files["openapi.yaml"].replace("./security.yml", "../secret.yml")
    with pytest.raises(ImportReferenceError, match="outside the document's folder"):
        _import(_write(root, files))


def test_one_note_per_kind_with_a_count_and_the_first_places(tmp_path: Path) -> None:
    paths = "".join(
        f"  /things{i}:\n    get:\n      security: [{{missing: []}}]\n"
        f"      responses: {{'200': {{description: ok}}}}\n"
        for i in range(40)
    )
    path = _write(
        tmp_path,
        {"openapi.yaml": f"openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n{paths}"},
    )
    notes = _import(path).notes
    (note,) = [n for n in notes if "'missing'" in n]
    assert "40 places" in note
    assert note.count("$.paths") == FIRST_PLACES
    assert f"and {40 - FIRST_PLACES} more" in note
