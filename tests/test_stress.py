"""The stress mode (tests/stress.py): random order, busy cores, and no output after the summary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.stress import after_summary, busy_cores

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("output", "after"),
    [
        ("collected 3 items\n...\n===== 3 passed in 0.12s =====\n", ""),
        ("..\n==== 1 failed, 1 passed, 2 warnings in 3.40s (0:00:03) ====\n", ""),
        ("..\n2 passed, 1 skipped in 1.00s\n", ""),  # -q
        ("\n==== no tests ran in 0.01s ====\n", ""),
        (
            "==== 1345 passed, 4 skipped in 612.00s (0:10:12) ====\n"
            "Exception ignored in: <function weakref_cb>\nAttributeError: 'NoneType'\n",
            "Exception ignored in: <function weakref_cb>\nAttributeError: 'NoneType'",
        ),
        ("Fatal Python error: Aborted\n", "Fatal Python error: Aborted\n"),  # never got there
    ],
)
def test_what_follows_the_summary_line(output: str, after: str) -> None:
    assert after_summary(output) == after


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_busy_processes_spin_and_are_always_stopped() -> None:
    seen: list[subprocess.Popen[bytes]] = []

    def interrupted() -> None:
        with busy_cores(2) as procs:
            seen.extend(procs)
            assert all(proc.poll() is None for proc in procs)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    pids = [proc.pid for proc in seen]
    assert len(set(pids)) == 2
    assert None not in [proc.poll() for proc in seen]
    assert [_state(pid) for pid in pids] == ["gone", "gone"]


def _project(tmp_path: Path, conftest: str = "") -> Path:
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:randomly\n")
    (tmp_path / "conftest.py").write_text(conftest)
    (tmp_path / "test_some.py").write_text(
        "".join(f"def test_{n}():\n    pass\n\n" for n in range(5))
    )
    return tmp_path


def _stress(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "tests.stress", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_each_run_has_its_own_random_order(tmp_path: Path) -> None:
    project = _project(tmp_path)
    done = _stress("--runs", "2", "--seed", "1234", "--no-load", "--", "-v", str(project))
    assert done.returncode == 0, done.stdout + done.stderr
    # The addopts of the project turn the plugin off; the stress mode turns it back on.
    seeds = [line for line in done.stdout.splitlines() if line.startswith("Using --randomly-seed")]
    assert seeds[0] == "Using --randomly-seed=1234"
    assert len(set(seeds)) == 2
    assert done.stdout.rstrip().endswith("stress: 2 run(s) passed")


def test_output_after_the_summary_fails_the_run_and_names_the_seed(tmp_path: Path) -> None:
    late = "import atexit, sys\natexit.register(lambda: print('late traceback', file=sys.stderr))\n"
    project = _project(tmp_path, late)
    done = _stress("--runs", "3", "--seed", "99", "--no-load", "--", str(project))
    assert done.returncode == 1
    assert "stress: run 1/3 FAILED" in done.stdout
    assert "output after pytest's summary line:\nlate traceback" in done.stdout
    assert "--randomly-seed=99" in done.stdout
    assert "run 2/3" not in done.stdout  # the first failing run stops it


def test_a_failing_run_stops_the_stress_run(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "test_broken.py").write_text("def test_broken():\n    assert False\n")
    done = _stress("--runs", "2", "--no-load", "--", str(project))
    assert done.returncode == 1
    assert "stress: run 1/2 FAILED" in done.stdout
    assert "pytest exited with 1" in done.stdout
