"""``python -m designer`` and the ``connector-designer`` console script."""

from __future__ import annotations

import sys

from designer import cli


def main() -> None:
    # In the frozen app, worker processes (designer.ui.infra.workers, spawn) start
    # this same executable: freeze_support runs their job instead of the CLI.
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()
    raise SystemExit(cli.main())


if __name__ == "__main__":
    main()
