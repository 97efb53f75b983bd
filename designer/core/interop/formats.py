"""The one table of the formats import and export know: add a format here.

Detection, the importers, the exporters' names, the command line's ``--from`` and
``--to`` choices, messages and the app's import and export dialogs all read this
table. It imports no format's module: importers are named as ``module:function``
and loaded when a document of theirs is read, so the command line and the app
list the formats without paying for them.

A new importer of a parsed document (JSON or YAML) needs a row with
``importer`` (called as ``function(doc, source)``) and ``recognise`` (called as
``function(doc) -> bool``, tried in the table's order). Formats read from text
(curl, a ``.bru`` file) or a folder (Bruno) are recognised before parsing, in
:mod:`designer.core.interop.service`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "EXPORTS",
    "FORMATS",
    "IMPORTS",
    "Format",
    "by_key",
    "document_name",
    "load",
]


@dataclass(frozen=True, slots=True)
class Format:
    """One format: its name on the command line, and how each part of the program names it."""

    #: the name ``--from`` and ``--to`` take
    key: str
    #: how messages name a document of it ("an OpenAPI or Swagger document")
    document: str
    #: how the import preview names what it shows ("an OpenAPI document"); "" when not imported
    imported_as: str = ""
    #: ``module:function`` reading a parsed document as ``function(doc, source)``
    importer: str = ""
    #: ``module:function`` telling a parsed document of this format, ``function(doc) -> bool``
    recognise: str = ""
    #: how messages name an export of it ("OpenAPI 3.1"); "" when not exported
    exported_as: str = ""
    #: the export dialog's choice, with its mnemonic
    choice: str = ""
    #: the export dialog's tooltip
    tip: str = ""
    #: the save dialog's filters, and the suffix of the suggested file name
    filters: str = ""
    suffix: str = ""
    #: an export that is a folder of files rather than one file
    folder: bool = False

    @property
    def imports(self) -> bool:
        return bool(self.imported_as)

    @property
    def exports(self) -> bool:
        return bool(self.exported_as)


_M = "designer.core.interop"

#: Every format, in the order the command line lists them and detection tries them.
FORMATS: Final = (
    Format(
        "bundle",
        "a Connector Designer bundle",
        imported_as="a connector bundle",
        recognise=f"{_M}.detect:is_bundle",
        exported_as="a bundle",
        choice="&Connector bundle: for teammates, opens in Connector Designer",
        tip="The APIs with their calls, auth and structures; secrets are never written",
        filters="Connector bundles (*.bundle.json *.json)",
        suffix=".bundle.json",
    ),
    Format(
        "openapi",
        "an OpenAPI or Swagger document",
        imported_as="an OpenAPI document",
        importer=f"{_M}.openapi.importer:import_openapi",
        recognise=f"{_M}.detect:is_openapi",
        exported_as="OpenAPI 3.1",
        choice="&OpenAPI 3.1: YAML, or JSON when the file name ends in .json",
        tip="For API tools and documentation; responses carry the inferred schemas",
        filters="OpenAPI YAML (*.yaml *.yml);;OpenAPI JSON (*.json)",
        suffix=".openapi.yaml",
    ),
    Format(
        "postman",
        "a Postman collection",
        imported_as="a Postman collection",
        importer=f"{_M}.postman.importer:import_postman",
        recognise=f"{_M}.detect:is_postman",
        exported_as="a Postman collection",
        choice="&Postman collection v2.1: one folder per API",
        tip="For Postman or newman; secrets become collection variables left empty",
        filters="Postman collections (*.postman_collection.json *.json)",
        suffix=".postman_collection.json",
    ),
    Format(
        "har",
        "a HAR file",
        imported_as="a HAR recording",
        importer=f"{_M}.har:import_har",
        recognise=f"{_M}.detect:is_har",
    ),
    Format(
        "insomnia",
        "an Insomnia export",
        imported_as="an Insomnia export",
        importer=f"{_M}.insomnia.v4:import_insomnia",
        recognise=f"{_M}.detect:is_insomnia",
        exported_as="an Insomnia v5 collection",
        choice="&Insomnia v5 collection: YAML, one folder per API",
        tip="For Insomnia; secrets become empty variables of the base environment",
        filters="Insomnia collections (*.insomnia.yaml *.yaml *.yml)",
        suffix=".insomnia.yaml",
    ),
    Format(
        "bruno",
        "a Bruno request or collection",
        imported_as="a Bruno request or collection",
        exported_as="a Bruno collection folder",
        choice="&Bruno collection: a new folder, runs with bru run",
        tip="A folder for Bruno or bru run; secrets are read from CD_SECRET_… variables",
        filters="Bruno collection folder (*)",
        folder=True,
    ),
    Format(
        "curl",
        "a curl command",
        imported_as="a curl command",
        exported_as="curl commands",
        choice="c&URL commands: one per call, secrets as environment variables",
        tip="A shell script to run the calls; set the CD_SECRET_… variables first",
        filters="Shell scripts (*.sh);;Text files (*.txt)",
        suffix=".sh",
    ),
    Format(
        "python",
        "a typed Python client",
        exported_as="a typed Python client",
        choice="P&ython client: a typed module with one function per call",
        tip="A Python module (httpx) to call the APIs from code; secrets are read from "
        "the CD_SECRET_… environment variables",
        filters="Python modules (*.py)",
        suffix="_client.py",
    ),
    Format(
        "jsonschema",
        "a JSON Schema",
        exported_as="a JSON Schema",
        choice="&JSON Schema of the selected call's response",
        tip="The inferred structure of one call's response, for validators",
        filters="JSON Schema (*.schema.json *.json)",
        suffix=".schema.json",
    ),
)

_BY_KEY: Final = {f.key: f for f in FORMATS}
#: The formats ``import`` reads, in the order ``--from`` lists them.
IMPORTS: Final = ("bundle", "openapi", "postman", "har", "insomnia", "curl", "bruno")
assert all(_BY_KEY[key].imports for key in IMPORTS)
#: The formats ``export`` writes, in the order ``--to`` and the export dialog list them.
EXPORTS: Final = (
    "bundle",
    "openapi",
    "postman",
    "curl",
    "jsonschema",
    "python",
    "insomnia",
    "bruno",
)
assert all(_BY_KEY[key].exports for key in EXPORTS)


def by_key(key: str) -> Format:
    """The format named ``key`` (a ``KeyError`` for an unknown one)."""
    return _BY_KEY[key]


def document_name(key: str) -> str:
    """How messages name a document of format ``key`` ("a Postman collection")."""
    found = _BY_KEY.get(key)
    return found.document if found is not None else key


def load(reference: str) -> Callable[..., Any]:
    """The function a ``module:function`` reference of the table names, imported now."""
    module, _, name = reference.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return function
