"""Reading the connectors of a workspace file or of a bundle, whichever a path holds.

``check`` and ``mock`` accept either: a team's workspace in CI, or a bundle a
teammate received. A bundle becomes an in-memory workspace (it has no id of
its own, so only ``CD_SECRET_*`` variables supply its secrets) together with
its saved sample responses; it is never written back.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import orjson

from designer.core import fileio
from designer.core.models import Workspace
from designer.core.workspace import file as workspace_file

__all__ = ["Connectors", "load_connectors"]


@dataclass(slots=True)
class Connectors:
    """What a file holds: the workspace, whether it was a bundle, and a bundle's samples.

    ``samples`` maps ``api-id/call-id`` to ``(content type, body)``.
    """

    workspace: Workspace
    bundle: bool = False
    samples: dict[str, tuple[str, str]] = field(default_factory=dict)


def _format(data: bytes) -> object:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None  # the workspace loader says what is wrong, with the line
    return doc.get("format") if isinstance(doc, dict) else None


def load_connectors(path: str | os.PathLike[str]) -> Connectors:
    """The connectors in the workspace file or bundle at ``path``."""
    from designer.core.interop.bundle import BUNDLE_FORMAT

    source = os.fspath(path)
    data = fileio.read_bytes(source, limit=workspace_file.MAX_WORKSPACE_SIZE, what="workspace")
    if _format(data) != BUNDLE_FORMAT:
        return Connectors(workspace_file.loads(data, source=source))
    from designer.core.interop.service import read_import

    imported = read_import(data, source, "bundle")
    ws = Workspace(name=imported.result.name, apis=imported.result.apis)
    samples = {ref: (s.content_type, s.body) for ref, s in imported.samples.items()}
    return Connectors(ws, bundle=True, samples=samples)
