"""Connector Designer: design, initialize and share API connectors offline."""

from __future__ import annotations

#: The application id (reverse DNS): it names the desktop entry, the AppStream
#: metadata, the icon and the MIME package, and the app tells the desktop so.
APP_ID = "io.github.connectordesigner.ConnectorDesigner"


def _version() -> str:
    """The version: pyproject's ``version``, read from the installed metadata.

    The frozen app carries the same metadata (the build copies the
    dist-info); a source checkout that was never installed reads pyproject.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("connector-designer")
    except PackageNotFoundError:
        import tomllib
        from pathlib import Path

        pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
        try:
            return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "0+unknown"


def __getattr__(name: str) -> str:
    # Read on first use: importlib.metadata parses METADATA with the email
    # package, which would add tens of milliseconds to every command's start.
    if name == "__version__":
        value = _version()
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
