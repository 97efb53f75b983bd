"""Stress mode: the whole suite several times in a row, in random order, on a busy machine.

    .venv/bin/python -m tests.stress [--runs 5] [--seed N] [--no-load] [-- PYTEST ARGS]

A test that passes only on an idle machine, or only after some other test, fails
here instead of in someone's CI run. Each run:

- orders the tests at random with pytest-randomly (which also reseeds ``random``
  before each test); the normal run keeps the files' order, see pyproject.toml;
- runs while one busy process per core competes for the CPU (started here and
  always stopped, even when this command is interrupted or killed);
- fails when pytest fails, or when anything is printed after pytest's summary
  line (a traceback from a thread or pool that outlived the run, say).

The first failing run stops the command, which prints the seed that reproduces
the order. Nothing is retried: a test that fails once in five runs is flaky.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence

__all__ = ["after_summary", "busy_cores", "main"]

#: pytest's last line: "==== 3 passed, 1 skipped in 2.01s ====" (or without the
#: rules under -q). Anything printed after it comes from interpreter shutdown.
SUMMARY = re.compile(
    r"^(=+ )?(no tests ran|(\d+ \w+(, )?)+)( in [\d.]+s( \([\d:]+\))?)?( =+)?$", re.M
)

# Busy until stopped, or until its parent is gone (a killed stress run leaves no load).
_BUSY = """
import os
parent = os.getppid()
while os.getppid() == parent:
    for _ in range(200_000):
        pass
"""


def after_summary(output: str) -> str:
    """What was printed after pytest's summary line ('' when nothing); all of it if
    there is no summary line."""
    ends = [match.end() for match in SUMMARY.finditer(output)]
    return output[ends[-1] :].strip() if ends else output


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def busy_cores(count: int | None = None) -> Iterator[list[subprocess.Popen[bytes]]]:
    """One process spinning on each core (or ``count``) for as long as the block runs."""
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(_cores() if count is None else count):
            procs.append(subprocess.Popen([sys.executable, "-c", _BUSY]))
        yield procs
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait()


def _run_once(seed: int, pytest_args: Sequence[str]) -> tuple[bool, str]:
    """Run the suite once; (passed, why not)."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "randomly",
        f"--randomly-seed={seed}",
        "-p",
        "no:cacheprovider",
        *pytest_args,
    ]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    )
    assert proc.stdout is not None
    lines = []
    try:
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            lines.append(line)
        code = proc.wait()
    finally:
        if proc.poll() is None:  # interrupted: the run stops with this command
            proc.kill()
            proc.wait()
        proc.stdout.close()
    trailing = after_summary("".join(lines))
    if code != 0:
        return False, f"pytest exited with {code}"
    if trailing:
        return False, "output after pytest's summary line:\n" + trailing
    return True, ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.stress",
        description="Run the test suite several times, in random order, under CPU load.",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs in a row (default 5)")
    parser.add_argument("--seed", type=int, help="order of the first run (later runs: random)")
    parser.add_argument("--no-load", action="store_true", help="leave the CPU idle")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest, after --")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be 1 or more")

    # Stopped by a signal (timeout, kill): still stop the load and the run in progress.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    load = contextlib.nullcontext([]) if args.no_load else busy_cores()
    with load as busy:
        print(f"stress: {args.runs} run(s), {len(busy)} busy process(es)", flush=True)
        for run in range(1, args.runs + 1):
            seed = args.seed if run == 1 and args.seed is not None else random.randrange(2**32)
            print(f"stress: run {run}/{args.runs}, seed {seed}", flush=True)
            started = time.monotonic()
            passed, why = _run_once(seed, args.pytest_args)
            took = time.monotonic() - started
            if not passed:
                extra = " ".join(args.pytest_args)
                print(
                    f"\nstress: run {run}/{args.runs} FAILED after {took:.0f} s: {why}\n"
                    f"stress: reproduce the order with: python -m pytest -p randomly "
                    f"--randomly-seed={seed} {extra}\n"
                    f"stress: or under load: python -m tests.stress --runs 1 --seed {seed}"
                    f"{' -- ' + extra if extra else ''}",
                    flush=True,
                )
                return 1
            print(f"stress: run {run}/{args.runs} passed in {took:.0f} s", flush=True)
    print(f"stress: {args.runs} run(s) passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
