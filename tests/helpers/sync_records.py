"""Comparing imported APIs with the originals, setting aside where the import came from."""

from __future__ import annotations

from collections.abc import Sequence

from designer.core.models import Api


def without_sync_records(apis: Sequence[Api]) -> list[Api]:
    """Copies of ``apis`` without their source and the calls' origins (set by every import)."""
    return [
        api.model_copy(
            update={
                "source": None,
                "calls": [c.model_copy(update={"origin": None}) for c in api.calls],
            }
        )
        for api in apis
    ]
