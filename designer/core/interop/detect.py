"""Telling import formats apart, from the text or the parsed document.

A curl command is recognised by its first word; a document by the keys only
its format has: ``format: connector-designer.bundle``, ``openapi`` or
``swagger``, Postman's ``info.schema`` (or ``info._postman_id`` with
``item``), HAR's ``log.entries``, Insomnia's ``__export_format`` (v4) or
``type: collection.insomnia.rest/5.0`` (v5). A Bruno ``.bru`` file is
neither JSON nor YAML: it is recognised by its first block (``meta {``).

A Postman collection v1 (top-level ``requests`` and ``order``, no
``info.schema``) is refused with the way out: export it again as v2.1. A
``--from`` format that does not match the document is refused too, so that
importing never "succeeds" with an empty workspace.
"""

from __future__ import annotations

from typing import Any, Final

from designer.core.errors import ImportFormatError
from designer.core.interop.formats import FORMATS as _TABLE
from designer.core.interop.formats import IMPORTS, document_name, load

__all__ = [
    "FORMATS",
    "check_kind",
    "detect_document",
    "format_name",
    "is_bundle",
    "is_har",
    "is_insomnia",
    "is_openapi",
    "is_postman",
    "looks_like_bru",
    "looks_like_curl",
]

#: Every format ``import`` reads, as named by ``--from`` (from the one table of formats).
FORMATS: Final = IMPORTS


def looks_like_bru(text: str) -> bool:
    """Whether ``text`` is a Bruno ``.bru`` file: its first line opens a block (``meta {``)."""
    from designer.core.interop.bruno.bru import looks_like_bru as bru

    return bru(text)


def looks_like_curl(text: str) -> bool:
    """Whether ``text`` is a curl command (possibly with a ``$`` prompt)."""
    first = text.strip().removeprefix("$ ").lstrip().split(None, 1)
    return bool(first) and first[0].lower() in ("curl", "curl.exe")


def format_name(kind: str) -> str:
    """How messages name the format ``kind`` ("an OpenAPI or Swagger document")."""
    return document_name(kind)


def _postman_v1(doc: dict[str, Any]) -> bool:
    return (
        isinstance(doc.get("requests"), list)
        and ("order" in doc or "folders" in doc)
        and not isinstance(doc.get("info"), dict)
    )


def check_kind(doc: Any, source: str, kind: str) -> str:
    """``kind`` (as given with ``--from``) if ``doc`` is of that format; else one clear error."""
    try:
        found: str | None = detect_document(doc, source)
    except ImportFormatError as exc:
        if "Postman collection v1" in str(exc):
            raise
        found = None
    if found == kind:
        return kind
    what = document_name(found) if found else "none of the formats this application reads"
    raise ImportFormatError(
        f"{source}: $: --from {kind} does not match the file: it is {what}, not "
        f"{document_name(kind)}" + (f"; use --from {found} or leave --from out" if found else "")
    )


def detect_document(doc: Any, source: str) -> str:
    """The format of a parsed document; raises :class:`ImportFormatError` if it is none of ours."""
    if isinstance(doc, dict) and _postman_v1(doc):
        raise ImportFormatError(
            f"{source}: $: Postman collection v1 is not supported: export it as v2.1 from Postman"
        )
    if isinstance(doc, dict):
        if doc.get("format") == "connector-designer.workspace":
            raise ImportFormatError(
                f"{source}: $.format: this is a workspace file, not something to import: open "
                f"it in the app, or export a bundle from it"
            )
        for fmt in _TABLE:
            if fmt.recognise and load(fmt.recognise)(doc):
                return fmt.key
    raise ImportFormatError(
        f"{source}: $: cannot tell the format: it is not a bundle, OpenAPI or Swagger document, "
        f"Postman collection, HAR file, Insomnia export or Bruno request; pass --from if it is one"
    )


def is_bundle(doc: dict[str, Any]) -> bool:
    return doc.get("format") == "connector-designer.bundle"


def is_openapi(doc: dict[str, Any]) -> bool:
    return "openapi" in doc or "swagger" in doc


def is_postman(doc: dict[str, Any]) -> bool:
    info = doc.get("info")
    return isinstance(info, dict) and (
        "postman" in str(info.get("schema", "")) or ("_postman_id" in info and "item" in doc)
    )


def is_har(doc: dict[str, Any]) -> bool:
    return isinstance(doc.get("log"), dict) and "entries" in doc["log"]


def is_insomnia(doc: dict[str, Any]) -> bool:
    """An Insomnia v4 export, or a v5 file (collection, design document, environment)."""
    if "__export_format" in doc or doc.get("_type") == "export":
        return True
    from designer.core.interop.insomnia.v5 import is_insomnia_v5

    return is_insomnia_v5(doc)
