"""Worker jobs that take (nearly) forever, to cancel in tests. Module-level, so they pickle."""

from __future__ import annotations

import time


def never_done(*args: object) -> None:
    time.sleep(120)


def late_infer_spooled(*args: object) -> object:
    """The real full pass, started late: the quick first pass is surely done by then."""
    from designer.ui.response import jobs

    time.sleep(1.5)
    return jobs.infer_spooled(*args)  # type: ignore[arg-type]
