"""A large workspace is kept out of the cyclic garbage collector's full passes.

What matters is where the workspace's own model objects are: in the generations
a collection walks, or moved out of them (frozen). The assertions look at those
objects only, never at the global number of frozen objects, which any other
allocation or release in the process (a thread, a timer, a lazy import) moves.
"""

from __future__ import annotations

import gc

from designer.core.models import Workspace
from designer.ui.editing.document import LARGE_WORKSPACE_CALLS, Document
from tests.helpers.workspaces import big_workspace, small_workspace


def _models(workspace: Workspace) -> list[object]:
    """The workspace, its APIs, calls and parameters: the objects a collection would walk."""
    found: list[object] = [workspace]
    for api in workspace.apis:
        found.append(api)
        for call in api.calls:
            found += [call, *call.parameters]
    return found


def _in_collected_generations(objects: list[object]) -> list[bool]:
    """For each object, whether a full collection walks it (``gc.get_objects`` lists
    the tracked objects of the three generations, not the frozen ones)."""
    walked = {id(obj) for obj in gc.get_objects()}
    return [id(obj) in walked for obj in objects]


def test_a_large_workspace_is_frozen_out_of_the_collector(qapp) -> None:
    doc = Document()
    collecting = gc.isenabled()
    gc.enable()
    try:
        gc.unfreeze()
        small = small_workspace()
        doc.replace(small, None)
        # A small workspace costs the collector little: it stays where it was.
        assert all(_in_collected_generations(_models(small)))

        large = big_workspace(LARGE_WORKSPACE_CALLS + 100)
        doc.replace(large, None)
        assert doc.workspace is large
        models = _models(large)
        # Still tracked (so a cycle through them would be found after unfreeze),
        # but out of the generations a full collection walks.
        assert all(gc.is_tracked(obj) for obj in models)
        assert not any(_in_collected_generations(models))

        gc.disable()  # as while the application starts: it freezes after its window shows
        try:
            later = big_workspace(LARGE_WORKSPACE_CALLS + 100)
            doc.replace(later, None)
            assert all(_in_collected_generations(_models(later)))
        finally:
            gc.enable()
    finally:
        gc.unfreeze()
        if not collecting:
            gc.disable()
        doc.deleteLater()
