"""Import and export work that runs in worker processes (no Qt here: workers import this).

A document to import can be several megabytes of YAML with thousands of
operations, and an export serialises every API; both are pure CPU work that
would stall the window, so :mod:`designer.ui.interop` awaits these functions
through :func:`designer.ui.infra.ops.run_in_worker`. Arguments and results are plain
data that pickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from designer.core import fileio

if TYPE_CHECKING:
    from designer.core.interop.service import Imported
    from designer.core.interop.sync import UpdateReport
    from designer.core.models import Api, Workspace

# The interop package (every importer and exporter) is imported inside the
# jobs: the main window imports this module at start-up, the jobs run later.

__all__ = ["ExportRequest", "SourceUpdate", "read_curl", "read_file", "read_update", "write_export"]


def read_file(path: str, env_files: tuple[str, ...] = ()) -> Imported:
    """Read and check the document at ``path``; its format is detected.

    A folder, or a ``bruno.json``, is a Bruno collection. ``env_files`` are
    Postman environment files whose values a collection's variables take.
    """
    from designer.core.interop.service import read_bruno_folder, read_import
    from designer.core.interop.source import read_source

    if Path(path).is_dir() or Path(path).name == "bruno.json":
        return read_bruno_folder(path)
    environment = None
    if env_files:
        from designer.core.interop.postman.environment import read_environments

        environment = read_environments(list(env_files))
    return read_import(read_source(path), Path(path).name, base=path, environment=environment)


@dataclass(frozen=True, slots=True)
class SourceUpdate:
    """An API's next version read from its source, and the API updated from it (not applied)."""

    incoming: Api
    updated: Api
    report: UpdateReport


def read_update(path: str, api: Api, workspace_path: str | None) -> SourceUpdate:
    """Read the document at ``path`` and update ``api`` from it (see :mod:`.sync`)."""
    from designer.core.errors import ImportFormatError
    from designer.core.interop.service import read_import
    from designer.core.interop.source import read_source
    from designer.core.interop.sync import counterpart, locate_sources, update_api

    name = Path(path).name
    imported = read_import(read_source(path), name, base=path)
    incoming = counterpart(api, imported.result.apis)
    if incoming is None:
        names = ", ".join(repr(a.name) for a in imported.result.apis[:5])
        raise ImportFormatError(
            f"{name} holds no API like '{api.name}' (it holds {names}): choose its own document"
        )
    locate_sources([incoming], workspace_path)
    updated, report = update_api(api, incoming)
    return SourceUpdate(incoming, updated, report)


def read_curl(command: str) -> Imported:
    """Read a pasted curl command."""
    from designer.core.interop.service import read_import

    return read_import(command.encode(), "the pasted command", "curl")


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export: the format, the APIs by name, and one call for a JSON Schema."""

    to: str
    api_names: tuple[str, ...]
    call: str | None = None
    include_samples: bool = False


def write_export(
    ws: Workspace, request: ExportRequest, path: str, secret_values: tuple[str, ...] = ()
) -> int:
    """Export ``ws`` as asked and write it atomically to ``path``; returns the size written.

    ``secret_values`` are only used to mask them in sample values of a bundle.
    A folder format (a Bruno collection) creates the folder ``path``, all at once.
    """
    from designer.core.interop import FOLDER_FORMATS
    from designer.core.interop.service import export_files, export_workspace

    if request.to in FOLDER_FORMATS:
        from designer.core.interop.folder_output import write_folder

        files = export_files(ws, request.to, api_names=list(request.api_names), call=request.call)
        write_folder(path, files)
        return sum(len(data) for data in files.values())
    data = export_workspace(
        ws,
        request.to,
        api_names=list(request.api_names),
        call=request.call,
        yaml_output=path.lower().endswith((".yaml", ".yml")),
        include_samples=request.include_samples,
        secret_values=secret_values,
    )
    fileio.atomic_write(path, data)
    return len(data)
