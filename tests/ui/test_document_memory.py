"""A large workspace is kept out of the cyclic garbage collector's full passes."""

from __future__ import annotations

import gc

from designer.ui.document import LARGE_WORKSPACE_CALLS, Document
from tests.helpers.workspaces import big_workspace, small_workspace


def test_a_large_workspace_is_frozen_out_of_the_collector(qapp) -> None:
    doc = Document()
    collecting = gc.isenabled()
    gc.enable()
    try:
        gc.unfreeze()
        doc.replace(small_workspace(), None)
        assert gc.get_freeze_count() == 0  # a small workspace costs the collector little
        large = big_workspace(LARGE_WORKSPACE_CALLS + 100)
        doc.replace(large, None)
        frozen = gc.get_freeze_count()
        assert frozen > 0
        # The workspace's models are among the frozen objects: no longer tracked by
        # the generations a full collection walks.
        assert not any(obj is large for obj in gc.get_objects())
        gc.disable()  # as while the application starts: it freezes after its window shows
        try:
            doc.replace(big_workspace(LARGE_WORKSPACE_CALLS + 100), None)
            assert gc.get_freeze_count() == frozen
        finally:
            gc.enable()
    finally:
        gc.unfreeze()
        if not collecting:
            gc.disable()
        doc.deleteLater()
