"""The architecture holds: import contracts (layers, no cycles) and rooms of a readable size.

The contracts live in pyproject.toml under [tool.importlinter]; docs/architecture.md
explains them. ``lint-imports`` is import-linter's own command.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The longest a module may be; a longer one holds more than one room's worth.
MAX_LINES = 500


def test_every_import_contract_is_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    kept = [
        line for line in result.stdout.splitlines() if line.endswith(("KEPT", "ignored import)"))
    ]
    assert len(kept) >= 3, result.stdout


def test_no_module_is_longer_than_a_room() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for path in (ROOT / "designer").rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_architecture_page_names_every_room_of_the_core() -> None:
    import tomllib

    import designer.core

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c.get("containers") == ["designer.core"])["layers"]
    in_contract = {part.strip() for layer in layers for part in layer.split("|")}
    packages = {
        p.name
        for p in Path(designer.core.__file__).parent.iterdir()
        if (p / "__init__.py").exists()
    }
    # Every package of the core has its place in the layers, and the page shows each.
    assert packages == in_contract
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert {p for p in packages if f"core/{p}/" not in page} == set()
