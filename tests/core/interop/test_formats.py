"""The one table of formats is what detection, the importers, the CLI and the dialogs read."""

from __future__ import annotations

import pytest

from designer.cli.main import build_parser
from designer.core.interop import EXPORT_FORMATS, EXPORT_LABELS, FOLDER_FORMATS
from designer.core.interop.detect import detect_document, format_name
from designer.core.interop.formats import EXPORTS, FORMATS, IMPORTS, by_key, load

#: The smallest document of each format that detection must recognise.
DOCUMENTS = {
    "bundle": {"format": "connector-designer.bundle", "apis": []},
    "openapi": {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}},
    "postman": {
        "info": {"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [],
    },
    "har": {"log": {"version": "1.2", "entries": []}},
    "insomnia": {"_type": "export", "__export_format": 4, "resources": []},
}


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.recognise], ids=lambda f: f.key)
def test_every_recognised_format_is_detected_by_its_row(fmt: object) -> None:
    key = fmt.key  # type: ignore[attr-defined]
    assert detect_document(DOCUMENTS[key], "doc.json") == key
    assert format_name(key) == by_key(key).document


@pytest.mark.parametrize("key", [f.key for f in FORMATS if f.importer])
def test_every_importer_reference_loads(key: str) -> None:
    assert callable(load(by_key(key).importer))
    assert callable(load(by_key(key).recognise))


def test_the_command_line_offers_the_tables_formats() -> None:
    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    from_choices = next(a.choices for a in sub["import"]._actions if a.dest == "source")
    to_choices = next(a.choices for a in sub["export"]._actions if a.dest == "to")
    assert tuple(from_choices) == IMPORTS
    assert tuple(to_choices) == EXPORTS == EXPORT_FORMATS


def test_export_names_and_folders_come_from_the_table() -> None:
    assert EXPORT_LABELS == {key: by_key(key).exported_as for key in EXPORTS}
    assert FOLDER_FORMATS == ("bruno",)
    assert all(by_key(key).imports for key in IMPORTS)
