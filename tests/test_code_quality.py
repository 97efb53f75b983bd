"""Lint, formatting and types are part of the suite.

ruff (lint and format) on everything, mypy --strict on all of designer/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "--no-cache", "designer", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_changes_nothing() -> None:
    result = _run("ruff", "format", "--check", "--no-cache", "designer", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_designer_passes_mypy_strict() -> None:
    # The packages and the strictness come from pyproject.toml.
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
