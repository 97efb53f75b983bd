"""Telling import formats apart, from the text or the parsed document.

A curl command is recognised by its first word; a document by the keys only
its format has: ``format: connector-designer.bundle``, ``openapi`` or
``swagger``, Postman's ``info.schema`` (or ``info._postman_id`` with
``item``), HAR's ``log.entries``, Insomnia's ``__export_format``.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import ImportFormatError

__all__ = ["FORMATS", "detect_document", "looks_like_curl"]

#: Every format ``import`` reads, as named by ``--from``.
FORMATS: Final = ("bundle", "openapi", "postman", "har", "insomnia", "curl")


def looks_like_curl(text: str) -> bool:
    """Whether ``text`` is a curl command (possibly with a ``$`` prompt)."""
    first = text.strip().removeprefix("$ ").lstrip().split(None, 1)
    return bool(first) and first[0].lower() in ("curl", "curl.exe")


def detect_document(doc: Any, source: str) -> str:
    """The format of a parsed document; raises :class:`ImportFormatError` if it is none of ours."""
    if isinstance(doc, dict):
        info = doc.get("info")
        if doc.get("format") == "connector-designer.bundle":
            return "bundle"
        if doc.get("format") == "connector-designer.workspace":
            raise ImportFormatError(
                f"{source}: $.format: this is a workspace file, not something to import: open "
                f"it in the app, or export a bundle from it"
            )
        if "openapi" in doc or "swagger" in doc:
            return "openapi"
        if isinstance(info, dict) and (
            "postman" in str(info.get("schema", "")) or ("_postman_id" in info and "item" in doc)
        ):
            return "postman"
        if isinstance(doc.get("log"), dict) and "entries" in doc["log"]:
            return "har"
        if "__export_format" in doc or doc.get("_type") == "export":
            return "insomnia"
    raise ImportFormatError(
        f"{source}: $: cannot tell the format: it is not a bundle, OpenAPI or Swagger document, "
        f"Postman collection, HAR file or Insomnia export; pass --from if it is one"
    )
