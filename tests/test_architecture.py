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
