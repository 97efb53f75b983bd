"""Packaging: every package is listed, and an installed copy finds the bundled example."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_listed_packages_are_the_folders_of_the_source() -> None:
    setuptools = _pyproject()["tool"]["setuptools"]
    found = {
        ".".join(folder.relative_to(ROOT).parts)
        for folder in (ROOT / "designer").rglob("*")
        if folder.is_dir() and any(folder.glob("*.py"))
    } | {"designer"}
    mapped = setuptools["package-dir"]["designer.resources"]
    found |= {
        ".".join(("designer", *folder.relative_to(ROOT).parts))
        for folder in [ROOT / mapped, *(ROOT / mapped).rglob("*")]
        if folder.is_dir() and folder.name != "__pycache__"
    }
    assert set(setuptools["packages"]) == found


def test_an_installed_copy_finds_the_bundled_example(tmp_path: Path) -> None:
    env = dict(os.environ, PIP_NO_INPUT="1")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True, env=env, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("connector_designer-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert "designer/resources/examples/example.workspace.json" in names
    assert "designer/py.typed" in names
    assert "designer/resources/icons/io.github.connectordesigner.ConnectorDesigner.svg" in names
    # The interface icons, and the licence they ship under.
    for name in ("play.svg", "key-round.svg", "LICENSE", "README.md"):
        assert f"designer/resources/icons/ui/{name}" in names, name
    # The unpacked wheel comes first on the path, so it is what gets imported.
    code = (
        "import designer, designer.core.demo.server as demo; "
        "print(designer.__file__); print(len(demo.example_workspace('http://127.0.0.1:9').apis))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(tmp_path / "site")),
        capture_output=True,
        text=True,
        check=True,
    )
    where, apis = done.stdout.splitlines()
    assert Path(where).is_relative_to(tmp_path / "site")
    assert apis == "1"
